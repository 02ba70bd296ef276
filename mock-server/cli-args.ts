// Command-line parsing on node:util parseArgs, with one-line usage errors that name the wrong flag.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { rangeMessage } from './validation.js';

/**
 * A mistake in how the command was called: printed as one line, exit code 2.
 * @example throw new UsageError('--port must be a whole number')
 */
export class UsageError extends Error {}

/**
 * A run that could not be carried out (the server cannot be reached, the program cannot be started,
 * the run's total time ran out): printed as one line, exit code 3, never 1, which says a case failed.
 * @example throw new CouldNotRunError('cannot reach http://127.0.0.1:1: connect ECONNREFUSED')
 */
export class CouldNotRunError extends Error {}

/**
 * Parses arguments with node:util, turning its errors into one-line UsageErrors.
 * @example parseCommandArgs({ args: ['--port', '0'], options: { port: { type: 'string' } } }).values.port // '0'
 */
export function parseCommandArgs<T extends ParseArgsConfig & { args: string[] }>(
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = (error as Error).message;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const option = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`unknown option ${option}`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const value = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`unexpected argument ${value}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const option = /'(--?[\w-]+)/.exec(message)?.[1] ?? '';
      const at = config.args.indexOf(option);
      if (/ambiguous/.test(message) && at !== -1) {
        // `--port -1` means the value -1: read it so, and let the option's own check say what is wrong.
        const args = [...config.args.slice(0, at), `${option}=${config.args[at + 1]}`, ...config.args.slice(at + 2)];
        return parseCommandArgs({ ...config, args });
      }
      if (/argument missing/.test(message)) throw new UsageError(`${option} needs a value`);
      if (/does not take an argument/.test(message)) throw new UsageError(`${option} takes no value`);
    }
    throw new UsageError(message.split(/\.\s/)[0].replace(/\.$/, '').replace(/\s+/g, ' '));
  }
}

/**
 * Reads an integer flag, naming the flag when it is wrong.
 * @example parseInteger('--port', '4020', 0, 65535) // 4020
 */
export function parseInteger(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${flag} ${rangeMessage({ min, max }, text)}`);
  }
  return Number(text);
}
