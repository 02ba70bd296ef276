// The CLI's request log: one pretty or JSON line per request.
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
 * Text from a request made safe for one line of a terminal: control characters (newlines, ESC and
 * the rest of C0 and C1) and Unicode line breaks are written as escapes, so no request can forge a
 * log line or send the terminal an escape sequence.
 * @example printable('a\nb\u001b[2J') // 'a\\nb\\x1b[2J'
 */
export function printable(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code >= 0x20 && (code < 0x7f || code > 0x9f) && code !== 0x2028 && code !== 0x2029) out += char;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else out += code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
  }
  return out;
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
      process.stdout.write(`${paint('dim', entry.time)} ${paint(style, printable(line))}\n`);
    },
    event(level, message, fields = {}) {
      if (format === 'json') json({ time: new Date().toISOString(), level, event: 'notice', msg: message, ...fields });
      else
        process.stdout.write(
          `${paint('dim', new Date().toISOString())} ${level === 'warn' ? paint('yellow', printable(message)) : printable(message)}\n`,
        );
    },
  };
}
