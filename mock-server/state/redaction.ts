// Redaction: tokens, secrets and tickets cut short wherever a request is shown (journal, log, rid/get).
import { SECRET_QUERY_KEYS } from '../api-facts.js';
import { cutText, JOURNAL_BODY_CHARS } from './journal.js';

/** Keys whose values are secrets in a body or an answer: tokens (issued ones too), the platform's secret and its ticket, an authorizer's refresh token. */
const SECRET_BODY_KEYS: ReadonlySet<string> = new Set([
  ...SECRET_QUERY_KEYS,
  'component_appsecret',
  'component_verify_ticket',
  'authorizer_refresh_token',
  'authorizer_access_token',
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

/** A form member: key=value between & or ; separators (each start is a separator: linear). */
const FORM_MEMBER = /(^|[&;])([^=&;]*)=([^&;]*)/g;
const QUOTE = 34;
const BACKSLASH = 92;
/** JSON's insignificant whitespace: space, tab, line feed, carriage return. */
const isSpace = (code: number) => code === 32 || code === 9 || code === 10 || code === 13;
/** Where a bare (unquoted) value ends: whitespace, a comma, or a closing bracket. */
const endsBare = (code: number) => isSpace(code) || code === 44 || code === 125 || code === 93;

/**
 * The positions of the quotes that can close a JSON string: those not escaped by an odd run of
 * backslashes. Whether a quote is escaped depends only on the backslashes just before it, never on
 * where a string began, so one left-to-right pass finds them all.
 */
function closingQuotes(text: string): number[] {
  const quotes: number[] = [];
  let backslashes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === BACKSLASH) backslashes += 1;
    else {
      if (code === QUOTE && backslashes % 2 === 0) quotes.push(i);
      backslashes = 0;
    }
  }
  return quotes;
}

/**
 * Redacts the JSON members whose key is a secret, in one linear pass. Every text between two
 * neighbouring closing quotes is tried as a key: in valid JSON the real keys are among them, and a
 * body built to shift a scanner off its strings (`[" ",":"]` before the key) cannot hide one,
 * since no alignment is assumed. Each character is read a bounded number of times (a regular
 * expression that retried at every quote took quadratic time on a body of `\"` pairs).
 */
function redactJsonMembers(text: string): string {
  const quotes = closingQuotes(text);
  let out = '';
  let copied = 0;
  for (let k = 0; k + 1 < quotes.length; k++) {
    const open = quotes[k];
    const close = quotes[k + 1];
    // A key may open with the quote that closed the secret before it, never earlier.
    if (open + 1 < copied) continue;
    let colon = close + 1;
    while (colon < text.length && isSpace(text.charCodeAt(colon))) colon++;
    if (text.charCodeAt(colon) !== 58 || !SECRET_BODY_KEYS.has(decodeJsonString(text.slice(open + 1, close)))) continue;
    let start = colon + 1;
    while (start < text.length && isSpace(text.charCodeAt(start))) start++;
    let end: number;
    let secret: string;
    if (text.charCodeAt(start) === QUOTE) {
      // Only spaces and the colon lie between the key and this quote, so it is quotes[k + 2]; the
      // value ends at the quote after it, or runs to the end when never closed.
      const next = quotes[k + 3] as number | undefined;
      end = next === undefined ? text.length : next + 1;
      secret = decodeJsonString(text.slice(start + 1, next ?? text.length));
    } else {
      end = start;
      while (end < text.length && !endsBare(text.charCodeAt(end))) end++;
      secret = text.slice(start, end);
    }
    out += `${text.slice(copied, start)}${JSON.stringify(redactToken(secret))}`;
    copied = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * A request body as text with every secret in it (tokens, a component's secret and ticket) cut to a
 * short prefix: a secret sent in a body is as secret as one in the query. Finds them as JSON members
 * (escaped keys such as `"access\u005ftoken"` and a string never closed included) and as form fields
 * (`access_token=…`, percent-encoded keys included), without trusting the body to parse. Linear in
 * the body's length, whatever the body.
 * @example redactBodyText('{"env":"e","access_token":"tok-a-1234567890"}') // '{"env":"e","access_token":"tok-a-…"}'
 */
export function redactBodyText(text: string): string {
  return redactJsonMembers(text).replace(FORM_MEMBER, (member, separator: string, key: string, value: string) =>
    SECRET_BODY_KEYS.has(decodeForm(key).trim())
      ? `${separator}${key}=${encodeURIComponent(redactToken(decodeForm(value)))}`
      : member,
  );
}

/**
 * An answer as the journal keeps it: secrets cut (an issued component_access_token or authorizer_access_token is one), at most
 * JOURNAL_BODY_CHARS characters, and the whole length noted when cut.
 * @example keptAnswer('{"component_access_token":"86_abcdefghijkl","expires_in":7200}') // '{"component_access_token":"86_abc…","expires_in":7200}'
 */
export function keptAnswer(text: string): string {
  const head = redactBodyText(text.length > JOURNAL_BODY_CHARS ? text.slice(0, JOURNAL_BODY_CHARS) : text);
  return text.length > JOURNAL_BODY_CHARS ? cutText(head, JOURNAL_BODY_CHARS, `${text.length} characters`) : head;
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
