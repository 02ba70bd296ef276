// Redaction: tokens, secrets and tickets cut short wherever a request is shown (journal, log, rid/get).
import { SECRET_QUERY_KEYS } from '../api-facts.js';
import { cutText, JOURNAL_BODY_CHARS } from './journal.js';

/** Keys whose values are secrets in a body: tokens, the platform's secret and its ticket, an authorizer's refresh token. */
const SECRET_BODY_KEYS: ReadonlySet<string> = new Set([
  ...SECRET_QUERY_KEYS,
  'component_appsecret',
  'component_verify_ticket',
  'authorizer_refresh_token',
]);

/**
 * Cuts a secret to a short prefix for logs and the journal.
 * @example redactToken('tok-a-1234567890') // 'tok-a-…'
 */
export function redactToken(token: string): string {
  return `${token.slice(0, Math.min(6, Math.floor(token.length / 2)))}…`;
}

/**
 * The request's path and query as rid/get shows it, every token cut to a short prefix.
 * @example redactedUrl('/componenttcb/getscflist', { access_token: 'tok-a-1234567890' }) // '/componenttcb/getscflist?access_token=tok-a-…'
 */
export function redactedUrl(path: string, query: Record<string, unknown>): string {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      const text = String(item);
      const shown = SECRET_QUERY_KEYS.includes(key) ? redactToken(text) : encodeURIComponent(text);
      pairs.push(`${encodeURIComponent(key)}=${shown}`);
    }
  }
  return pairs.length > 0 ? `${path}?${pairs.join('&')}` : path;
}

function defineData(target: Record<string, unknown>, key: string, value: unknown): void {
  // Assignment to "__proto__" would set the prototype and drop the key; a client may well send one.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * The query as the journal keeps it: every key kept (`__proto__` too), values as text, tokens cut.
 * @example redactQuery({ access_token: 'tok-a-1234567890', env: 'e' }) // { access_token: 'tok-a-…', env: 'e' }
 */
export function redactQuery(query: Record<string, unknown>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(query)) {
    const text = Array.isArray(value) ? value.map(String) : String(value);
    if (!SECRET_QUERY_KEYS.includes(key)) defineData(out, key, text);
    else defineData(out, key, Array.isArray(text) ? text.map(redactToken) : redactToken(text));
  }
  return out;
}

function decodeJsonString(inner: string): string {
  try {
    return JSON.parse(`"${inner}"`);
  } catch {
    return inner;
  }
}

function decodeForm(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** A JSON member: a string key (escapes allowed), then a string value (perhaps never closed) or a bare value. */
const JSON_MEMBER = /"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*"?|[^\s,}\]]+)/g;
/** A form member: key=value between & or ; separators. */
const FORM_MEMBER = /(^|[&;])([^=&;]*)=([^&;]*)/g;

/**
 * A request body as text with every secret in it (tokens, a component's secret and ticket) cut to a
 * short prefix: a secret sent in a body is as secret as one in the query. Finds them as JSON members
 * (escaped keys such as `"access\u005ftoken"` and a string never closed included) and as form fields
 * (`access_token=…`, percent-encoded keys included), without trusting the body to parse.
 * @example redactBodyText('{"env":"e","access_token":"tok-a-1234567890"}') // '{"env":"e","access_token":"tok-a-…"}'
 */
export function redactBodyText(text: string): string {
  const json = text.replace(JSON_MEMBER, (member, key: string, colon: string, value: string) => {
    if (!SECRET_BODY_KEYS.has(decodeJsonString(key))) return member;
    const token = value.startsWith('"')
      ? decodeJsonString(value.slice(1, value.length > 1 && value.endsWith('"') ? -1 : undefined))
      : value;
    return `"${key}"${colon}${JSON.stringify(redactToken(token))}`;
  });
  return json.replace(FORM_MEMBER, (member, separator: string, key: string, value: string) =>
    SECRET_BODY_KEYS.has(decodeForm(key).trim())
      ? `${separator}${key}=${encodeURIComponent(redactToken(decodeForm(value)))}`
      : member,
  );
}

/**
 * A request body as the journal and rid/get keep it: secrets cut, at most JOURNAL_BODY_CHARS
 * characters, and the whole length noted when cut. Decodes no more than it can keep.
 * @example keptBody(Buffer.alloc(1e6, 'x')) // 16,384 x's, then '… [1000000 bytes in all]'
 */
export function keptBody(body: Buffer): string {
  // Four bytes per character at most: enough to fill the kept length, never the whole of a large body.
  const text = redactBodyText(body.toString('utf8', 0, Math.min(body.length, JOURNAL_BODY_CHARS * 4)));
  return text.length > JOURNAL_BODY_CHARS || body.length > JOURNAL_BODY_CHARS * 4
    ? cutText(text, JOURNAL_BODY_CHARS, `${body.length} bytes`)
    : text;
}
