// The one errcode catalogue: each WeChat errcode the mock can answer, its errmsg and when; also the rid format.
/**
 * The one catalogue of WeChat errcodes this mock can answer: the message the real servers send
 * and the condition that makes the mock send it. Used by the route, the fault injector, the
 * contract cases and the docs' errcode table (docs/api-behaviour.md).
 * @example ERROR_CODES['47001'].errmsg // 'data format error'
 */
export const ERROR_CODES = {
  '-1': {
    errmsg: 'system error',
    when: 'a fault injected with POST /__mock/faults (the real server: transient, retry)',
  },
  '40001': {
    errmsg: 'invalid credential, access_token is invalid or not latest',
    when: 'the data lists tokens and access_token is not one of them, or an issued component token was superseded by a newer one over 5 minutes (mock time) ago',
  },
  '40013': { errmsg: 'invalid appid', when: "api_component_token: component_appid is not in the data's components" },
  '40125': {
    errmsg: 'invalid appsecret',
    when: "api_component_token: component_appsecret is not the component's secret",
  },
  '41002': { errmsg: 'appid missing', when: 'api_component_token: no component_appid, or an empty one' },
  '41004': { errmsg: 'appsecret missing', when: 'api_component_token: no component_appsecret, or an empty one' },
  '61004': { errmsg: 'access clientip is not registered', when: 'a fault injected with POST /__mock/faults' },
  '61005': {
    errmsg: 'component ticket is expired',
    when: 'api_component_token: the component_verify_ticket is over 12 hours (mock time) old',
  },
  '61006': {
    errmsg: 'component ticket is invalid',
    when: "api_component_token: no component_verify_ticket, or not the component's current one",
  },
  '61011': { errmsg: 'invalid component', when: 'a fault injected with POST /__mock/faults' },
  '76001': {
    errmsg: 'rid not found',
    when: 'rid/get: a well-formed rid this mock did not issue, forgot, or issued over 7 days (mock time) ago',
  },
  '76002': {
    errmsg: 'rid is invalid',
    when: 'rid/get: a rid not shaped like 6aac0064-355b48ab-4c5b487e (three groups of 8 lower-case hex digits)',
  },
  '76003': { errmsg: 'no permission', when: 'a fault injected with POST /__mock/faults' },
  '40097': {
    errmsg: 'invalid args',
    when: 'env is not in the data (getscflist: see --unknown-env; updatescfconfig, deletescf, gettriggers: always)',
  },
  '41001': {
    errmsg: 'access_token missing',
    when: 'no token in the query string, or an empty one (componenttcb routes also read component_access_token)',
  },
  '42001': {
    errmsg: 'access_token expired',
    when: 'access_token is listed as "expired", or is an issued component token past its expires_in (mock time)',
  },
  '43002': { errmsg: 'require POST method', when: 'any method other than POST' },
  '44002': {
    errmsg: 'empty post data',
    when: 'the body is empty (or only white space), on an endpoint that needs one',
  },
  '45009': { errmsg: 'reach max api daily quota limit', when: 'a fault injected with POST /__mock/faults' },
  '45011': {
    errmsg: 'api minute-quota reach limit mustslower retry next minute',
    when: 'a fault injected with POST /__mock/faults',
  },
  '47001': {
    errmsg: 'data format error',
    when: "the body is not JSON, not an object, or breaks the endpoint's request schema",
  },
  '48001': { errmsg: 'api unauthorized', when: 'a fault injected with POST /__mock/faults' },
  '61007': { errmsg: 'api is unauthorized to component', when: 'a fault injected with POST /__mock/faults' },
  '85088': {
    errmsg: 'no qbase privilege',
    when: 'access_token is listed as "no-qbase", or the env has "qbase": false',
  },
  '-1000': {
    errmsg: 'system error',
    when: "a fault injected with POST /__mock/faults; updatescfconfig, deletescf: the function is still Creating, Updating or Deleting, or failed to create (errmsg is then SCF's text, e.g. 当前函数处于Updating状态,无法进行此操作,请稍后重试。)",
  },
  '-501009': {
    errmsg: '操作的资源对象非法或不存在',
    when: 'updatescfconfig, deletescf, gettriggers: the function is not in the env',
  },
  '40014': { errmsg: 'invalid access_token', when: 'a fault injected with POST /__mock/faults' },
  '40101': {
    errmsg: 'missing parameter',
    when: 'rid/get: no rid in the body; the function-management endpoints: a required field absent or null',
  },
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
 * The exact JSON body of a WeChat error: `{"errcode":N,"errmsg":"<text> rid: <rid>"}`. `rid`: true
 * makes one from the real clock, a string is used as given, false leaves it off.
 * @example errorBody(41001, { rid: false }) // '{"errcode":41001,"errmsg":"access_token missing"}'
 */
export function errorBody(errcode: number, options: { rid: boolean | string; errmsg?: string }): string {
  const text = options.errmsg ?? errmsgFor(errcode) ?? 'system error';
  const rid = options.rid === true ? makeRid() : options.rid;
  const errmsg = rid ? `${text} rid: ${rid}` : text;
  return JSON.stringify({ errcode, errmsg });
}
