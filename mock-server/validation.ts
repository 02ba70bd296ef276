// Validators for every schema (compiled ahead of time into generated/validators.ts), readable { path, message } issues, and one Ajv for whoever compiles more.
import { createRequire } from 'node:module';
import type { ErrorObject } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type {
  AuthorizerTokenRequest,
  AuthorizerTokenResponse,
  AuthorizerTokenSuccess,
  CloudFunction,
  ComponentData,
  ComponentTokenRequest,
  ComponentTokenResponse,
  ComponentTokenSuccess,
  ContractCaseFile,
  ContractFlowFile,
  DescribeEnvsResponse,
  DescribeEnvsSuccess,
  EnvData,
  EnvInfo,
  FunctionScript,
  GetScfListRequest,
  GetScfListResponse,
  GetScfListSuccess,
  InvokeCloudFunctionResponse,
  InvokeCloudFunctionSuccess,
  LifecycleOkSuccess,
  MockAuthorizerAdd,
  MockClockAdvance,
  MockDataFile,
  MockFault,
  MockForcedFailure,
  MockLifecycle,
  MockTicketPush,
  MockTokenPut,
  RidGetRequest,
  RidGetResponse,
  RidGetSuccess,
  ScfCodeRequest,
  ScfCodeSuccess,
  ScfConfigRequest,
  ScfCreateRequest,
  ScfCreateSuccess,
  ScfDeleteRequest,
  TokenCheck,
  TriggersGetRequest,
  TriggersGetSuccess,
  TriggersUpdateRequest,
  TriggersUpdateSuccess,
  WechatError,
} from '../generated/schemas.js';
import { VALIDATORS, validateGetScfListRequest, validateMockDataFile } from '../generated/validators.js';
import authorizerTokenRequestSchema from '../schemas/authorizer-token-request.schema.json' with { type: 'json' };
import authorizerTokenResponseSchema from '../schemas/authorizer-token-response.schema.json' with { type: 'json' };
import authorizerTokenSuccessSchema from '../schemas/authorizer-token-success.schema.json' with { type: 'json' };
import cloudFunctionSchema from '../schemas/cloud-function.schema.json' with { type: 'json' };
import componentTokenRequestSchema from '../schemas/component-token-request.schema.json' with { type: 'json' };
import componentTokenResponseSchema from '../schemas/component-token-response.schema.json' with { type: 'json' };
import componentTokenSuccessSchema from '../schemas/component-token-success.schema.json' with { type: 'json' };
import contractCasesSchema from '../schemas/contract-cases.schema.json' with { type: 'json' };
import contractFlowsSchema from '../schemas/contract-flows.schema.json' with { type: 'json' };
import dataFileSchema from '../schemas/data-file.schema.json' with { type: 'json' };
import describeEnvsResponseSchema from '../schemas/describeenvs-response.schema.json' with { type: 'json' };
import describeEnvsSuccessSchema from '../schemas/describeenvs-success.schema.json' with { type: 'json' };
import envInfoSchema from '../schemas/env-info.schema.json' with { type: 'json' };
import functionScriptSchema from '../schemas/function-script.schema.json' with { type: 'json' };
import requestSchema from '../schemas/getscflist-request.schema.json' with { type: 'json' };
import responseSchema from '../schemas/getscflist-response.schema.json' with { type: 'json' };
import successSchema from '../schemas/getscflist-success.schema.json' with { type: 'json' };
import invokeResponseSchema from '../schemas/invoke-cloud-function-response.schema.json' with { type: 'json' };
import invokeSuccessSchema from '../schemas/invoke-cloud-function-success.schema.json' with { type: 'json' };
import lifecycleOkSuccessSchema from '../schemas/lifecycle-ok-success.schema.json' with { type: 'json' };
import authorizerAddSchema from '../schemas/mock-authorizer.schema.json' with { type: 'json' };
import clockSchema from '../schemas/mock-clock.schema.json' with { type: 'json' };
import faultSchema from '../schemas/mock-fault.schema.json' with { type: 'json' };
import forcedFailureSchema from '../schemas/mock-forced-failure.schema.json' with { type: 'json' };
import lifecycleSchema from '../schemas/mock-lifecycle.schema.json' with { type: 'json' };
import ticketSchema from '../schemas/mock-ticket.schema.json' with { type: 'json' };
import tokenPutSchema from '../schemas/mock-token.schema.json' with { type: 'json' };
import ridGetRequestSchema from '../schemas/rid-get-request.schema.json' with { type: 'json' };
import ridGetResponseSchema from '../schemas/rid-get-response.schema.json' with { type: 'json' };
import ridGetSuccessSchema from '../schemas/rid-get-success.schema.json' with { type: 'json' };
import scfCodeRequestSchema from '../schemas/scf-code-request.schema.json' with { type: 'json' };
import scfCodeSuccessSchema from '../schemas/scf-code-success.schema.json' with { type: 'json' };
import scfConfigRequestSchema from '../schemas/scf-config-request.schema.json' with { type: 'json' };
import scfCreateRequestSchema from '../schemas/scf-create-request.schema.json' with { type: 'json' };
import scfCreateSuccessSchema from '../schemas/scf-create-success.schema.json' with { type: 'json' };
import scfDeleteRequestSchema from '../schemas/scf-delete-request.schema.json' with { type: 'json' };
import statusReasonSchema from '../schemas/status-reason.schema.json' with { type: 'json' };
import triggersGetRequestSchema from '../schemas/triggers-get-request.schema.json' with { type: 'json' };
import triggersGetSuccessSchema from '../schemas/triggers-get-success.schema.json' with { type: 'json' };
import triggersUpdateRequestSchema from '../schemas/triggers-update-request.schema.json' with { type: 'json' };
import triggersUpdateSuccessSchema from '../schemas/triggers-update-success.schema.json' with { type: 'json' };
import errorSchema from '../schemas/wechat-error.schema.json' with { type: 'json' };

