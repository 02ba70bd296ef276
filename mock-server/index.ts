/**
 * wechat-scf-kit: an offline fake of WeChat's getCloudFunctionList API, its schemas and types.
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
export { createApp, type MockApp } from './app.js';
export { checkEnvData, checkMockData, DataError, loadDataFile } from './data-file.js';
export { DEFAULT_DATA } from './default-data.js';
export { ERROR_CODES, errmsgFor, errorBody, makeRid } from './error-codes.js';
export { buildFunctions, formatBeijingTime } from './fake-functions.js';
export { checkFault, FaultQueue } from './faults.js';
export { answerGetScfList, GETSCFLIST_PATH, WECHAT_CONTENT_TYPE } from './getscflist.js';
export { Journal, type JournalEntry, redactToken } from './journal.js';
export { buildOpenApi } from './openapi.js';
export { ExposureError, isLoopback, type RunningMock, type ServerOptions, startMockServer } from './server.js';
export { DEFAULT_SETTINGS, type MockOptions, type UnknownEnvMode } from './settings.js';
export { type EnvState, type Page, type PageQuery, Store, type StoredFunction } from './store.js';
export {
  describeErrors,
  formatIssues,
  getAjv,
  isCloudFunction,
  isGetScfListRequest,
  isGetScfListResponse,
  isGetScfListSuccess,
  isMockDataFile,
  isWechatError,
  SCHEMAS,
  type ValidationIssue,
} from './validation.js';
