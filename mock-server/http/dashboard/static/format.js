// Small pure helpers for showing journal entries; no DOM here, so they can be tested in Node.

/** JSON pretty-printed when it parses, else the text as it came. */
export function pretty(text) {
  if (text === null || text === undefined) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function parseObject(text) {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The env a request asked for, from its JSON body, or '' when it named none. */
export function envOf(entry) {
  // invokecloudfunction names its env in the query (kept in the invocation); the others in the body.
  const env = entry.invocation?.env ?? parseObject(entry.body)?.env;
  return typeof env === 'string' ? env : '';
}

/** The errmsg of a WeChat answer, without the rid (it differs on every answer), or ''. */
export function errmsgOf(entry) {
  const errmsg = parseObject(entry.answer)?.errmsg;
  return typeof errmsg === 'string' ? errmsg.replace(/ rid: [0-9a-f-]+$/, '') : '';
}

/** What the answer was, in a few words: the errcode, else the HTTP status or a dropped connection. */
export function outcomeOf(entry) {
  if (entry.errcode !== null) return String(entry.errcode);
  if (entry.status === null) return 'dropped';
  return `HTTP ${entry.status}`;
}

/** Local wall-clock time with milliseconds, e.g. 14:03:07.412. */
export function clock(iso) {
  const date = new Date(iso);
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** The query keys that carry a token (the mock's TOKEN_QUERY_KEYS). */
const TOKEN_KEYS = ['access_token', 'component_access_token'];

const quote = (text) => `'${text.replace(/'/g, "'\\''")}'`;

/**
 * A curl that sends the journal entry again, with ACCESS_TOKEN in place of the (already cut) token.
 * @example curlFor({ method: 'POST', path: '/componenttcb/getscflist', query: { access_token: 'tok-…' }, body: '{}', content_type: null }, 'http://127.0.0.1:4020')
 * // "curl -s -X POST 'http://127.0.0.1:4020/componenttcb/getscflist?access_token=ACCESS_TOKEN' --data-raw '{}'"
 */
export function curlFor(entry, origin) {
  const params = [];
  for (const [key, value] of Object.entries(entry.query ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) {
      // The journal keeps only a cut token, which would be refused: the user puts theirs in.
      const shown = TOKEN_KEYS.includes(key) ? 'ACCESS_TOKEN' : encodeURIComponent(one);
      params.push(`${encodeURIComponent(key)}=${shown}`);
    }
  }
  const url = `${origin}${entry.path}${params.length > 0 ? `?${params.join('&')}` : ''}`;
  const parts = ['curl -s'];
  if (entry.method !== 'GET' || entry.body !== null) parts.push(`-X ${entry.method}`);
  parts.push(quote(url));
  if (entry.content_type) parts.push(`-H ${quote(`Content-Type: ${entry.content_type}`)}`);
  if (entry.body !== null) {
    const body = entry.body.replace(/("access_token"\s*:\s*")[^"]*"/g, '$1ACCESS_TOKEN"');
    parts.push(`--data-raw ${quote(body)}`);
  }
  return parts.join(' ');
}
