/**
 * The API's facts in one place: paths, lifetimes and limits, as WeChat documents them (or as this
 * mock chooses where it does not; see the README). Imported by the endpoints, the state modules
 * and the contract kit; imports nothing of ours.
 */

/**
 * The paths of the endpoints this mock serves, as on api.weixin.qq.com.
 * @example `${mock.url}${API_PATHS.componentToken}`
 */
export const API_PATHS = {
  getscflist: '/componenttcb/getscflist',
  describeenvs: '/componenttcb/describeenvs',
  componentToken: '/cgi-bin/component/api_component_token',
  ridGet: '/cgi-bin/openapi/rid/get',
} as const;

/** One of the API's paths. */
export type ApiPath = (typeof API_PATHS)[keyof typeof API_PATHS];

/**
 * Every API path, for 404 messages, faults and the OpenAPI document.
 * @example API_PATH_LIST.includes('/componenttcb/getscflist') // true
 */
export const API_PATH_LIST: readonly ApiPath[] = Object.values(API_PATHS);

/**
 * The real servers' Content-Type, `encoding=` and all (set with setHeader so Express adds no charset).
 * @example res.headers.get('content-type') === WECHAT_CONTENT_TYPE
 */
export const WECHAT_CONTENT_TYPE = 'application/json; encoding=utf-8';

/**
 * A component_access_token lives 7,200 s (documented upstream).
 * @example issued.expiresAt === issued.issuedAt + TOKEN_EXPIRES_S * 1000
 */
export const TOKEN_EXPIRES_S = 7200;

/**
 * A newer token leaves the previous one valid this long: documented upstream for cgi-bin/token,
 * assumed here for component tokens.
 * @example previous.cutAt === now + TOKEN_OVERLAP_S * 1000
 */
export const TOKEN_OVERLAP_S = 300;

/**
 * A component_verify_ticket is valid 12 hours (documented upstream).
 * @example ticket.setAt + TICKET_VALID_S * 1000 // when it answers 61005
 */
export const TICKET_VALID_S = 12 * 3600;

/**
 * The real servers keep a rid's request for 7 days (documented upstream).
 * @example record.at + RID_KEPT_S * 1000 // after this, rid/get answers 76001
 */
export const RID_KEPT_S = 7 * 24 * 3600;

/**
 * Issued tokens remembered at most (the oldest are forgotten first), so a client that fetches a
 * token per call cannot grow the mock without bound.
 * @example registry.list().length <= ISSUED_TOKENS_KEPT
 */
export const ISSUED_TOKENS_KEPT = 10_000;

/**
 * The shape of a rid: three groups of 8 lower-case hex digits, the first the unix time.
 * @example RID_PATTERN.test('6aac0064-355b48ab-4c5b487e') // true
 */
export const RID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;
