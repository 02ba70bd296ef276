import { type ParseArgsConfig, parseArgs } from 'node:util';

/**
 * A mistake in how the command was called: printed as one line, exit code 2.
 * @example throw new UsageError('--port must be a whole number')
 */
export class UsageError extends Error {}

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
    throw new UsageError(message.split('. ')[0].replace(/\.$/, ''));
  }
}

/**
 * Reads an integer flag, naming the flag when it is wrong.
 * @example parseInteger('--port', '4020', 0, 65535) // 4020
 */
export function parseInteger(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}
