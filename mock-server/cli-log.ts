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
 * Unicode's bidirectional controls (ALM, LRM, RLM, the embeddings, overrides and isolates): shown
 * raw, one reorders the rest of the line, so a request could make its log line read otherwise.
 */
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const BIDI_CONTROLS = new RegExp(BIDI_CONTROL.source, 'g');

/**
 * Text from a request made safe for one line of a terminal: control characters (newlines, ESC and
 * the rest of C0 and C1), Unicode line breaks and bidirectional controls are written as escapes, so
 * no request can forge a log line, reorder one, or send the terminal an escape sequence.
 * @example printable('a\nb\u001b[2J\u202e') // 'a\\nb\\x1b[2J\\u202e'
 */
export function printable(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code >= 0x20 && (code < 0x7f || code > 0x9f) && code !== 0x2028 && code !== 0x2029 && !BIDI_CONTROL.test(char))
      out += char;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else out += code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/**
 * One JSON log line with bidirectional controls and Unicode line breaks as \u escapes (the same JSON).
 * @example jsonLine({ msg: 'a\u202eb' }) // '{"msg":"a\\u202eb"}'
 */
export function jsonLine(object: Record<string, unknown>): string {
  return JSON.stringify(object)
    .replace(BIDI_CONTROLS, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16)}`);
}

/**
 * A logger writing to stdout; colours only when stdout is a terminal (and NO_COLOR is unset).
 * @example createCliLogger('json', { quiet: false }).event('info', 'data reloaded')
 */
export function createCliLogger(format: LogFormat, options: { quiet: boolean }): CliLogger {
  const colour = format === 'pretty' && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const paint = (style: Parameters<typeof styleText>[0], text: string) => (colour ? styleText(style, text) : text);
  // JSON.stringify escapes C0 controls but not bidi controls or U+2028/9: written as \u escapes, still valid JSON.
  const json = (object: Record<string, unknown>) => process.stdout.write(`${jsonLine(object)}\n`);
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
