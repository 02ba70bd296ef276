import { styleText } from 'node:util';
import type { RequestLogEntry } from './settings.js';

/** How the CLI writes what happens: for people (pretty) or for log collectors (one JSON object per line). */
export type LogFormat = 'pretty' | 'json';

export interface CliLogger {
  /** The start-up banner: lines for people, one object for collectors. */
  banner(lines: string[], fields: Record<string, unknown>): void;
  /** One answered request. */
  request(line: string, entry: RequestLogEntry): void;
  /** Something worth knowing that is not a request, e.g. a data file reloaded or refused. */
  event(level: 'info' | 'warn', message: string, fields?: Record<string, unknown>): void;
}

/**
 * A logger writing to stdout; colours only when stdout is a terminal (and NO_COLOR is unset).
 * @example createCliLogger('json', { quiet: false }).event('info', 'data reloaded')
 */
export function createCliLogger(format: LogFormat, options: { quiet: boolean }): CliLogger {
  const colour = format === 'pretty' && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const paint = (style: Parameters<typeof styleText>[0], text: string) => (colour ? styleText(style, text) : text);
  const json = (object: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(object)}\n`);
  return {
    banner(lines, fields) {
      if (format === 'json')
        json({ time: new Date().toISOString(), level: 'info', event: 'listening', msg: lines[0], ...fields });
      else for (const line of lines) console.log(line);
    },
    request(line, entry) {
      if (options.quiet) return;
      if (format === 'json') {
        json({ level: 'info', event: 'request', ...entry });
        return;
      }
      const style = entry.errcode === 0 ? 'green' : entry.errcode === null ? 'red' : 'yellow';
      process.stdout.write(`${paint('dim', entry.time)} ${paint(style, line)}\n`);
    },
    event(level, message, fields = {}) {
      if (format === 'json') json({ time: new Date().toISOString(), level, event: 'notice', msg: message, ...fields });
      else
        process.stdout.write(
          `${paint('dim', new Date().toISOString())} ${level === 'warn' ? paint('yellow', message) : message}\n`,
        );
    },
  };
}
