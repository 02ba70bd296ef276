// The client kit's invoke cases (opt-in): a client that gets an authorizer token and calls a cloud function with invokecloudfunction.
import { createHash } from 'node:crypto';
import type { FunctionScript, MockFault } from '../../generated/schemas.js';
import { API_PATHS, AUTHORIZER_TOKEN_EXPIRES_S, TOKEN_OVERLAP_S } from '../../mock-server/api-facts.js';
import { type RunningMock, startMockServer } from '../../mock-server/server.js';
import type { JournalEntry } from '../../mock-server/state/journal.js';
import { type CaseResult, shorten } from '../results.js';
import type { AuthorizerCredentials, ClientInvoker, ClientOutcome, ClientParams } from './adapter.js';

/** The parameters of one invokecloudfunction call: the env and function to call, and the event to send. */
export interface InvokeParams {
  env: string;
  name: string;
  /** The function's event: any JSON, sent as the request body. */
  event: unknown;
}

/** What a client is given in an invoke case: where the API is, its timeout, and what gets it an authorizer token. */
export interface InvokeContext {
  baseUrl: string;
  timeoutMs: number;
  authorizer: AuthorizerCredentials;
}

/** Calls a client once; the signal aborts a call the kit gave up on. */
export type InvokeCall = (context: InvokeContext, params: InvokeParams, signal: AbortSignal) => Promise<ClientOutcome>;

/**
 * Turns a client invoker into what the invoke cases call: no access token in the context, the
 * authorizer's credentials instead (for a program: WECHAT_COMPONENT_APPID,
 * WECHAT_COMPONENT_ACCESS_TOKEN, WECHAT_AUTHORIZER_APPID and WECHAT_AUTHORIZER_REFRESH_TOKEN), and
 * `{"env", "name", "event"}` as the parameters.
 * @example await runInvokeContract(invokeCall(processClient('node', ['examples/invoke-client/main.mjs'])))
 */
export function invokeCall(invoke: ClientInvoker): InvokeCall {
  return (context, params, signal) =>
    invoke(
      { baseUrl: context.baseUrl, accessToken: '', timeoutMs: context.timeoutMs, authorizer: context.authorizer },
      // An invoker passes the parameters on as they are (a program gets them as JSON on stdin; a
      // client object's invokeCloudFunction gets them whole): they are the invoke call's, not getscflist's.
      params as unknown as ClientParams,
      signal,
    );
}

/** What one call must end in: a result equal to this value, a WeChat failure with this errcode, or any failure. */
type Expected = { result: unknown } | { errcode: number } | { failure: readonly number[] };

type Step =
  | { call: InvokeParams; expect: Expected }
  | { advance_s: number }
  | { another_process_refreshes: true }
  | { fault: MockFault };

/** One invoke case. */
export interface InvokeCase {
  id: string;
  title: string;
  steps: Step[];
  /** The refresh token the client is given differs from the authorizer's. */
  staleRefreshToken?: true;
  /** api_authorizer_token requests the client sends in all. */
  authorizerTokenRequests: number;
  /** invokecloudfunction requests the client sends in all. */
  invokeRequests: number;
}

const ENV = 'invoke-env';
const FUNCTIONS: Record<string, FunctionScript> = {
  'get-order': { result: { order: '$event.id', paid: true, event: '$event' } },
  'say-text': { result: 'plain text, JSON-encoded as a string' },
  'returns-null': { result: null },
  throws: { error: 'TypeError: cannot read properties of undefined' },
  'too-slow': { delay_ms: 6000 },
};
const ORDER = { id: 'A-1001', items: [{ sku: 'tea', n: 2 }], note: '中文 and "quotes"' };
const call = (name: string, event: unknown, expect: Expected): Step => ({ call: { env: ENV, name, event }, expect });
const order = (id = ORDER.id): Step =>
  call('get-order', { ...ORDER, id }, { result: { order: id, paid: true, event: { ...ORDER, id } } });

/**
 * The invoke cases (opt-in: `verify-client --invoke`, or `invokeCloudFunction` in
 * describeClientContract). The client gets an authorizer_access_token from api_authorizer_token
 * with the component token and the authorizer's refresh token, caches it, sends env and name in the
 * query and the event as the body, surfaces resp_data decoded as the function's result and
 * -504002 and the time limit as failures, and on 40001 or 42001 refreshes the authorizer token
 * once and retries once.
 * @example INVOKE_CASES.map((c) => c.id) // ['GSL-CALLFN-001', …]
 */
