// Builds the OpenAPI document of the API and the control API from the same schemas the mock validates with.
import {
  API_PATHS,
  API_PREFIXES,
  type ApiPath,
  AUTHORIZER_TOKEN_EXPIRES_S,
  INVOKE_TIMEOUT_MS,
  TOKEN_EXPIRES_S,
} from './api-facts.js';
import { ERROR_CODES } from './error-codes.js';
import { UPSTREAM_EXAMPLE_FUNCTIONS } from './state/default-data.js';
import { SCHEMAS } from './validation.js';
import { VERSION } from './version.js';

/** The schemas of the API itself (the rest describe the mock and the contract kit). */
export const API_SCHEMA_FILES = [
  'getscflist-request',
  'getscflist-response',
  'getscflist-success',
  'wechat-error',
  'cloud-function',
  'status-reason',
  'component-token-request',
  'component-token-success',
  'component-token-response',
  'env-info',
  'describeenvs-success',
  'describeenvs-response',
  'rid-get-request',
  'rid-get-success',
  'rid-get-response',
  'authorizer-token-request',
  'authorizer-token-success',
  'authorizer-token-response',
  'invoke-cloud-function-success',
  'invoke-cloud-function-response',
  'scf-create-request',
  'scf-create-success',
  'scf-code-request',
  'scf-code-success',
  'scf-config-request',
  'scf-delete-request',
  'lifecycle-ok-success',
  'triggers-get-request',
  'triggers-get-success',
  'triggers-update-request',
  'triggers-update-success',
];

type Errcode = keyof typeof ERROR_CODES;

/** Codes any endpoint can answer: transient failures, quotas and authorisation, injected with POST /__mock/faults. */
const COMMON_ERRCODES: readonly Errcode[] = [
  '-1',
  '-1000',
  '45009',
  '45011',
  '48001',
  '61004',
  '61007',
  '61011',
  '76003',
];
const TOKEN_ERRCODES: readonly Errcode[] = ['41001', '40001', '40014', '42001', '85088'];
/** The function-management endpoints' request rules (the single-env ones add the env and function codes). */
const MANAGEMENT_ERRCODES: readonly Errcode[] = [
  '43002',
  ...TOKEN_ERRCODES,
  '44002',
  '47001',
  '40101',
  ...COMMON_ERRCODES,
];

/**
 * The errcodes each endpoint's rules answer, in the order they are checked, then those a fault
 * can inject anywhere. Every code of the catalogue is in at least one list.
 * @example ENDPOINT_ERRCODES['/cgi-bin/openapi/rid/get'].includes('76001') // true
 */
export const ENDPOINT_ERRCODES: Record<ApiPath, readonly Errcode[]> = {
  [API_PATHS.getscflist]: ['43002', ...TOKEN_ERRCODES, '44002', '47001', '40097', ...COMMON_ERRCODES],
  [API_PATHS.describeenvs]: ['43002', ...TOKEN_ERRCODES, '47001', ...COMMON_ERRCODES],
  [API_PATHS.componentToken]: [
    '43002',
    '44002',
    '47001',
    '41002',
    '41004',
    '40013',
    '40125',
    '61006',
    '61005',
    ...COMMON_ERRCODES,
  ],
  [API_PATHS.ridGet]: ['43002', ...TOKEN_ERRCODES, '44002', '47001', '40101', '76002', '76001', ...COMMON_ERRCODES],
  [API_PATHS.authorizerToken]: [
    '43002',
    '61014',
    ...TOKEN_ERRCODES,
    '44002',
    '47001',
    '41018',
    '40101',
    '40013',
    '61003',
    '61023',
    ...COMMON_ERRCODES,
  ],
  [API_PATHS.invokeCloudFunction]: [
    '43002',
    ...TOKEN_ERRCODES,
    '40101',
    '44002',
    '47001',
    '-501007',
    '-501009',
    '-504001',
    '-504002',
    '-504003',
    ...COMMON_ERRCODES,
  ],
  [API_PATHS.batchuploadscf]: MANAGEMENT_ERRCODES,
  [API_PATHS.batchuploadscfcode]: MANAGEMENT_ERRCODES,
  [API_PATHS.batchupdatetriggers]: MANAGEMENT_ERRCODES,
  [API_PATHS.updatescfconfig]: [...MANAGEMENT_ERRCODES, '40097', '-501009'],
  [API_PATHS.deletescf]: [...MANAGEMENT_ERRCODES, '40097', '-501009'],
  [API_PATHS.gettriggers]: [...MANAGEMENT_ERRCODES, '40097', '-501009'],
};

