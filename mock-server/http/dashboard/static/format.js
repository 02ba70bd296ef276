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

/** The component_appid of a request's body (api_component_token), or ''. */
export function appidOf(entry) {
  const appid = parseObject(entry.body)?.component_appid;
  return typeof appid === 'string' ? appid : '';
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

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const utf8 = new TextEncoder();
const hex = (byte) => `\\x${byte.toString(16).padStart(2, '0')}`;

/**
 * A shell word for the text that is printable ASCII whatever the text holds: '…' when it already
 * is, else $'…' with every other byte as \xHH. A raw ESC, CR or bracketed-paste end in a copied
 * command acts in the terminal it is pasted into (a crafted body once ran a command with no Enter).
 */
function quote(text) {
  if (PRINTABLE_ASCII.test(text)) return `'${text.replace(/'/g, "'\\''")}'`;
  let out = '';
  for (const byte of utf8.encode(text)) {
    if (byte === 0x5c || byte === 0x27) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte <= 0x7e) out += String.fromCharCode(byte);
    else out += hex(byte);
  }
  return `$'${out}'`;
}

/**
 * A printf format that writes the text's bytes exactly, itself printable ASCII (octal escapes, as
 * POSIX printf reads them): for a body holding NUL, which no shell word can carry.
 */
function printfFormat(text) {
  let out = '';
  for (const byte of utf8.encode(text)) {
    if (byte === 0x25) out += '%%';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x27) out += "'\\''";
    else if (byte >= 0x20 && byte <= 0x7e) out += String.fromCharCode(byte);
    else out += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return `'${out}'`;
}

/**
 * A curl that sends the journal entry again, with ACCESS_TOKEN in place of the (already cut) token.
 * The command is printable ASCII only, one line: bytes outside it are escaped ($'…'), and a body
 * holding NUL is piped in from printf.
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
  const body = entry.body?.replace(/("access_token"\s*:\s*")[^"]*"/g, '$1ACCESS_TOKEN"');
  const piped = body?.includes('\0') === true;
  if (entry.method !== 'GET' || entry.body !== null) parts.push(`-X ${entry.method}`);
  parts.push(quote(url));
  if (entry.content_type) parts.push(`-H ${quote(`Content-Type: ${entry.content_type}`)}`);
  if (body !== undefined && body !== null) parts.push(piped ? '--data-binary @-' : `--data-raw ${quote(body)}`);
  return piped ? `printf ${printfFormat(body)} | ${parts.join(' ')}` : parts.join(' ');
}
