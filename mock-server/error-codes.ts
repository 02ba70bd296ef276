// The one errcode catalogue: each WeChat errcode the mock can answer, its errmsg and when, the other wordings WeChat is recorded to send; also the rid format.

/**
 * What WeChat appends to some messages since about 2023, e.g. 40001's
 * `invalid credential, access_token is invalid or not latest, could get access_token by getStableAccessToken, more details at https://mmbizurl.cn/s/JtxxFh33r`:
 * the documented text, a comma, then a hint (../shared/reference/wechat-behaviour.md records it for 40001 and 45009).
 */
const HINT_AFTER = ', ';

/**
 * The one catalogue of WeChat errcodes this mock can answer: the message the real servers send
 * (the documented text, which the mock sends), the later wordings the references record
 * (`variants`: whole texts; `hinted`: the text may go on with `, <a hint>`, as WeChat's messages
 * do since about 2023), `recorded: false` where no reference records a text (the mock's own
 * words), and the condition that makes the mock send it. Used by the route, the fault injector,
 * the contract kits (which accept every recorded wording) and the docs' errcode table
 * (docs/api-behaviour.md).
 * @example ERROR_CODES['47001'].errmsg // 'data format error'
 */
export const ERROR_CODES = {
  '-1': {
    errmsg: 'system error',
    when: 'a fault injected with POST /__mock/faults (the real server: transient, retry)',
  },
  '40001': {
    errmsg: 'invalid credential, access_token is invalid or not latest',
    variants: [
      'invalid credential, access_token is invalid or not latest, could get access_token by getStableAccessToken, more details at https://mmbizurl.cn/s/JtxxFh33r',
    ],
    hinted: true,
    when: 'the data lists tokens and access_token is not one of them, or an issued component or authorizer token was superseded by a newer one over 5 minutes (mock time) ago',
  },
  '40013': {
    errmsg: 'invalid appid',
    when: "api_component_token, api_authorizer_token: component_appid is not in the data's components; api_authorizer_token: or not the component the token was issued to",
  },
  '40066': {
    errmsg: 'invalid url',
    when: 'a path under /cgi-bin/, /componenttcb/ or /tcb/ that the mock does not serve (any other path: HTTP 404)',
  },
  '41018': { errmsg: 'missing component_appid', when: 'api_authorizer_token: no component_appid, or an empty one' },
  '61003': {
    errmsg: 'component is not authorized by this account',
    when: 'api_authorizer_token: the component lists authorizers and authorizer_appid is not one of them',
  },
  '61014': {
    errmsg: 'must use component token for component api',
    when: 'api_authorizer_token: the token sent is an authorizer_access_token this mock issued',
  },
  '61023': {
    errmsg: 'refresh_token is invalid',
    when: "api_authorizer_token: authorizer_refresh_token is null, empty, or not the listed authorizer's refresh token",
  },
  '-501007': {
    errmsg: 'invalid parameters',
    when: 'invokecloudfunction: env is not in the data, or not an env of the authorizer whose token was sent',
  },
  '-504001': {
    errmsg: 'functions invoke fail',
    recorded: false,
    when: 'invokecloudfunction: the function is not Active',
  },
  '-504002': {
    errmsg: 'functions execute fail',
    recorded: false,
    when: "invokecloudfunction: the function's script throws, or its result is over 6 MB as JSON",
  },
  '-504003': {
    errmsg: 'functions execute timeout',
    recorded: false,
    when: "invokecloudfunction: the function's scripted delay is past the 5-second limit (answered after 5 s)",
  },
  '40125': {
    errmsg: 'invalid appsecret',
    when: "api_component_token: component_appsecret is not the component's secret",
  },
  '41002': {
    errmsg: 'appid missing',
    recorded: false,
    when: 'api_component_token: no component_appid, or an empty one',
  },
  '41004': { errmsg: 'appsecret missing', when: 'api_component_token: no component_appsecret, or an empty one' },
  '61004': {
    errmsg: 'access clientip is not registered',
    when: 'a request under a Host the mock does not answer (--allowed-host), or from a web page of an origin not given with --cors; or a fault injected with POST /__mock/faults',
  },
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
    when: 'access_token is listed as "expired", or is an issued component or authorizer token past its expires_in (mock time)',
  },
  '43002': { errmsg: 'require POST method', when: 'any method other than POST' },
  '44002': {
    errmsg: 'empty post data',
    when: 'the body is empty (or only white space), on an endpoint that needs one',
  },
  '45009': {
    errmsg: 'reach max api daily quota limit',
    hinted: true,
    when: 'api_component_token: the mock already holds 10,000 valid component tokens (it forgets none while valid); or a fault injected with POST /__mock/faults',
  },
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
    when: 'access_token is listed as "no-qbase", or the env (getscflist, invokecloudfunction) has "qbase": false',
  },
  '-1000': {
    errmsg: 'system error',
    when: "a fault injected with POST /__mock/faults; updatescfconfig, deletescf: the function is still Creating, Updating or Deleting, or failed to create (errmsg is then SCF's text, e.g. 当前函数处于Updating状态,无法进行此操作,请稍后重试。)",
  },
  '-501009': {
    errmsg: '操作的资源对象非法或不存在',
    when: 'updatescfconfig, deletescf, gettriggers, invokecloudfunction: the function is not in the env',
  },
  '40014': { errmsg: 'invalid access_token', when: 'a fault injected with POST /__mock/faults' },
  '40101': {
    errmsg: 'missing parameter',
    when: 'rid/get: no rid in the body; api_authorizer_token: no authorizer_appid (or an empty one), or no authorizer_refresh_token key; invokecloudfunction: no env or no name in the query; the function-management endpoints: a required field absent or null',
  },
} as const satisfies Record<string, ErrcodeEntry>;

