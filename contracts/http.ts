// Raw HTTP for the kits: one request sent exactly as built, its answer read as text, and a curl line to repeat it.
import { request } from 'node:http';
import { request as requestTls } from 'node:https';
import { hideToken } from './redaction.js';

/** A raw request, as a contract case sends it to a server. */
export interface RawRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** What came back: an HTTP answer, or the transport error that replaced it. */
export type RawResponse =
  | { kind: 'answer'; status: number; headers: Record<string, string | string[] | undefined>; text: string }
  | { kind: 'error'; message: string };

/**
 * The largest answer the kits read: far above any page or journal answer of the API or the mock
 * (a few MB at most), far below what would take the kit's memory (a 560 MB answer crashed it).
 * @example ANSWER_LIMIT_BYTES // 32 MiB
 */
export const ANSWER_LIMIT_BYTES = 32 * 1024 * 1024;

let runDeadline = Number.POSITIVE_INFINITY;

/**
 * Sets the time (performance.now()) by which every request of this run must be done: one sent
 * later fails at once, one in flight is cut at it. The CLI sets it from --total-timeout-ms, so a
 * server that drips or never answers cannot hold a run past it.
 * @example setRunDeadline(performance.now() + 600_000)
 */
export function setRunDeadline(at: number): void {
  runDeadline = at;
}

/**
 * Sends one request byte for byte (any method, any body) and reads the whole answer as text,
 * within bounds a hostile server cannot stretch: the whole exchange (headers and every byte of
 * the body, not just the wait between bytes) within `timeoutMs` and before the run's deadline,
 * and at most `limitBytes` of answer; past either it is cut and answers an error saying which.
 * @example await sendRaw({ method: 'GET', url: 'http://127.0.0.1:4020/__mock/health', headers: {} }, 5000)
 */
export function sendRaw(req: RawRequest, timeoutMs: number, limitBytes = ANSWER_LIMIT_BYTES): Promise<RawResponse> {
  return new Promise((resolve) => {
    const left = runDeadline - performance.now();
    if (left <= 0) {
      resolve({ kind: 'error', message: 'not sent: the run is past its total time (--total-timeout-ms)' });
      return;
    }
    const url = new URL(req.url);
    const send = url.protocol === 'https:' ? requestTls : request;
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers['Content-Length'] = Buffer.byteLength(req.body);
    let settled = false;
    const finish = (response: RawResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(response);
    };
    const outgoing = send(url, { method: req.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limitBytes) {
          finish({ kind: 'error', message: `the answer was larger than ${limitBytes} bytes and was cut off` });
          outgoing.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () =>
        finish({
          kind: 'answer',
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', (error) => finish({ kind: 'error', message: error.message }));
      res.on('aborted', () =>
        finish({ kind: 'error', message: 'the connection closed before the answer was complete' }),
      );
    });
    const budget = Math.min(timeoutMs, left);
    const timer = setTimeout(() => {
      finish({
        kind: 'error',
        message:
          budget < timeoutMs
            ? 'cut off: the run is past its total time (--total-timeout-ms)'
            : `no whole answer within ${timeoutMs} ms`,
      });
      outgoing.destroy();
    }, budget);
    outgoing.on('error', (error) => finish({ kind: 'error', message: error.message }));
    outgoing.end(req.body);
  });
}

/**
 * A curl command that sends the same request, with the token replaced by a placeholder.
 * @example toCurl({ method: 'POST', url: 'http://h/p?access_token=t', headers: {}, body: '{}' }, 't')
 */
export function toCurl(req: RawRequest, secret?: string): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const hide = (s: string) => (secret ? hideToken(s, secret) : s);
  const parts = ['curl', '-s', '-X', req.method, quote(hide(req.url))];
  for (const [name, value] of Object.entries(req.headers)) parts.push('-H', quote(`${name}: ${value}`));
  if (req.body !== undefined) parts.push('--data-raw', quote(hide(req.body)));
  return parts.join(' ');
}