/**
 * Every schema this package ships, in the order they are added to the one Ajv instance.
 * @example SCHEMAS.map((s) => s.$id)
 */
export const SCHEMAS = [
  statusReasonSchema,
  cloudFunctionSchema,
  requestSchema,
  successSchema,
  errorSchema,
  responseSchema,
  componentTokenRequestSchema,
  componentTokenSuccessSchema,
  componentTokenResponseSchema,
  envInfoSchema,
  describeEnvsSuccessSchema,
  describeEnvsResponseSchema,
  ridGetRequestSchema,
  ridGetSuccessSchema,
  ridGetResponseSchema,
  authorizerTokenRequestSchema,
  authorizerTokenSuccessSchema,
  authorizerTokenResponseSchema,
  invokeSuccessSchema,
  invokeResponseSchema,
  functionScriptSchema,
  forcedFailureSchema,
  lifecycleSchema,
  dataFileSchema,
  faultSchema,
  clockSchema,
  ticketSchema,
  tokenPutSchema,
  authorizerAddSchema,
  contractCasesSchema,
  contractFlowsSchema,
  scfCreateRequestSchema,
  scfCreateSuccessSchema,
  scfCodeRequestSchema,
  scfCodeSuccessSchema,
  scfConfigRequestSchema,
  scfDeleteRequestSchema,
  lifecycleOkSuccessSchema,
  triggersGetRequestSchema,
  triggersGetSuccessSchema,
  triggersUpdateRequestSchema,
  triggersUpdateSuccessSchema,
] as const;

/**
 * Ajv's options, also used by scripts/generate-types.mjs for the validators it compiles ahead of time.
 * @example new Ajv2020(AJV_OPTIONS)
 */
export const AJV_OPTIONS = { strict: true, allErrors: false, allowUnionTypes: true } as const;

let instance: Ajv2020 | undefined;

/**
 * The one Ajv instance, with every schema added by `$id`, created on first use: for code that compiles
 * more than this package's validators (which are compiled ahead of time and never need it). `allErrors`
 * stays off: the first failure is all a request needs, and it is faster.
 * @example getAjv().getSchema('https://wechat-scf-kit/schemas/cloud-function.schema.json')
 */
export function getAjv(): Ajv2020 {
  if (!instance) {
    const { Ajv2020: AjvClass } = createRequire(import.meta.url)(
      'ajv/dist/2020.js',
    ) as typeof import('ajv/dist/2020.js');
    instance = new AjvClass(AJV_OPTIONS);
    for (const schema of SCHEMAS) instance.addSchema(schema);
  }
  return instance;
}

/**
 * The fields of the request body, as the request schema defines them.
 * @example REQUEST_FIELDS.has('searchkey') // true
 */
export const REQUEST_FIELDS: ReadonlySet<string> = new Set(Object.keys(requestSchema.properties));

/** A type guard compiled from a schema, with Ajv's errors of its last call. */
export type Validator<T> = ((data: unknown) => data is T) & { readonly errors: ErrorObject[] | null | undefined };

/** A validator of generated/validators.ts: Ajv's standalone code sets `errors` on the function. */
type StandaloneValidator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * The validator compiled ahead of time from a schema (or one of its $defs), by its ref. A ref that
 * scripts/generate-types.mjs did not compile fails at import, in every test, rather than on first use.
 */
