// What the kits print of untrusted text: control characters escaped, secrets hidden, URLs without passwords.
import { printable } from '../mock-server/cli-log.js';

/**
 * A URL as the kits print it: a password in it replaced with `***` (a user name is kept).
 * @example shownUrl('https://me:pa55@api.example/x') // 'https://me:***@api.example/x'
 */
export function shownUrl(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.password === '') return url;
  parsed.password = '***';
  return parsed.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
}

/**
 * The secrets a run must never print: the access and control tokens and the password of the base
 * URL, each also as URL-encoded and decoded. Those under 6 characters are left to hideToken,
 * which hides a token only where it stands as one (hiding "t" everywhere would garble a report).
 * @example runSecrets({ baseUrl: 'http://u:pw-123456@h', accessToken: 'tok-123456' }) // ['pw-123456', 'tok-123456']
 */
export function runSecrets(options: { baseUrl?: string; accessToken?: string; controlToken?: string }): string[] {
  const found = new Set<string>();
  const add = (secret: string | undefined) => {
    if (secret === undefined || secret.length < 6) return;
    found.add(secret);
    found.add(encodeURIComponent(secret));
    try {
      found.add(decodeURIComponent(secret));
    } catch {
      // not percent-encoded: the text itself is enough
    }
  };
  add(options.accessToken);
  add(options.controlToken);
  if (options.baseUrl && URL.canParse(options.baseUrl)) add(new URL(options.baseUrl).password || undefined);
  return [...found].filter((secret) => secret.length >= 6).sort((a, b) => b.length - a.length);
}

/**
 * Text from a server or a client made safe to print: every secret replaced with `***` wherever it
 * appears (a server may echo a token back inside any text), and each line's control characters,
 * escape codes and bidirectional controls written as escapes, so no answer can drive the terminal.
 * @example shownText('token tok-123456\u001b[2J', ['tok-123456']) // 'token ***\\x1b[2J'
 */
export function shownText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out
    .split('\n')
    .map((line) => printable(line))
    .join('\n');
}
