// The API's facts, stated once: paths, limits, defaults, token lifetimes, /__mock and the mock's caps; imports nothing of ours.
/**
 * The API's facts in one place: paths, lifetimes and limits, as WeChat documents them (or as this
 * mock chooses where it does not; see docs/api-behaviour.md). Imported by the endpoints, the state modules
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
  authorizerToken: '/cgi-bin/component/api_authorizer_token',
  invokeCloudFunction: '/tcb/invokecloudfunction',
  // The function lifecycle: create, update code, configure, delete, read and set triggers.
  batchuploadscf: '/componenttcb/batchuploadscf',
  batchuploadscfcode: '/componenttcb/batchuploadscfcode',
  updatescfconfig: '/componenttcb/updatescfconfig',
  deletescf: '/componenttcb/deletescf',
  gettriggers: '/componenttcb/gettriggers',
  batchupdatetriggers: '/componenttcb/batchupdatetriggers',
} as const;

/** One of the API's paths. */
export type ApiPath = (typeof API_PATHS)[keyof typeof API_PATHS];

/**
 * Every API path, for 404 messages, faults and the OpenAPI document.
 * @example API_PATH_LIST.includes('/componenttcb/getscflist') // true
 */
export const API_PATH_LIST: readonly ApiPath[] = Object.values(API_PATHS);

/**
 * The first segments of the API's own paths: a path under one of them that the mock does not
 * serve answers WeChat's 40066 invalid url (HTTP 200), as the real servers document it; any other
 * unknown path gets a plain HTTP 404. /__mock/ is not among them: it keeps its own answers.
 * @example API_PREFIXES.some((prefix) => '/cgi-bin/component/api_query_auth'.startsWith(prefix)) // true
 */
export const API_PREFIXES: readonly string[] = [
  ...new Set(API_PATH_LIST.map((path) => path.slice(0, path.indexOf('/', 1) + 1))),
];

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
 * An authorizer_access_token lives 7,200 s (documented upstream: 有效期为 2 小时); a newer one for
 * the same authorizer of the same component leaves the previous one TOKEN_OVERLAP_S, as component
 * tokens do.
 * @example issued.expires_in === AUTHORIZER_TOKEN_EXPIRES_S
 */
export const AUTHORIZER_TOKEN_EXPIRES_S = 7200;

/**
 * Most authorizers the mock holds across components (data file and control API together), so
 * that POST /__mock/components/:appid/authorizers in a loop cannot grow the mock without bound.
 * @example authorizers.count() < MAX_AUTHORIZERS
 */
export const MAX_AUTHORIZERS = 10_000;

/**
 * invokecloudfunction gives up on a function after 5 s (documented upstream: 通过 HTTP API 触发云函数
 * 的超时时间为 5s); a scripted delay past it answers the timeout errcode after waiting this long.
 * @example script.delay_ms > INVOKE_TIMEOUT_MS // answered -504003 after INVOKE_TIMEOUT_MS
 */
export const INVOKE_TIMEOUT_MS = 5000;

/**
 * Longest scripted delay a function takes (data file or control API): past INVOKE_TIMEOUT_MS it
 * only decides that the call times out, so longer would change nothing.
 * @example script.delay_ms <= MAX_SCRIPT_DELAY_MS
 */
export const MAX_SCRIPT_DELAY_MS = 60_000;

/**
 * The largest resp_data a function may return: SCF's 6 MB synchronous response limit (documented
 * by Tencent Cloud); a scripted result past it answers -504002.
 * @example respData.length > MAX_RESP_DATA_BYTES // answered -504002
 */
