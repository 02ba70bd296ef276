// vitest is an optional peer: loaded here so that the rest of wechat-scf-kit/contracts works without it.
const vitest = await import('vitest').catch(() => undefined);

import { type RunningMock, startMockServer } from '../../mock-server/server.js';
import { formatFailure } from '../report.js';
import type { ClientContext, ClientInvoker, ClientParams } from './adapter.js';
import { clientCases } from './call-plan.js';
import {
  DEPLOY_CASES,
  DEPLOY_DEFAULTS,
  type DeployParams,
  deployCall,
  deployLimitMs,
  runDeployCase,
} from './deploy-client.js';
import { INVOKE_CASES, type InvokeParams, invokeCall, runInvokeCase } from './invoke-client.js';
import { clientTimings } from './timing.js';
import { LIFECYCLE_CASES, lifecycleCall, runLifecycleCase } from './token-lifecycle.js';
import { runClientCase } from './verify-client.js';

/** A client under test: its methods resolve with the response in wire shape or reject. */
export interface ContractClient {
  /**
   * Resolves with `{ total_count, functions, … }` as WeChat sent it, or rejects with an error
   * carrying a numeric `errcode` and the server's `errmsg` (a WeChat failure) or no errcode (a
   * transport failure).
   */
  getCloudFunctionList?(params: ClientParams): Promise<unknown>;
  /**
   * Only for the invoke cases: calls a cloud function with the authorizer's token and resolves with
   * its result (resp_data decoded), or rejects as getCloudFunctionList does.
   */
  invokeCloudFunction?(params: InvokeParams): Promise<unknown>;
  /**
   * Only for the deploy cases: makes one deployment (`{ action, name, envs | env, zipfile }`), polls
   * getscflist until it is done, and resolves with `{ <env>: <env outcome>, … }` (what a program
   * prints under `result`), or rejects with a numeric `errcode` and `errmsg` (a WeChat failure) or
   * without (a transport failure, or polling past the deploy timeout).
   */
  deployFunction?(params: DeployParams): Promise<unknown>;
}

/** Options of describeClientContract. */
export interface DescribeClientContractOptions {
  /**
   * Builds a client: point it at baseUrl, give it accessToken, and make it give up after
   * timeoutMs. Within a case, calls with the same context reach the same client object, so a
   * cache kept in the object is exercised.
   */
  createClient: (context: ClientContext) => ContractClient;
  /** Only these case ids. */
  cases?: string[];
  /** The timeout the client is given (default 1000 ms); the slow answers are derived from it. */
  timeoutMs?: number;
  /** Warnings (null optionals, no JSON Content-Type) fail the case. */
  strict?: boolean;
  /**
   * Also run the token-lifecycle cases (GSL-LIFE-*): createClient then gets `component`
   * (appid, secret, ticket) and an empty accessToken, and the client must get its own token,
   * cache it, and on 40001 or 42001 fetch a new one once and retry once. Default false.
   */
  tokenLifecycle?: boolean;
  /**
   * Run the invoke cases (GSL-CALLFN-*) in place of the getCloudFunctionList ones: createClient then gets `authorizer`
   * (componentAppid, componentAccessToken, appid, refreshToken) and an empty accessToken, and the
   * client's invokeCloudFunction({ env, name, event }) must get the authorizer token from
   * api_authorizer_token, cache it, resolve with resp_data decoded, and on 40001 or 42001 fetch a new
   * one once and retry once. Default false.
   */
  invokeCloudFunction?: boolean;
  /**
   * Run the deploy cases (GSL-DEPLOY-*) in place of the getCloudFunctionList ones: createClient then
   * also gets `deploy` ({ pollIntervalMs, deployTimeoutMs }), and the client's deployFunction(params)
   * must make the call, report per-env failures from its list, and poll getscflist (the interval
   * apart, by exact name, past the first page) until the function leaves Creating/Updating/Deleting.
   * Default false.
   */
  deployFunctions?: boolean;
  /** For the deploy cases: the wait between two polls of an env the client is given (default 200 ms). */
  pollIntervalMs?: number;
}

/**
 * Turns a client object into the kit's invoker: resolution is a result, rejection with a
 * numeric errcode a WeChat failure, any other rejection a transport failure. One client object
 * per context within a case.
 * @example await runClientContract(clientInvoker((ctx) => createMyClient(ctx)))
 */