/**
 * What a path under the API's prefixes that the mock does not serve answers (see API_PREFIXES):
 * stated in the document's description, as no operation has it.
 * @example UNKNOWN_PATH_ERRCODE // '40066'
 */
export const UNKNOWN_PATH_ERRCODE: Errcode = '40066';

const fileOf = (schema: { $id: string }) => schema.$id.slice(schema.$id.lastIndexOf('/') + 1);

/**
 * A schema as an OpenAPI component: `$id` and `$schema` dropped, and a reference to another
 * schema file (`cloud-function.schema.json#/properties/name`) made a reference into the
 * document (`#/components/schemas/CloudFunction/properties/name`). Nothing else changes.
 * @example toComponent(cloudFunctionSchema, titles).$ref // file references become #/components/schemas/…
 */
export function toComponent(schema: object, titles: ReadonlyMap<string, string>): Record<string, unknown> {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') {
        const [file, pointer = ''] = inner.split('#');
        const title = titles.get(file);
        if (!title) throw new Error(`schema reference ${inner} is not to an API schema`);
        out.$ref = `#/components/schemas/${title}${pointer}`;
      } else {
        out[key] = walk(inner);
      }
    }
    return out;
  };
  const { $id: _id, $schema: _schema, ...rest } = schema as Record<string, unknown>;
  return walk(rest) as Record<string, unknown>;
}

const UPSTREAM_REQUEST = { env: 'myttest-8gu57so0bd9f9e8a' };

const UPSTREAM_RESPONSE = { errcode: 0, errmsg: 'ok', total_count: 2, functions: UPSTREAM_EXAMPLE_FUNCTIONS };

const EXAMPLE_RID = '6aac0064-355b48ab-4c5b487e';

const TOKEN_PARAMETERS = [
  {
    name: 'access_token',
    in: 'query',
    required: false,
    description:
      '接口调用凭证, 可使用 component_access_token — the call credential. Only read from the query string; one of access_token and component_access_token is required (access_token wins when both are given).',
    schema: { type: 'string', minLength: 1 },
  },
  {
    name: 'component_access_token',
    in: 'query',
    required: false,
    description: 'The same credential under the key WxJava, wechatpy and fastwego send on componenttcb routes.',
    schema: { type: 'string', minLength: 1 },
  },
];

interface Operation {
  path: ApiPath;
  operationId: string;
  summary: string;
  description: string;
  parameters: object[];
  request?: { title: string; required: boolean; example: unknown };
  /** One title, or several for a body that is any of them (a success or a WeChat error). */
  response: { title: string | string[]; example: unknown };
}

const BATCH_NOTE =
  'Top-level errcode 0 does not mean every env succeeded: each env that failed is in the list. The change then runs: poll getscflist until the function leaves Creating/Updating/Deleting.';