/** One errcode of the catalogue. */
export interface ErrcodeEntry {
  /** The documented message, which the mock sends (before the rid). */
  errmsg: string;
  /** Other whole messages WeChat is recorded to send for this errcode. */
  variants?: readonly string[];
  /** true: WeChat may go on after the message with `, <a hint>` (since about 2023). */
  hinted?: boolean;
  /** false: no reference records this errcode's text; errmsg is the mock's own wording. */
  recorded?: false;
  /** When the mock answers it. */
  when: string;
}

/** How an errmsg (its rid cut off) stands against the catalogue's wordings for its errcode. */
export type ErrmsgMatch =
  /** One of the recorded wordings: `wording` says which, in a few words. */
  | { kind: 'recorded'; wording: string }
  /** No reference records a text for this errcode (or the catalogue does not know it): not compared. */
  | { kind: 'unrecorded' }
  /** Not a recorded wording; `expected` lists them. */
  | { kind: 'other'; expected: readonly string[] };

/**
 * The messages WeChat is recorded to send for an errcode, the documented one first; empty when
 * no reference records one (so a message cannot be judged).
 * @example recordedErrmsgs(40001).length // 2: the documented text and the longer one since 2023
 */
export function recordedErrmsgs(errcode: number): readonly string[] {
  const entry = (ERROR_CODES as Record<string, ErrcodeEntry>)[String(errcode)];
  if (!entry || entry.recorded === false) return [];
  return [entry.errmsg, ...(entry.variants ?? [])];
}

/**
 * Judges an errmsg (with its " rid: …" suffix already cut) against every wording the catalogue
 * records for the errcode, so a server that sends WeChat's later wording is not failed for it.
 * @example matchErrmsg(40001, 'invalid credential, access_token is invalid or not latest') // { kind: 'recorded', wording: 'the documented text' }
 */
export function matchErrmsg(errcode: number, text: string): ErrmsgMatch {
  const entry = (ERROR_CODES as Record<string, ErrcodeEntry>)[String(errcode)];
  const texts = recordedErrmsgs(errcode);
  if (!entry || texts.length === 0) return { kind: 'unrecorded' };
  if (text === entry.errmsg) return { kind: 'recorded', wording: 'the documented text' };
  const variant = entry.variants?.indexOf(text) ?? -1;
  if (variant !== -1) return { kind: 'recorded', wording: 'the longer text WeChat sends since about 2023' };
  if (entry.hinted && text.startsWith(entry.errmsg + HINT_AFTER) && text.length > entry.errmsg.length + 2)
    return { kind: 'recorded', wording: 'the documented text with a hint after it, as WeChat sends since about 2023' };
  return { kind: 'other', expected: entry.hinted ? [...texts, `${entry.errmsg}${HINT_AFTER}<a hint>`] : texts };
}

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