export const INVOKE_CASES: readonly InvokeCase[] = [
  {
    id: 'GSL-CALLFN-001',
    title: 'the event goes as the body, env and name in the query, and resp_data comes back decoded',
    steps: [order()],
    authorizerTokenRequests: 1,
    invokeRequests: 1,
  },
  {
    id: 'GSL-CALLFN-002',
    title: 'a result that is a string, or null, is decoded from resp_data too',
    steps: [
      call('say-text', {}, { result: 'plain text, JSON-encoded as a string' }),
      call('returns-null', { any: 'thing' }, { result: null }),
    ],
    authorizerTokenRequests: 1,
    invokeRequests: 2,
  },
  {
    id: 'GSL-CALLFN-003',
    title: 'the authorizer token is fetched once and reused for every call',
    steps: [order('A-1'), order('A-2'), order('A-3')],
    authorizerTokenRequests: 1,
    invokeRequests: 3,
  },
  {
    id: 'GSL-CALLFN-004',
    title: 'a function that throws (-504002) is surfaced as a failure, not retried',
    steps: [call('throws', { id: 'A-1' }, { errcode: -504002 })],
    authorizerTokenRequests: 1,
    invokeRequests: 1,
  },
  {
    id: 'GSL-CALLFN-005',
    title: "a function past the 5-second limit is surfaced as a failure (-504003, or the client's own timeout)",
    steps: [call('too-slow', { id: 'A-1' }, { failure: [-504003] })],
    authorizerTokenRequests: 1,
    invokeRequests: 1,
  },
  {
    id: 'GSL-CALLFN-006',
    title: 'an authorizer token expired on the clock (42001) is refreshed once and the call retried once',
    steps: [order('A-1'), { advance_s: AUTHORIZER_TOKEN_EXPIRES_S }, order('A-2')],
    authorizerTokenRequests: 2,
    invokeRequests: 3,
  },
  {
    id: 'GSL-CALLFN-007',
    title: 'an authorizer token superseded by another process (40001) is refreshed once and the call retried once',
    steps: [order('A-1'), { another_process_refreshes: true }, { advance_s: TOKEN_OVERLAP_S + 1 }, order('A-2')],
    authorizerTokenRequests: 2,
    invokeRequests: 3,
  },
  {
    id: 'GSL-CALLFN-008',
    title: 'a fresh authorizer token refused again with 42001 is surfaced after one retry, not looped on',
    steps: [
      { fault: { errcode: 42001, path: API_PATHS.invokeCloudFunction, times: 50 } },
      call('get-order', ORDER, { errcode: 42001 }),
    ],
    authorizerTokenRequests: 2,
    invokeRequests: 2,
  },
  {
    id: 'GSL-CALLFN-009',
    title: 'a refresh token the server refuses (61023) is surfaced, and no function is called',
    steps: [call('get-order', ORDER, { errcode: 61023 })],
    staleRefreshToken: true,
    authorizerTokenRequests: 1,
    invokeRequests: 0,
  },
  {
    id: 'GSL-CALLFN-010',
    title: 'an error that is not about the token (-501009, no such function) is surfaced without a new token',
    steps: [call('no-such-function', ORDER, { errcode: -501009 })],
    authorizerTokenRequests: 1,
    invokeRequests: 1,
  },
];

/**
 * The credentials of a case: another component and authorizer per case, so a token cached by an
 * earlier case (in memory or on disk) is never one this case's mock issued.
 * @example invokeCredentialsFor(INVOKE_CASES[0]).appid // 'wxinvokeauth0001'
 */
