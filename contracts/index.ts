// The public entry of wechat-scf-kit/contracts: every name users import, from the module that holds it.
/**
 * wechat-scf-kit/contracts: the contract cases for getCloudFunctionList, and the runners that
 * check a server or a client against them.
 * @example
 * import { describeClientContract } from 'wechat-scf-kit/contracts';
 * describeClientContract('my client', { createClient: (ctx) => makeClient(ctx) });
 */
export { CASE_FILES, type CaseVariables, checkCaseFile, isPortable, type LoadedCase, loadCases } from './cases.js';
export {
  type AuthorizerCredentials,
  CannotRunError,
  type ClientContext,
  type ClientInvoker,
  type ClientOutcome,
  type ClientParams,
  type ComponentCredentials,
} from './client/adapter.js';
export { CLIENT_VARIABLES, clientCases } from './client/call-plan.js';
export {
  DEPLOY_CASES,
  DEPLOY_DEFAULTS,
  type DeployCall,
  type DeployCase,
  type DeployContext,
  type DeployOptions,
  type DeployParams,
  type DeploySettings,
  deployCall,
  type EnvOutcome,
  runDeployCase,
  runDeployContract,
} from './client/deploy-client.js';
export {
  INVOKE_CASES,
  type InvokeCall,
  type InvokeCase,
  type InvokeContext,
  type InvokeParams,
  invokeCall,
  runInvokeCase,
  runInvokeContract,
} from './client/invoke-client.js';
export { type ProcessClientOptions, parseClientOutput, processClient } from './client/process-client.js';
export { clientTimings, MAX_RETRIES } from './client/timing.js';
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
  type ClientCaseOptions,
  type ClientContractOptions,
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
export { hideToken } from './redaction.js';
export { countLine, formatFailure, formatJunit, formatPretty, formatWarnings } from './report.js';
export { type CaseResult, summarise } from './results.js';
export { OBSERVATION_ENV } from './server/run-observation.js';
export {
  defaultBudget,
  type ListingCoverage,
  type ServerVerification,
  type VerifyServerOptions,
} from './server/server-run.js';
export { type FlowRunOptions, verifyFlows } from './server/verify-flows.js';
export { serverChecks, verifyServer } from './server/verify-server.js';