export function clientInvoker(createClient: DescribeClientContractOptions['createClient']): ClientInvoker {
  let clients = new Map<string, ContractClient>();
  const invoke: ClientInvoker = async (context, params) => {
    // A ticket WeChat pushed reaches a long-lived program as new configuration: a new client object.
    const key = JSON.stringify([
      context.baseUrl,
      context.accessToken,
      context.timeoutMs,
      context.component?.appid,
      context.component?.ticket,
      context.authorizer?.appid,
      context.deploy?.pollIntervalMs,
      context.deploy?.deployTimeoutMs,
    ]);
    let client = clients.get(key);
    if (!client) {
      client = createClient(context);
      clients.set(key, client);
    }
    try {
      if (context.deploy) {
        if (!client.deployFunction) {
          return { kind: 'broken', message: 'has no deployFunction method, which the deploy cases call' };
        }
        return { kind: 'result', value: await client.deployFunction(params as unknown as DeployParams) };
      }
      if (context.authorizer) {
        if (!client.invokeCloudFunction) {
          return { kind: 'broken', message: 'has no invokeCloudFunction method, which the invoke cases call' };
        }
        return { kind: 'result', value: await client.invokeCloudFunction(params as unknown as InvokeParams) };
      }
      if (!client.getCloudFunctionList) {
        return { kind: 'broken', message: 'has no getCloudFunctionList method, which these cases call' };
      }
      return { kind: 'result', value: await client.getCloudFunctionList(params) };
    } catch (error) {
      const failure = (error ?? {}) as { errcode?: unknown; errmsg?: unknown };
      const message = error instanceof Error ? error.message : String(error);
      if (failure.errcode === undefined || failure.errcode === null) return { kind: 'transport-failure', message };
      return {
        kind: 'wechat-failure',
        errcode: failure.errcode,
        message,
        ...(failure.errmsg !== undefined ? { errmsg: failure.errmsg } : {}),
      };
    }
  };
  invoke.startCase = () => {
    clients = new Map();
  };
  return invoke;
}

/**
 * Declares one vitest test per client contract case: a mock on port 0 is started for the
 * suite, each case arranges it, calls your client (several times in some cases), and checks what
 * it sent and returned.
 * @example
 * import { describeClientContract } from 'wechat-scf-kit/contracts';
 * describeClientContract('my client', {
 *   createClient: ({ baseUrl, accessToken, timeoutMs }) => new MyClient({ baseUrl, accessToken, timeoutMs }),
 * });
 */
export function describeClientContract(name: string, options: DescribeClientContractOptions): void {
  if (!vitest) throw new Error('describeClientContract runs inside vitest: npm install --save-dev vitest');
  const { afterAll, beforeAll, describe, it } = vitest;
  const timeoutMs = options.timeoutMs ?? 1000;
  const invoke = clientInvoker(options.createClient);
  if (options.deployFunctions) {
    // A client that deploys is checked on its own: each case starts a mock of its own.
    describe(`${name}: deploying client contract`, () => {
      const call = deployCall(invoke);
      const pollIntervalMs = options.pollIntervalMs ?? DEPLOY_DEFAULTS.pollIntervalMs;
      for (const c of DEPLOY_CASES) {
        if (options.cases && !options.cases.includes(c.id)) continue;
        const limit = deployLimitMs(c.deployTimeoutMs ?? DEPLOY_DEFAULTS.deployTimeoutMs, timeoutMs);
        it(`${c.id} ${c.title}`, { timeout: limit + 20_000 }, async () => {
          invoke.startCase?.();
          const result = await runDeployCase(c, call, { timeoutMs, pollIntervalMs });
          if (result.status === 'fail') throw new Error(formatFailure(result).join('\n'));
        });
      }
    });
    return;
  }
  if (options.invokeCloudFunction) {
    // A client that calls functions is checked on its own: each case starts a mock of its own.
    describe(`${name}: invokecloudfunction client contract`, () => {
      const call = invokeCall(invoke);
      for (const c of INVOKE_CASES) {
        if (options.cases && !options.cases.includes(c.id)) continue;
        const calls = c.steps.filter((step) => 'call' in step).length;
        it(`${c.id} ${c.title}`, { timeout: calls * (10 * timeoutMs + 10_000) + 20_000 }, async () => {
          invoke.startCase?.();
          const result = await runInvokeCase(c, call, { timeoutMs });
          if (result.status === 'fail') throw new Error(formatFailure(result).join('\n'));
        });
      }
    });
    return;
  }
  describe(`${name}: getCloudFunctionList client contract`, () => {
    let mock: RunningMock;
    beforeAll(async () => {
      mock = await startMockServer({ data: {} });
    });
    afterAll(async () => {
      await mock?.close();
    });
    for (const c of clientCases(options.cases)) {
      const calls = 1 + (c.client?.then?.length ?? 0);
      it(`${c.id} ${c.title}`, { timeout: calls * clientTimings(timeoutMs).callLimitMs + 20_000 }, async () => {
        const result = await runClientCase(mock, c, invoke, { timeoutMs, strict: options.strict });
        if (result.status === 'fail') throw new Error(formatFailure(result).join('\n'));
        for (const warning of result.warnings ?? []) console.warn(`${c.id} warning: ${warning}`);
      });
    }
    if (options.tokenLifecycle) {
      const call = lifecycleCall(invoke);
      for (const c of LIFECYCLE_CASES) {
        if (options.cases && !options.cases.includes(c.id)) continue;
        const calls = c.steps.filter((step) => 'call' in step).length;
        it(`${c.id} ${c.title}`, { timeout: calls * (10 * timeoutMs + 10_000) + 20_000 }, async () => {
          invoke.startCase?.();
          const result = await runLifecycleCase(c, call, { timeoutMs });
          if (result.status === 'fail') throw new Error(formatFailure(result).join('\n'));
        });
      }
    }
  });
}