function compiled<T>(schema: { $id: string }): Validator<T> {
  const validate = (VALIDATORS as unknown as Record<string, StandaloneValidator | undefined>)[schema.$id];
  if (!validate) throw new Error(`${schema.$id} is not among generated/validators.ts: run npm run generate`);
  const guard = (data: unknown): data is T => validate(data);
  return Object.defineProperty(guard, 'errors', { get: () => validate.errors }) as Validator<T>;
}

/** Type guards compiled from schemas/. @example if (isGetScfListRequest(body)) body.env */
export const isGetScfListRequest = Object.defineProperty(
  (data: unknown): data is GetScfListRequest => validateGetScfListRequest(data),
  'errors',
  // The standalone code sets errors on the function, as Ajv's compiled validators do.
  { get: () => (validateGetScfListRequest as unknown as { errors?: ErrorObject[] | null }).errors },
) as Validator<GetScfListRequest>;
/** True for a success body. @example if (!isGetScfListSuccess(value)) describeErrors(isGetScfListSuccess.errors) */
export const isGetScfListSuccess = compiled<GetScfListSuccess>(successSchema);
/** True for a WeChat error body. @example if (!isWechatError(value)) describeErrors(isWechatError.errors) */
export const isWechatError = compiled<WechatError>(errorSchema);
/** True for any 200 body of the API. @example if (!isGetScfListResponse(value)) describeErrors(isGetScfListResponse.errors) */
export const isGetScfListResponse = compiled<GetScfListResponse>(responseSchema);
/** True for one cloud function. @example if (!isCloudFunction(value)) describeErrors(isCloudFunction.errors) */
export const isCloudFunction = compiled<CloudFunction>(cloudFunctionSchema);
/**
 * True for a data document; compiled ahead of time like the request's, so loading a data file
 * at start-up loads no Ajv. @example if (!isMockDataFile(value)) describeErrors(isMockDataFile.errors)
 */