const OPERATIONS: Operation[] = [
  {
    path: API_PATHS.componentToken,
    operationId: 'getComponentAccessToken',
    summary: '获取令牌 — get a component_access_token',
    description: `Exchanges the platform's appid, secret and latest component_verify_ticket for a token valid ${TOKEN_EXPIRES_S} s. A newer token leaves the previous one valid 5 more minutes (documented for cgi-bin/token, assumed here). The success has no errcode.`,
    parameters: [],
    request: {
      title: 'ComponentTokenRequest',
      required: true,
      example: {
        component_appid: 'wx0123456789abcdef',
        component_appsecret: 'APPSECRET',
        component_verify_ticket: 'ticket@@@TICKET',
      },
    },
    response: {
      title: 'ComponentTokenResponse',
      example: { component_access_token: '61_COMPONENT_ACCESS_TOKEN', expires_in: TOKEN_EXPIRES_S },
    },
  },
  {
    path: API_PATHS.describeenvs,
    operationId: 'describeEnvs',
    summary: '获取环境信息 — list cloud development environments',
    description: 'Lists the environments of the app. No body is needed (clients send {} or nothing).',
    parameters: TOKEN_PARAMETERS,
    request: { title: '', required: false, example: {} },
    response: {
      title: 'DescribeEnvsResponse',
      example: {
        errcode: 0,
        errmsg: 'ok',
        info_list: [
          {
            env: 'test-3g2k',
            alias: 'test',
            create_time: '2021-06-22 14:40:52',
            update_time: '2021-06-22 14:41:09',
            status: 'NORMAL',
            package_id: 'baas_1',
            package_name: '基础版1',
            dbinstance_id: 'tnt-6pu9fsz7u',
            bucket_id: '7465-test-3g2k-1258016615',
          },
        ],
      },
    },
  },
  {
    path: API_PATHS.getscflist,
    operationId: 'getCloudFunctionList',
    summary: '获取云函数 — list cloud functions',
    description: 'Lists the cloud functions of a cloud development environment, a page at a time.',
    parameters: TOKEN_PARAMETERS,
    request: { title: 'GetScfListRequest', required: true, example: UPSTREAM_REQUEST },
    response: { title: 'GetScfListResponse', example: UPSTREAM_RESPONSE },
  },
  {
    path: API_PATHS.authorizerToken,
    operationId: 'getAuthorizerAccessToken',
    summary: '获取/刷新接口调用令牌 — get an authorizer_access_token',
    description: `Exchanges an authorizer's refresh token for its authorizer_access_token, valid ${AUTHORIZER_TOKEN_EXPIRES_S} s; the refresh token comes back unchanged. The component token goes in the query as component_access_token (older page, what SDKs send) or access_token (newer page). A newer token leaves the previous one valid 5 more minutes (assumed, as for component tokens). The success has no errcode.`,
    parameters: [
      TOKEN_PARAMETERS[1],
      {
        ...TOKEN_PARAMETERS[0],
        description: 'The component token under the key the newer page names (access_token wins when both are given).',
      },
    ],
    request: {
      title: 'AuthorizerTokenRequest',
      required: true,
      example: {
        component_appid: 'wx0123456789abcdef',
        authorizer_appid: 'wxf8b4f85f3a794e77',
        authorizer_refresh_token: 'refreshtoken@@@REFRESH_TOKEN',
      },
    },
    response: {
      title: 'AuthorizerTokenResponse',
      example: {
        authorizer_access_token: '61_AUTHORIZER_ACCESS_TOKEN',
        expires_in: AUTHORIZER_TOKEN_EXPIRES_S,
        authorizer_refresh_token: 'refreshtoken@@@REFRESH_TOKEN',
      },
    },
  },
  {
    path: API_PATHS.invokeCloudFunction,
    operationId: 'invokeCloudFunction',
    summary: '触发云函数 — invoke a cloud function',
    description: `Calls a cloud function with the body as its event (any JSON) and answers its return value JSON-encoded in resp_data. The token may be a component_access_token, an authorizer_access_token of an app that owns the env, or the app's own access_token. A function that runs past ${INVOKE_TIMEOUT_MS / 1000} s answers -504003.`,
    parameters: [
      {
        ...TOKEN_PARAMETERS[0],
        description:
          "接口调用凭证 — a component_access_token, an authorizer_access_token or the app's access_token. One of access_token and cloudbase_access_token is required.",
      },
      {
        name: 'cloudbase_access_token',
        in: 'query',
        required: false,
        description: 'The same credential under the key the newer page also names.',
        schema: { type: 'string', minLength: 1 },
      },
      {
        name: 'env',
        in: 'query',
        required: true,
        description: '云开发环境ID — the env the function is in.',
        schema: { type: 'string', minLength: 1 },
      },
      {
        name: 'name',
        in: 'query',
        required: true,
        description: '云函数名称 — the function to call.',
        schema: { type: 'string', minLength: 1 },
      },
    ],
    request: { title: '', required: true, example: { userInfo: { appId: 'SAMPLE_APPID' } } },
    response: {
      title: 'InvokeCloudFunctionResponse',
      example: {
        errcode: 0,
        errmsg: 'ok',
        resp_data: '{"event":{"userInfo":{"appId":"SAMPLE_APPID"}},"appid":"SAMPLE_APPID"}',
      },
    },
  },
  {
    path: API_PATHS.ridGet,
    operationId: 'getRidInfo',
    summary: '查询rid信息 — look up the request behind a rid',
    description: 'Finds the request behind the rid at the end of an errmsg. The token is read from access_token only.',
    parameters: [TOKEN_PARAMETERS[0]],
    request: { title: 'RidGetRequest', required: true, example: { rid: EXAMPLE_RID } },
    response: {
      title: 'RidGetResponse',
      example: {
        errcode: 0,
        errmsg: 'ok',
        request: {
          invoke_time: 1795945725,
          cost_in_ms: 3,
          request_url: '/componenttcb/getscflist?access_token=61_AB…',
          request_body: '{"env":"nope"}',
          response_body: `{"errcode":40097,"errmsg":"invalid args rid: ${EXAMPLE_RID}"}`,
          client_ip: '127.0.0.1',
        },
      },
    },
  },
  {
    path: API_PATHS.batchuploadscf,
    operationId: 'batchUploadCloudFunction',
    summary: '创建云函数 — create a function in several envs',
    description: `Creates a function from a base64 zip (files at its root, at most 20 MB) in each env. ${BATCH_NOTE}`,
    parameters: TOKEN_PARAMETERS,
    request: {
      title: 'ScfCreateRequest',
      required: true,
      example: { functionname: 'getwxcode', envs: ['test-env-6gni9ity244a6ea3'], zipfile: 'UEsDBAoAAAAAA…' },
    },
    response: {
      title: ['ScfCreateSuccess', 'WechatError'],
      example: { errcode: 0, errmsg: 'ok', fail_env_list: [{ env: 'test-env2', errmsg: "can't find the env" }] },
    },
  },
  {
    path: API_PATHS.batchuploadscfcode,
    operationId: 'uploadCloudFunctionCode',
    summary: '更新云函数代码 — new code for a function in several envs',
    description: `Uploads new code for an existing function in each env; a failed update keeps the previous code. Failures are in fail_list with errormsg (sic). ${BATCH_NOTE}`,
    parameters: TOKEN_PARAMETERS,
    request: {
      title: 'ScfCodeRequest',
      required: true,
      example: { functionname: 'getwxcode', envs: ['test-env-6gni9ity244a6ea3'], zipfile: 'UEsDBAoAAAAAA…' },
    },
    response: { title: ['ScfCodeSuccess', 'WechatError'], example: { errcode: 0, errmsg: 'ok', fail_list: [] } },
  },
  {
    path: API_PATHS.updatescfconfig,
    operationId: 'uploadCloudFunctionConfig',
    summary: '更新云函数配置 — memory, timeout, variables and network of one function',
    description:
      'Changes the configuration of one function in one env: Updating, then Active with the new settings (or UpdateFailed, the old ones kept). getscflist does not show the configuration; GET /__mock/envs/:env/functions/:name does.',
    parameters: TOKEN_PARAMETERS,
    request: {
      title: 'ScfConfigRequest',
      required: true,
      example: {
        env: 'myttest-8gu57so0bd9f9e8a',
        functionname: 'testfunc1',
        memorysize: 512,
        timeout: 2,
        environment_variables: [{ key: 'test', value: 'true' }],
        public_net_config: { public_net_status: 'DISABLE', eip_status: 'DISABLE' },
        vpc_config: { vpcid: 'vpc-a9ejy7oi', subnetid: 'subnet-oqw8aqbd' },
      },
    },
    response: { title: ['LifecycleOkSuccess', 'WechatError'], example: { errcode: 0, errmsg: 'ok' } },
  },
  {
    path: API_PATHS.deletescf,
    operationId: 'deleteCloudFunction',
    summary: '删除云函数 — delete a function in one env',
    description: 'Deletes one function and its triggers: Deleting, then gone from getscflist (or DeleteFailed).',
    parameters: TOKEN_PARAMETERS,
    request: {
      title: 'ScfDeleteRequest',
      required: true,
      example: { functionname: 'getwxcode', env: 'test-env-6gni9ity244a6ea3' },
    },
    response: { title: ['LifecycleOkSuccess', 'WechatError'], example: { errcode: 0, errmsg: 'ok' } },
  },
  {
    path: API_PATHS.gettriggers,
    operationId: 'getTriggers',
    summary: '获取触发器 — the triggers of a function',
    description:
      'Lists the triggers of one function in one env. The field is funcname, not functionname; type comes back as "timer".',
    parameters: TOKEN_PARAMETERS,
    request: {
      title: 'TriggersGetRequest',
      required: true,
      example: { env: 'test-env-6gni9ity244a6ea3', funcname: 'getwxcode' },
    },
    response: {
      title: ['TriggersGetSuccess', 'WechatError'],
      example: {
        errcode: 0,
        errmsg: 'ok',
        triggers: [{ trigger_name: 'myTrigger', config: '0 0 2 1 * * *', type: 'timer' }],
      },
    },
  },
  {
    path: API_PATHS.batchupdatetriggers,
    operationId: 'updateTriggers',
    summary: '批量更新触发器 — set the timer trigger of a function in several envs',
    description: `Replaces the trigger list (at most one timer, type "Timer", config a 7-field cron in UTC+8) of a function in each env. ${BATCH_NOTE}`,
    parameters: TOKEN_PARAMETERS,
    request: {
      title: 'TriggersUpdateRequest',
      required: true,
      example: {
        funcname: 'getwxcode',
        envs: ['test-env-6gni9ity244a6ea3', 'test-env2'],
        triggers: [{ trigger_name: 'myTrigger', type: 'Timer', config: '0 0 2 1 * * *' }],
      },
    },
    response: {
      title: ['TriggersUpdateSuccess', 'WechatError'],
      example: { errcode: 0, errmsg: 'ok', err_list: [{ env: 'test-env2', errmsg: "can't find the env" }] },
    },
  },
];