export const MAX_RESP_DATA_BYTES = 6 * 1024 * 1024;

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
 * Issued tokens remembered at most, so a client that fetches a token per call cannot grow the mock
 * without bound. Expired and superseded tokens are forgotten first, oldest first; a valid one (and
 * every component's current one) never is: with this many valid, api_component_token answers 45009.
 * @example registry.list().length <= ISSUED_TOKENS_KEPT
 */
export const ISSUED_TOKENS_KEPT = 10_000;

/**
 * Longest component_appid the mock takes: the data file's components allow no longer (real appids
 * have 18 characters). Each issued token keeps its appid, so without this 10,000 tokens asked for
 * with 1 MB appids would hold 10 GB.
 * @example appid.length > MAX_APPID_CHARS // answered 40013
 */
export const MAX_APPID_CHARS = 64;

/**
 * The shape of a rid: three groups of 8 lower-case hex digits, the first the unix time.
 * @example RID_PATTERN.test('6aac0064-355b48ab-4c5b487e') // true
 */
export const RID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

/**
 * The prefix of every control route: the mock's own API, beside WeChat's paths.
 * @example `${mock.url}${CONTROL_PREFIX}/health`
 */
export const CONTROL_PREFIX = '/__mock';

/**
 * The domain of WeChat's own API servers: api.weixin.qq.com and its regional twins (sh.api.weixin.qq.com, …).
 * @example new URL('https://api.weixin.qq.com').hostname.endsWith(`.${WECHAT_API_DOMAIN}`) // true
 */
export const WECHAT_API_DOMAIN = 'weixin.qq.com';

/**
 * The health endpoint: answers {"status":"ok"} in every mode (with or without a control token, with the
 * control API off) and for any Host, so container health checks and readiness probes can use it.
 * @example await fetch(`${mock.url}${HEALTH_PATH}`) // 200 {"status":"ok"}
 */
export const HEALTH_PATH = `${CONTROL_PREFIX}/health`;

/**
 * getscflist's page size when a request gives no `limit` (documented upstream: 默认值20).
 * @example body.limit ?? DEFAULT_LIMIT
 */
export const DEFAULT_LIMIT = 20;

/**
 * The largest `limit` the mock accepts unless told otherwise (--max-limit); the upstream page names none.
 * @example limit > (settings.maxLimit ?? DEFAULT_MAX_LIMIT) // answers 47001
 */
export const DEFAULT_MAX_LIMIT = 100;

/**
 * What the mock answers for an env that is not in its data.
 * @example UNKNOWN_ENV_MODES.includes('empty') // true
 */
export const UNKNOWN_ENV_MODES = ['invalid-args', 'no-qbase', 'empty'] as const;

/** One of UNKNOWN_ENV_MODES: 'invalid-args' (40097), 'no-qbase' (85088) or 'empty' (errcode 0, no functions). */
export type UnknownEnvMode = (typeof UNKNOWN_ENV_MODES)[number];

/**
 * The answer for an unknown env unless told otherwise (--unknown-env): 40097, as the real servers give.
 * @example settings.unknownEnv ?? DEFAULT_UNKNOWN_ENV
 */
export const DEFAULT_UNKNOWN_ENV: UnknownEnvMode = 'invalid-args';

/**
 * The access token and env the contract kit uses unless told otherwise ("$TOKEN" and "$ENV" in the cases).
 * @example CONTRACT_VARIABLES.ENV // 'contract-env'
 */
export const CONTRACT_VARIABLES = { TOKEN: 'contract-token-0001', ENV: 'contract-env' } as const;

/**
 * The accepted range of every numeric option, for the library's checks and the CLI's flags alike.
 * @example OPTION_RANGES.maxLimit // { min: 1, max: 1000000 }
 */
export const OPTION_RANGES = {
  port: { min: 0, max: 65535 },
  seed: { min: 0, max: 4294967295 },
  maxLimit: { min: 1, max: 1_000_000 },
  journalLimit: { min: 0, max: 1_000_000 },
  bodyLimit: { min: 1, max: 1024 * 1024 * 1024 },
  headersTimeoutMs: { min: 100, max: 600_000 },
  requestTimeoutMs: { min: 100, max: 3_600_000 },
  writeTimeoutMs: { min: 100, max: 3_600_000 },
} as const;

/**
 * Most functions, listed and generated, the mock holds across all envs. Building them blocks the
 * server (about 1.3 s per 100,000 here), so a request for billions is refused, not tried.
 * @example total > MAX_FUNCTIONS // refused with a message naming the limit
 */
export const MAX_FUNCTIONS = 200_000;

/**
 * Most envs the mock holds. describeenvs lists them all in one answer (60,000 envs made each answer
 * 14.8 MB); a component's mini-programs have a handful each.
 * @example Object.keys(data.envs).length > MAX_ENVS // refused with a message naming the limit
 */
export const MAX_ENVS = 1000;

/**
 * Most journal entries one `GET /__mock/requests` answers (an entry's JSON is up to about 200 kB):
 * 1,000 entries in one answer made 99 MB, held in memory for as long as a client took to read it.
 * @example snapshot.requests.length <= JOURNAL_PAGE_LIMIT
 */
export const JOURNAL_PAGE_LIMIT = 100;

/**
 * Most faults queued at once; POST /__mock/faults answers 409 beyond. `times` repeats one fault
 * without limit, so a long run never needs more entries.
 * @example faults.size < MAX_FAULTS
 */
export const MAX_FAULTS = 100;

/**
 * Query keys that carry a token, in order of precedence: componenttcb routes read both (WxJava, wechatpy and fastwego send the second).
 * @example TOKEN_QUERY_KEYS.includes('component_access_token') // true
 */
export const TOKEN_QUERY_KEYS: readonly string[] = ['access_token', 'component_access_token'];

/**
 * Query keys api_authorizer_token reads for the component token: the older page names
 * component_access_token (what SDKs send), the newer access_token; access_token wins when both come.
 * @example AUTHORIZER_TOKEN_QUERY_KEYS.includes('component_access_token') // true
 */
export const AUTHORIZER_TOKEN_QUERY_KEYS: readonly string[] = ['access_token', 'component_access_token'];

/**
 * Query keys invokecloudfunction reads for the token: the newer page names both.
 * @example INVOKE_TOKEN_QUERY_KEYS.includes('cloudbase_access_token') // true
 */
export const INVOKE_TOKEN_QUERY_KEYS: readonly string[] = ['access_token', 'cloudbase_access_token'];

/**
 * Every query key that carries a token on some endpoint: the journal, the log and rid/get cut their values short.
 * @example SECRET_QUERY_KEYS.includes('cloudbase_access_token') // true
 */
export const SECRET_QUERY_KEYS: readonly string[] = [
  ...new Set([...TOKEN_QUERY_KEYS, ...AUTHORIZER_TOKEN_QUERY_KEYS, ...INVOKE_TOKEN_QUERY_KEYS]),
];

/**
 * The path of getCloudFunctionList, as on api.weixin.qq.com.
 * @example `${mock.url}${GETSCFLIST_PATH}?access_token=t`
 */
export const GETSCFLIST_PATH = API_PATHS.getscflist;

/**
 * Largest code zip once decoded from base64 (documented upstream: 20 MB). The body must also fit
 * --body-limit, which the base64 text (a third larger) reaches first at the default limit.
 * @example decoded.length > MAX_ZIP_BYTES // answered 47001
 */
export const MAX_ZIP_BYTES = 20 * 1024 * 1024;

/**
 * Most envs one batch call names (the mock's choice; upstream names no limit).
 * @example body.envs.length <= MAX_BATCH_ENVS
 */
export const MAX_BATCH_ENVS = 100;

/**
 * Triggers a function may have (documented upstream: 目前仅支持一个触发器).
 * @example body.triggers.length <= MAX_TRIGGERS
 */
export const MAX_TRIGGERS = 1;

/**
 * Most environment variables one function may have (the mock's choice; upstream names no limit).
 * @example body.environment_variables.length <= MAX_ENV_VARIABLES
 */
export const MAX_ENV_VARIABLES = 64;

/**
 * Mock seconds a create, update or delete takes unless told otherwise: 0, so a plain test sees the end state at once.
 * @example lifecycle.transitionS === DEFAULT_TRANSITION_S
 */
export const DEFAULT_TRANSITION_S = 0;

/**
 * Mock seconds a change takes under the "realistic" preset: long enough that a client polls a few
 * times (upstream publishes no timing; deploys take seconds).
 * @example { "lifecycle": { "transition_s": "realistic" } } // 3 s per change
 */
export const REALISTIC_TRANSITION_S = 3;

/**
 * Most mock seconds a change may be set to take (a day).
 * @example transition_s <= MAX_TRANSITION_S
 */
export const MAX_TRANSITION_S = 86_400;

/**
 * What a created function gets, since batchuploadscf takes no runtime, handler, memory or timeout
 * (the mock's choice: the runtime of the upstream examples, handler index.main, the cloud-dev console's defaults).
 * @example FUNCTION_DEFAULTS.handler // 'index.main'
 */
export const FUNCTION_DEFAULTS = {
  runtime: 'Nodejs8.9',
  handler: 'index.main',
  entryFile: 'index.js',
  memorysize: 256,
  timeout: 3,
} as const;

/**
 * Forced failures queued at once (POST /__mock/lifecycle/failures answers 409 beyond).
 * @example lifecycle.failures.length <= MAX_FORCED_FAILURES
 */
export const MAX_FORCED_FAILURES = 100;