export const isMockDataFile = Object.defineProperty(
  (data: unknown): data is MockDataFile => validateMockDataFile(data),
  'errors',
  { get: () => (validateMockDataFile as unknown as { errors?: ErrorObject[] | null }).errors },
) as Validator<MockDataFile>;
/** True for a contract case file. @example if (!isContractCaseFile(value)) describeErrors(isContractCaseFile.errors) */
export const isContractCaseFile = compiled<ContractCaseFile>(contractCasesSchema);
/** True for a contract flow file. @example if (!isContractFlowFile(value)) describeErrors(isContractFlowFile.errors) */
export const isContractFlowFile = compiled<ContractFlowFile>(contractFlowsSchema);
/** True for a fault for POST /__mock/faults. @example if (!isMockFault(value)) describeErrors(isMockFault.errors) */
export const isMockFault = compiled<MockFault>(faultSchema);
/** True for an api_component_token request body. @example if (!isComponentTokenRequest(value)) describeErrors(isComponentTokenRequest.errors) */
export const isComponentTokenRequest = compiled<ComponentTokenRequest>(componentTokenRequestSchema);
/** True for an api_component_token success. @example if (!isComponentTokenSuccess(value)) describeErrors(isComponentTokenSuccess.errors) */
export const isComponentTokenSuccess = compiled<ComponentTokenSuccess>(componentTokenSuccessSchema);
/** True for any 200 body of api_component_token. @example isComponentTokenResponse(JSON.parse(text)) */
export const isComponentTokenResponse = compiled<ComponentTokenResponse>(componentTokenResponseSchema);
/** True for one env as describeenvs lists it. @example if (!isEnvInfo(value)) describeErrors(isEnvInfo.errors) */
export const isEnvInfo = compiled<EnvInfo>(envInfoSchema);
/** True for a describeenvs success. @example if (!isDescribeEnvsSuccess(value)) describeErrors(isDescribeEnvsSuccess.errors) */
export const isDescribeEnvsSuccess = compiled<DescribeEnvsSuccess>(describeEnvsSuccessSchema);
/** True for any 200 body of describeenvs. @example isDescribeEnvsResponse(JSON.parse(text)) */
export const isDescribeEnvsResponse = compiled<DescribeEnvsResponse>(describeEnvsResponseSchema);
/** True for a rid/get request body. @example if (!isRidGetRequest(value)) describeErrors(isRidGetRequest.errors) */
export const isRidGetRequest = compiled<RidGetRequest>(ridGetRequestSchema);
/** True for a rid/get success. @example if (!isRidGetSuccess(value)) describeErrors(isRidGetSuccess.errors) */
export const isRidGetSuccess = compiled<RidGetSuccess>(ridGetSuccessSchema);
/** True for any 200 body of rid/get. @example isRidGetResponse(JSON.parse(text)) */
export const isRidGetResponse = compiled<RidGetResponse>(ridGetResponseSchema);
/** True for an api_authorizer_token request body. @example if (!isAuthorizerTokenRequest(value)) describeErrors(isAuthorizerTokenRequest.errors) */
export const isAuthorizerTokenRequest = compiled<AuthorizerTokenRequest>(authorizerTokenRequestSchema);
/** True for an api_authorizer_token success. @example if (!isAuthorizerTokenSuccess(value)) describeErrors(isAuthorizerTokenSuccess.errors) */
export const isAuthorizerTokenSuccess = compiled<AuthorizerTokenSuccess>(authorizerTokenSuccessSchema);
/** True for any 200 body of api_authorizer_token. @example isAuthorizerTokenResponse(JSON.parse(text)) */
export const isAuthorizerTokenResponse = compiled<AuthorizerTokenResponse>(authorizerTokenResponseSchema);
/** True for an invokecloudfunction success. @example if (!isInvokeCloudFunctionSuccess(value)) describeErrors(isInvokeCloudFunctionSuccess.errors) */
export const isInvokeCloudFunctionSuccess = compiled<InvokeCloudFunctionSuccess>(invokeSuccessSchema);
/** True for any 200 body of invokecloudfunction. @example isInvokeCloudFunctionResponse(JSON.parse(text)) */
export const isInvokeCloudFunctionResponse = compiled<InvokeCloudFunctionResponse>(invokeResponseSchema);
/** True for a function's script. @example if (!isFunctionScript(value)) describeErrors(isFunctionScript.errors) */
export const isFunctionScript = compiled<FunctionScript>(functionScriptSchema);
/** True for a body of POST /__mock/components/:appid/authorizers. @example if (!isMockAuthorizerAdd(value)) describeErrors(isMockAuthorizerAdd.errors) */
export const isMockAuthorizerAdd = compiled<MockAuthorizerAdd>(authorizerAddSchema);
/** True for a body of POST /__mock/clock. @example if (!isMockClockAdvance(value)) describeErrors(isMockClockAdvance.errors) */
export const isMockClockAdvance = compiled<MockClockAdvance>(clockSchema);
/** True for a body of POST /__mock/components/:appid/ticket. @example if (!isMockTicketPush(value)) describeErrors(isMockTicketPush.errors) */
export const isMockTicketPush = compiled<MockTicketPush>(ticketSchema);
/** True for a body of PUT /__mock/tokens/:token. @example if (!isMockTokenPut(value)) describeErrors(isMockTokenPut.errors) */
export const isMockTokenPut = compiled<MockTokenPut>(tokenPutSchema);
/** True for one env of a data document. @example if (!isEnvData(value)) describeErrors(isEnvData.errors) */
export const isEnvData = compiled<EnvData>({ $id: `${dataFileSchema.$id}#/$defs/envData` });
/** True for an env id. @example if (!isEnvId(value)) describeErrors(isEnvId.errors) */
export const isEnvId = compiled<string>({ $id: `${dataFileSchema.$id}#/$defs/envId` });
/** True for a token mode. @example isTokenCheck('listed') // true */
export const isTokenCheck = compiled<TokenCheck>({ $id: `${dataFileSchema.$id}#/$defs/tokenCheck` });
/** True for one component of a data document. @example if (!isComponentData(value)) describeErrors(isComponentData.errors) */
export const isComponentData = compiled<ComponentData>({ $id: `${dataFileSchema.$id}#/$defs/component` });
/** True for a token table. @example if (!isTokenTable(value)) describeErrors(isTokenTable.errors) */
export const isTokenTable = compiled<NonNullable<MockDataFile['tokens']>>({
  $id: `${dataFileSchema.$id}#/properties/tokens`,
});

