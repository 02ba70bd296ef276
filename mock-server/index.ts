// The package's public API: start or build a mock, its facts, its endpoints' rules and its state classes.
/**
 * wechat-scf-kit: an offline fake of WeChat's getCloudFunctionList API and its neighbours (the
 * component and authorizer tokens, describeenvs, invokecloudfunction, rid/get), their schemas and types.
 * @example
 * import { startMockServer } from 'wechat-scf-kit';
 * const mock = await startMockServer();
 * const res = await fetch(`${mock.url}/componenttcb/getscflist?access_token=t`, {
 *   method: 'POST',
 *   body: JSON.stringify({ env: 'prod-5g7k2m9x3d' }),
 * });
 * await mock.close();
 */
export type * from '../generated/schemas.js';
export {
  API_PATH_LIST,
  API_PATHS,
  API_PREFIXES,
  type ApiPath,
  AUTHORIZER_TOKEN_EXPIRES_S,
  CONTRACT_VARIABLES,
  CONTROL_PREFIX,
  DEFAULT_LIMIT,
  DEFAULT_MAX_LIMIT,
  DEFAULT_UNKNOWN_ENV,
  GETSCFLIST_PATH,
  HEALTH_PATH,
  INVOKE_TIMEOUT_MS,
  MAX_FAULTS,
  MAX_FUNCTIONS,
  OPTION_RANGES,
  TICKET_VALID_S,
  TOKEN_EXPIRES_S,
  TOKEN_OVERLAP_S,
  UNKNOWN_ENV_MODES,
  WECHAT_API_DOMAIN,
  WECHAT_CONTENT_TYPE,
} from './api-facts.js';
export { createApp, type MockApp } from './app.js';
export {
  type EnvSummary,
  type FaultFilter,
  type MockControl,
  MockControlError,
  type MockControlOptions,
  mockControl,
  type RequestFilter,
  type TokensView,
} from './control-client.js';
export { answerAuthorizerToken } from './endpoints/api-authorizer-token.js';
export { answerComponentToken } from './endpoints/api-component-token.js';
export { answerDescribeEnvs } from './endpoints/describeenvs.js';
export { answerGetScfList } from './endpoints/getscflist.js';
export { answerInvokeCloudFunction } from './endpoints/invokecloudfunction.js';
export type { ApiCall, ApiState, Outcome } from './endpoints/request-rules.js';
export { answerRidGet } from './endpoints/rid-get.js';
export {
  ERROR_CODES,
  type ErrcodeEntry,
  type ErrmsgMatch,
  errmsgFor,
  errorBody,
  makeRid,
  matchErrmsg,
  recordedErrmsgs,
} from './error-codes.js';
export { type MockScope, type MockScopeOptions, mockScope } from './mock-scope.js';
export { buildOpenApi } from './openapi.js';
export { ExposureError, isLoopback, type RunningMock, type ServerOptions, startMockServer } from './server.js';
export { DEFAULT_SETTINGS, type MockOptions, type UnknownEnvMode } from './settings.js';
export {
  type AuthorizerIssueResult,
  AuthorizerRegistry,
  type AuthorizerTokenInfo,
  type IssuedAuthorizerTokenView,
} from './state/authorizer-registry.js';
export { checkEnvData, checkMockData, DataError, loadDataFile } from './state/data-file.js';
export { DEFAULT_DATA } from './state/default-data.js';
export { type EnvState, type Page, type PageQuery, Store, type StoredFunction } from './state/env-store.js';
export { buildFunctions, formatBeijingTime } from './state/fake-functions.js';
export { checkFault, FaultQueue, type QueuedFault } from './state/fault-queue.js';
export { Journal, type JournalEntry, type JournalFilter, type JournalSnapshot } from './state/journal.js';
export { type ClockView, MockClock } from './state/mock-clock.js';
export { redactToken } from './state/redaction.js';
export { RidMap, type RidRequest } from './state/rid-map.js';
export { type IssuedTokenView, type IssueResult, TokenRegistry } from './state/token-registry.js';
export {
  describeErrors,
  formatIssues,
  getAjv,
  isCloudFunction,
  isComponentTokenResponse,
  isComponentTokenSuccess,
  isDescribeEnvsResponse,
  isDescribeEnvsSuccess,
  isGetScfListRequest,
  isGetScfListResponse,
  isGetScfListSuccess,
  isMockDataFile,
  isRidGetResponse,
  isRidGetSuccess,
  isWechatError,
  SCHEMAS,
  type ValidationIssue,
} from './validation.js';
