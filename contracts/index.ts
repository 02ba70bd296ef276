/**
 * wechat-scf-kit/contracts: the contract cases for getCloudFunctionList, and the runners that
 * check a server or a client against them.
 * @example
 * import { describeClientContract } from 'wechat-scf-kit/contracts';
 * describeClientContract('my client', { createClient: (ctx) => makeClient(ctx) });
 */
export { CASE_FILES, type CaseVariables, checkCaseFile, isPortable, type LoadedCase, loadCases } from './cases.js';
export {
  CannotRunError,
  type ProcessClientOptions,
  parseClientOutput,
  processClient,
} from './client/process-client.js';
export {
  LIFECYCLE_CASES,
  type LifecycleCall,
  type LifecycleCase,
  type LifecycleContext,
  lifecycleCall,
  runLifecycleCase,
  runLifecycleContract,
} from './client/token-lifecycle.js';
export {
  CLIENT_VARIABLES,
  type ClientCaseOptions,
  type ClientContext,
  type ClientContractOptions,
  type ClientInvoker,
  type ClientOutcome,
  type ClientParams,
  type ComponentCredentials,
  clientCases,
  clientTimings,
  MAX_RETRIES,
  runClientCase,
  runClientContract,
} from './client/verify-client.js';
export {
  type ContractClient,
  clientInvoker,
  type DescribeClientContractOptions,
  describeClientContract,
} from './client/vitest.js';
export { checkFlowFile, FLOW_FILES, type LoadedFlow, loadFlows } from './flows.js';
export { countLine, formatFailure, formatJunit, formatPretty, formatWarnings } from './report.js';
export { type CaseResult, hideToken, summarise } from './results.js';
export { type FlowRunOptions, verifyFlows } from './server/verify-flows.js';
export {
  defaultBudget,
  type ListingCoverage,
  OBSERVATION_ENV,
  type ServerVerification,
  serverChecks,
  type VerifyServerOptions,
  verifyServer,
} from './server/verify-server.js';
