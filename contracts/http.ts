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
 * Sends one request byte for byte (any method, any body) and reads the whole answer as text.
 * @example await sendRaw({ method: 'GET', url: 'http://127.0.0.1:4020/__mock/health', headers: {} }, 5000)
 */
export function sendRaw(req: RawRequest, timeoutMs: number): Promise<RawResponse> {
  return new Promise((resolve) => {
    const url = new URL(req.url);
    const send = url.protocol === 'https:' ? requestTls : request;
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers['Content-Length'] = Buffer.byteLength(req.body);
    const outgoing = send(url, { method: req.method, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          kind: 'answer',
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', (error) => resolve({ kind: 'error', message: error.message }));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.on('error', (error) => resolve({ kind: 'error', message: error.message }));
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