/**
 * The OpenAPI 3.1 document of the endpoints this mock serves, built at run time from the
 * schemas/ files of the API (see toComponent) and from the error catalogue, so it cannot drift
 * from either.
 * @example JSON.stringify(buildOpenApi(), null, 2)
 */
export function buildOpenApi() {
  const api = SCHEMAS.filter((schema) => API_SCHEMA_FILES.includes(fileOf(schema).replace('.schema.json', '')));
  const titles = new Map(api.map((schema) => [fileOf(schema), schema.title]));
  const schemas = Object.fromEntries(api.map((schema) => [schema.title, toComponent(schema, titles)]));
  const ref = (title: string) => ({ $ref: `#/components/schemas/${title}` });
  const paths: Record<string, unknown> = {};
  for (const operation of OPERATIONS) {
    const codes = ENDPOINT_ERRCODES[operation.path];
    const errorRows = codes
      .map((errcode) => `| ${errcode} | ${ERROR_CODES[errcode].errmsg} | ${ERROR_CODES[errcode].when} |`)
      .join('\n');
    const errorExamples = Object.fromEntries(
      codes.map((errcode) => [
        `errcode${errcode}`,
        {
          summary: `${errcode} ${ERROR_CODES[errcode].errmsg}`,
          description: ERROR_CODES[errcode].when,
          value: { errcode: Number(errcode), errmsg: `${ERROR_CODES[errcode].errmsg} rid: ${EXAMPLE_RID}` },
        },
      ]),
    );
    const { request } = operation;
    paths[operation.path] = {
      post: {
        operationId: operation.operationId,
        summary: operation.summary,
        description: operation.description,
        parameters: operation.parameters,
        ...(request
          ? {
              requestBody: {
                required: request.required,
                content: {
                  'application/json': {
                    schema: request.title
                      ? ref(request.title)
                      : operation.path === API_PATHS.invokeCloudFunction
                        ? { description: 'The event: any JSON.' }
                        : { type: 'object' },
                    examples: { upstream: { value: request.example } },
                  },
                },
              },
            }
          : {}),
        responses: {
          '200': {
            description: `A success or a WeChat error (errcode != 0), both HTTP 200 with Content-Type application/json; encoding=utf-8.\n\n| errcode | errmsg | when |\n|---|---|---|\n${errorRows}`,
            content: {
              'application/json': {
                schema: Array.isArray(operation.response.title)
                  ? { oneOf: operation.response.title.map(ref) }
                  : ref(operation.response.title),
                examples: {
                  upstream: { summary: 'the upstream example', value: operation.response.example },
                  ...errorExamples,
                },
              },
            },
          },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'WeChat cloud development for third-party platforms (componenttcb), as served by wechat-scf-kit',
      version: VERSION,
      description: `The component and authorizer tokens, environments, cloud functions (listed and invoked) and rid lookup. Generated by wechat-scf-kit from its JSON Schemas. Every WeChat-level outcome is HTTP 200: a failure is errcode != 0 in the body, never an HTTP status. A path under ${API_PREFIXES.join(', ')} that is not listed here answers errcode ${UNKNOWN_PATH_ERRCODE} (${ERROR_CODES[UNKNOWN_PATH_ERRCODE].errmsg}); any other path HTTP 404.`,
    },
    servers: [{ url: 'https://api.weixin.qq.com', description: 'WeChat' }],
    paths,
    components: { schemas },
  };
}
