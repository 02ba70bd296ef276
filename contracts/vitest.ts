// vitest is an optional peer: loaded here so that the rest of wechat-scf-kit/contracts works without it.
const vitest = await import('vitest').catch(() => undefined);

import { type RunningMock, startMockServer } from '../mock-server/server.js';
import { formatFailure } from './report.js';
import {
  type ClientContext,
  type ClientInvoker,
  type ClientParams,
  clientCases,
  runClientCase,
} from './verify-client.js';

/** A client under test: one method, resolving with the response in wire shape or rejecting. */
export interface ContractClient {
  /**
   * Resolves with `{ total_count, functions, … }` as WeChat sent it, or rejects with an error
   * carrying a numeric `errcode` (a WeChat failure) or none (a transport failure).
   */
  getCloudFunctionList(params: ClientParams): Promise<unknown>;
}

/** Options of describeClientContract. */
export interface DescribeClientContractOptions {
  /** Builds the client for one case: point it at baseUrl, give it accessToken, and make it give up after timeoutMs. */
  createClient: (context: ClientContext) => ContractClient;
  /** Only these case ids. */
  cases?: string[];
  /** The timeout the client is given (default 1000 ms). */
  timeoutMs?: number;
}

/**
 * Turns a client object into the kit's invoker: resolution, or rejection with its errcode.
 * @example await runClientContract(clientInvoker((ctx) => createMyClient(ctx)))
 */
export function clientInvoker(createClient: DescribeClientContractOptions['createClient']): ClientInvoker {
  return async (context, params) => {
    try {
      return { kind: 'resolved', value: await createClient(context).getCloudFunctionList(params) };
    } catch (error) {
      const errcode = (error as { errcode?: unknown } | null)?.errcode;
      return { kind: 'rejected', errcode, message: error instanceof Error ? error.message : String(error) };
    }
  };
}

/**
 * Declares one vitest test per client contract case: a mock on port 0 is started for the
 * suite, each case arranges it, calls your client, and checks what it sent and returned.
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
  describe(`${name}: getCloudFunctionList client contract`, () => {
    let mock: RunningMock;
    beforeAll(async () => {
      mock = await startMockServer({ data: {} });
    });
    afterAll(async () => {
      await mock?.close();
    });
    for (const c of clientCases(options.cases)) {
      it(`${c.id} ${c.title}`, { timeout: timeoutMs + 20_000 }, async () => {
        const result = await runClientCase(mock, c, invoke, timeoutMs);
        if (result.status === 'fail') throw new Error(formatFailure(result).join('\n'));
      });
    }
  });
}