export function invokeCredentialsFor(c: InvokeCase): AuthorizerCredentials {
  const n = c.id.slice(-3);
  return {
    componentAppid: `wxinvokecomp0${n}`,
    componentAccessToken: `invoke-component-token-${n}`,
    appid: `wxinvokeauth0${n}`,
    refreshToken: `refreshtoken@@@invoke-${n}`,
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Errcodes the mock answers before it reads env, name and the event (a fault's included). */
const TOKEN_REFUSALS: readonly number[] = [41001, 40001, 40014, 42001, 85088];

function describeOutcome(outcome: ClientOutcome): string {
  // JSON text, so a string result (resp_data left undecoded) shows its quotes.
  if (outcome.kind === 'result') return `the result ${shorten(JSON.stringify(outcome.value) ?? 'undefined', 160)}`;
  if (outcome.kind === 'wechat-failure') return `the WeChat failure errcode ${String(outcome.errcode)}`;
  if (outcome.kind === 'transport-failure') return `a transport failure (${outcome.message})`;
  return `no usable answer (${outcome.message})`;
}

function describeExpected(expected: Expected): string {
  if ('result' in expected) return `the result ${shorten(JSON.stringify(expected.result), 160)} (resp_data decoded)`;
  if ('errcode' in expected) return `the WeChat failure errcode ${expected.errcode}`;
  return `a failure (errcode ${expected.failure.join(' or ')}, or a transport failure)`;
}

function matches(outcome: ClientOutcome, expected: Expected): boolean {
  if ('result' in expected)
    return outcome.kind === 'result' && JSON.stringify(outcome.value) === JSON.stringify(expected.result);
  if ('errcode' in expected) return outcome.kind === 'wechat-failure' && outcome.errcode === expected.errcode;
  return (
    outcome.kind === 'transport-failure' ||
    (outcome.kind === 'wechat-failure' && expected.failure.includes(outcome.errcode as number))
  );
}

/** What the client sent, read from the mock's journal once the case is over. */
function checkRequests(c: InvokeCase, mock: RunningMock, entries: readonly JournalEntry[], calls: InvokeParams[]) {
  const problems: string[] = [];
  const tokens = entries.filter((e) => e.path === API_PATHS.authorizerToken);
  const invokes = entries.filter((e) => e.path === API_PATHS.invokeCloudFunction);
  if (tokens.length !== c.authorizerTokenRequests) {
    problems.push(
      `the client sent ${tokens.length} api_authorizer_token requests, expected ${c.authorizerTokenRequests}${tokens.length > c.authorizerTokenRequests ? ' (it fetches a token it already has, or retries a refusal)' : ''}`,
    );
  }
  if (invokes.length !== c.invokeRequests) {
    const loop =
      invokes.length > c.invokeRequests
        ? ' (a refused token must be refreshed and the call retried once, then surfaced)'
        : '';
    problems.push(
      `the client sent ${invokes.length} invokecloudfunction requests, expected ${c.invokeRequests}${loop}`,
    );
  }
  const issued = new Set(mock.authorizers.list().issued.map((t) => sha256(t.authorizer_access_token)));
  let latest: string | undefined;
  for (const entry of entries) {
    // The journal keeps an issued token cut, and its hash whole.
    if (entry.path === API_PATHS.authorizerToken && entry.errcode === 0 && entry.issued_token_sha256) {
      latest = entry.issued_token_sha256;
    }
    if (entry.path !== API_PATHS.invokeCloudFunction) continue;
    const at = `invokecloudfunction request ${entry.seq}`;
    if (entry.method !== 'POST') problems.push(`${at} was ${entry.method}, not POST`);
    if (!entry.access_token_sha256) problems.push(`${at} carried no access_token in the query string`);
    else if (!issued.has(entry.access_token_sha256))
      problems.push(`${at} carried a token api_authorizer_token never issued (give it the authorizer_access_token)`);
    else if (entry.access_token_sha256 !== latest)
      problems.push(`${at} carried an older authorizer token than the one the client last fetched`);
    const sent = entry.invocation;
    if (!sent) {
      // A token refused is answered before the event is read; anything else means env, name or the event went astray.
      if (!TOKEN_REFUSALS.includes(entry.errcode ?? 0))
        problems.push(`${at} was not read as an invocation: ${entry.reason ?? 'no env, name or JSON event'}`);
      continue;
    }
    const asked = calls.filter((one) => one.env === sent.env && one.name === sent.name);
    if (asked.length === 0)
      problems.push(`${at} called ${sent.env}/${sent.name}, which no call asked for (env and name go in the query)`);
    else if (!asked.some((one) => JSON.stringify(one.event) === JSON.stringify(sent.event)))
      problems.push(
        `${at} sent the event ${shorten(sent.event, 160)}, expected ${shorten(asked[0].event, 160)} as the body`,
      );
  }
  for (const entry of tokens) {
    const body = entry.body ?? '';
    for (const field of ['component_appid', 'authorizer_appid', 'authorizer_refresh_token'])
      if (!body.includes(`"${field}"`))
        problems.push(`api_authorizer_token request ${entry.seq} has no ${field} in its body`);
  }
  return problems;
}

/** Options of runInvokeCase and runInvokeContract. */
export interface InvokeOptions {
  /** The timeout the client is given (default 1000 ms). */
  timeoutMs?: number;
}

/**
 * Runs one invoke case on a mock of its own: arranges the component, its authorizer and the env's
 * functions, runs the steps (client calls, the clock, another process refreshing, faults), and
 * checks the outcomes and every request the client sent.
 * @example await runInvokeCase(INVOKE_CASES[0], invokeCall(invoker))
 */
export async function runInvokeCase(
  c: InvokeCase,
  invoke: InvokeCall,
  options: InvokeOptions = {},
): Promise<CaseResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 1000;
  const credentials = invokeCredentialsFor(c);
  const given = c.staleRefreshToken
    ? { ...credentials, refreshToken: `${credentials.refreshToken}-stale` }
    : credentials;
  const mock = await startMockServer({
    data: {
      // The component token is a listed one: it never expires, so a case's clock ages only the authorizer token.
      tokens: { [credentials.componentAccessToken]: 'valid' },
      components: {
        [credentials.componentAppid]: {
          secret: 'invoke-secret',
          authorizers: { [credentials.appid]: { refresh_token: credentials.refreshToken, envs: [ENV] } },
        },
      },
      envs: {
        [ENV]: {
          functions: Object.keys(FUNCTIONS).map((name) => ({ name, status: 'Active' as const })),
          scripts: FUNCTIONS,
        },
      },
    },
  });
  const problems: string[] = [];
  const calls: InvokeParams[] = [];
  let stderr: string | undefined;
  try {
    for (const [index, step] of c.steps.entries()) {
      if ('advance_s' in step) mock.clock.advance(step.advance_s);
      if ('fault' in step) mock.faults.add(step.fault);
      if ('another_process_refreshes' in step) {
        mock.authorizers.issue({
          component_appid: credentials.componentAppid,
          authorizer_appid: credentials.appid,
          authorizer_refresh_token: credentials.refreshToken,
        });
      }
      if (!('call' in step)) continue;
      calls.push(step.call);
      const limitMs = 10 * timeoutMs + 10_000;
      const signal = AbortSignal.timeout(limitMs);
      const outcome = await Promise.race([
        invoke({ baseUrl: mock.url, timeoutMs, authorizer: given }, step.call, signal),
        new Promise<ClientOutcome>((resolve) =>
          signal.addEventListener('abort', () =>
            resolve({ kind: 'broken', message: `did not end within ${limitMs} ms (a refresh or retry loop?)` }),
          ),
        ),
      ]);
      if (outcome.stderr) stderr = outcome.stderr;
      if (!matches(outcome, step.expect)) {
        problems.push(
          `call ${index + 1}: the client gave ${describeOutcome(outcome)}, expected ${describeExpected(step.expect)}`,
        );
        break;
      }
    }
    // A request the client gave up on is recorded once the mock notices: wait for it (briefly).
    for (let waited = 0; mock.journal.snapshot().next < mock.journal.lastSeq && waited < 2000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    problems.push(...checkRequests(c, mock, mock.journal.snapshot().requests, calls));
  } finally {
    await mock.close();
  }
  const durationMs = Math.round(performance.now() - started);
  const base = { id: c.id, title: c.title, durationMs };
  return problems.length === 0
    ? { ...base, status: 'pass' }
    : { ...base, status: 'fail', problems, ...(stderr ? { stderr } : {}) };
}

/**
 * Runs every invoke case (or those named) against a client, one after another.
 * @example const results = await runInvokeContract(invokeCall(invoker), { timeoutMs: 1000 });
 */
export async function runInvokeContract(
  invoke: InvokeCall,
  options: InvokeOptions & { cases?: readonly string[]; onResult?: (result: CaseResult) => void } = {},
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of INVOKE_CASES) {
    if (options.cases && !options.cases.includes(c.id)) continue;
    const result = await runInvokeCase(c, invoke, options);
    options.onResult?.(result);
    results.push(result);
  }
  return results;
}