/** True for a batchuploadscf request body. @example isScfCreateRequest({ functionname: 'f1', envs: ['e'], zipfile: 'UEs=' }) */
export const isScfCreateRequest = compiled<ScfCreateRequest>(scfCreateRequestSchema);
/** True for a batchuploadscf success. @example isScfCreateSuccess(JSON.parse(text)) */
export const isScfCreateSuccess = compiled<ScfCreateSuccess>(scfCreateSuccessSchema);
/** True for a batchuploadscfcode request body. @example isScfCodeRequest(body) */
export const isScfCodeRequest = compiled<ScfCodeRequest>(scfCodeRequestSchema);
/** True for a batchuploadscfcode success. @example isScfCodeSuccess(JSON.parse(text)) */
export const isScfCodeSuccess = compiled<ScfCodeSuccess>(scfCodeSuccessSchema);
/** True for an updatescfconfig request body. @example isScfConfigRequest(body) */
export const isScfConfigRequest = compiled<ScfConfigRequest>(scfConfigRequestSchema);
/** True for a deletescf request body. @example isScfDeleteRequest({ functionname: 'f1', env: 'e' }) */
export const isScfDeleteRequest = compiled<ScfDeleteRequest>(scfDeleteRequestSchema);
/** True for the success of updatescfconfig and deletescf. @example isLifecycleOkSuccess(JSON.parse(text)) */
export const isLifecycleOkSuccess = compiled<LifecycleOkSuccess>(lifecycleOkSuccessSchema);
/** True for a gettriggers request body. @example isTriggersGetRequest({ env: 'e', funcname: 'f1' }) */
export const isTriggersGetRequest = compiled<TriggersGetRequest>(triggersGetRequestSchema);
/** True for a gettriggers success. @example isTriggersGetSuccess(JSON.parse(text)) */
export const isTriggersGetSuccess = compiled<TriggersGetSuccess>(triggersGetSuccessSchema);
/** True for a batchupdatetriggers request body. @example isTriggersUpdateRequest(body) */
export const isTriggersUpdateRequest = compiled<TriggersUpdateRequest>(triggersUpdateRequestSchema);
/** True for a batchupdatetriggers success. @example isTriggersUpdateSuccess(JSON.parse(text)) */
export const isTriggersUpdateSuccess = compiled<TriggersUpdateSuccess>(triggersUpdateSuccessSchema);
/** True for lifecycle settings (PUT /__mock/lifecycle). @example isMockLifecycle({ transition_s: 'realistic' }) */
export const isMockLifecycle = compiled<MockLifecycle>(lifecycleSchema);
/** True for a forced failure (POST /__mock/lifecycle/failures). @example isMockForcedFailure({ op: 'create' }) */
export const isMockForcedFailure = compiled<MockForcedFailure>(forcedFailureSchema);

/** One readable validation problem: where (a dotted path, empty for the whole value) and what. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/**
 * Translates Ajv's errors into readable issues, once, at the boundary.
 * @example describeErrors(isGetScfListRequest.errors) // [{ path: 'offset', message: 'must be integer' }]
 */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined, prefix = ''): ValidationIssue[] {
  if (!errors) return [];
  // For a bad key Ajv reports the inner failure (with propertyName) and then a wrapper: keep the inner one.
  return errors
    .filter((error) => error.keyword !== 'propertyNames')
    .map((error) => {
      const segments = error.instancePath
        .split('/')
        .slice(1)
        .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
      let message = error.message ?? 'is invalid';
      if (error.keyword === 'required') {
        segments.push((error.params as { missingProperty: string }).missingProperty);
        message = 'is required';
      } else if (error.keyword === 'additionalProperties') {
        segments.push((error.params as { additionalProperty: string }).additionalProperty);
        message = 'is not allowed here';
      } else if (error.keyword === 'pattern' && /_time$/.test(segments.at(-1) ?? '')) {
        message = 'must match YYYY-MM-DD HH:mm:ss';
      } else if (error.keyword === 'pattern' && error.schemaPath.includes('envId')) {
        message = "must be letters, digits, '-' or '_', starting with a letter or digit, at most 64 long";
      } else if (error.keyword === 'enum') {
        message = `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
      }
      if (error.propertyName !== undefined) message = `key ${JSON.stringify(error.propertyName)} ${message}`;
      return { path: joinPath(prefix, segments), message };
    });
}

function joinPath(prefix: string, segments: string[]): string {
  let path = prefix;
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) path += path ? `.${segment}` : segment;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

/**
 * The one wording for a number out of its range, for options, flags and query parameters alike.
 * @example rangeMessage({ min: 1, max: 100 }, '0') // 'must be a whole number from 1 to 100, got "0"'
 */
export function rangeMessage(range: { readonly min: number; readonly max: number }, got?: unknown): string {
  const shown = got === undefined ? '' : `, got ${typeof got === 'string' ? JSON.stringify(got) : String(got)}`;
  return `must be a whole number from ${range.min} to ${range.max}${shown}`;
}

/**
 * One line for a list of issues: `offset: must be integer`.
 * @example formatIssues([{ path: 'env', message: 'is required' }]) // 'env: is required'
 */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
}
