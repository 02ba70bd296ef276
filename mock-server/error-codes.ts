/**
 * The one catalogue of WeChat errcodes this mock can answer: the message the real servers send
 * and the condition that makes the mock send it. Used by the route, the fault injector, the
 * contract cases and the README.
 * @example ERROR_CODES['47001'].errmsg // 'data format error'
 */
export const ERROR_CODES = {
  '-1': {
    errmsg: 'system error',
    when: 'a fault injected with POST /__mock/faults (the real server: transient, retry)',
  },
  '40001': {
    errmsg: 'invalid credential, access_token is invalid or not latest',
    when: 'the data lists tokens and access_token is not one of them',
  },
  '40097': { errmsg: 'invalid args', when: 'env is not in the data (see --unknown-env)' },
  '41001': { errmsg: 'access_token missing', when: 'no access_token in the query string, or an empty one' },
  '42001': { errmsg: 'access_token expired', when: 'access_token is listed as "expired"' },
  '43002': { errmsg: 'require POST method', when: 'any method other than POST' },
  '44002': { errmsg: 'empty post data', when: 'the body is empty (or only white space)' },
  '45009': { errmsg: 'reach max api daily quota limit', when: 'a fault injected with POST /__mock/faults' },
  '45011': {
    errmsg: 'api minute-quota reach limit mustslower retry next minute',
    when: 'a fault injected with POST /__mock/faults',
  },
  '47001': {
    errmsg: 'data format error',
    when: 'the body is not JSON, not an object, or breaks the request schema (env, offset, limit, searchkey)',
  },
  '48001': { errmsg: 'api unauthorized', when: 'a fault injected with POST /__mock/faults' },
  '61007': { errmsg: 'api is unauthorized to component', when: 'a fault injected with POST /__mock/faults' },
  '85088': {
    errmsg: 'no qbase privilege',
    when: 'access_token is listed as "no-qbase", or the env has "qbase": false',
  },
  '-1000': { errmsg: 'system error', when: 'a fault injected with POST /__mock/faults' },
  '40014': { errmsg: 'invalid access_token', when: 'a fault injected with POST /__mock/faults' },
  '40101': { errmsg: 'missing parameter', when: 'a fault injected with POST /__mock/faults' },
} as const satisfies Record<string, { errmsg: string; when: string }>;

/**
 * The catalogue's message for an errcode, or undefined for one it does not know.
 * @example errmsgFor(41001) // 'access_token missing'
 */
export function errmsgFor(errcode: number): string | undefined {
  return (ERROR_CODES as Record<string, { errmsg: string }>)[String(errcode)]?.errmsg;
}

/**
 * A request id as the real servers append it to errmsg: `<hex8>-<hex8>-<hex8>`, the first group
 * being the current unix time in seconds.
 * @example makeRid() // '6aac0064-355b48ab-4c5b487e'
 */
export function makeRid(nowMs: number = Date.now()): string {
  const seconds = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0');
  return `${seconds}-${randomHex8()}-${randomHex8()}`;
}

function randomHex8(): string {
  return Math.floor(Math.random() * 0x100000000)
    .toString(16)
    .padStart(8, '0');
}

/**
 * The exact JSON body of a WeChat error: `{"errcode":N,"errmsg":"<text> rid: <rid>"}`.
 * @example errorBody(41001, { rid: false }) // '{"errcode":41001,"errmsg":"access_token missing"}'
 */
export function errorBody(errcode: number, options: { rid: boolean; errmsg?: string }): string {
  const text = options.errmsg ?? errmsgFor(errcode) ?? 'system error';
  const errmsg = options.rid ? `${text} rid: ${makeRid()}` : text;
  return JSON.stringify({ errcode, errmsg });
}
