import type { ContractExpectation } from '../generated/schemas.js';
import { GETSCFLIST_PATH } from '../mock-server/getscflist.js';
import type { JournalEntry } from '../mock-server/journal.js';
import { redactToken } from '../mock-server/journal.js';
import { type RunningMock, startMockServer } from '../mock-server/server.js';
import { isGetScfListRequest, REQUEST_FIELDS } from '../mock-server/validation.js';
import { type CaseVariables, type LoadedCase, loadCases, stateFor, substitute } from './cases.js';
import { checkInvariant, checkWechatBody, readWechatAnswer } from './expectations.js';
import { sendRaw } from './http.js';
import { type CaseResult, redactResult, shorten } from './results.js';

/** What a client is given: where the API is, the token to use, and how long to wait for an answer. */
export interface ClientContext {
  /** Use in place of https://api.weixin.qq.com. */
  baseUrl: string;
  accessToken: string;
  /** Give up on an answer after this many milliseconds (a transport failure). */
  timeoutMs: number;
}

/** The parameters of one getCloudFunctionList call. */
export interface ClientParams {
  env: string;
  offset?: number;
  limit?: number;
  searchkey?: string;
}

/**
 * How a client call ended: resolved with a value, rejected (with a numeric errcode for a WeChat
 * failure), or broken: it never ended properly (hung, killed, could not be run).
 */
export type ClientOutcome =
  | { kind: 'resolved'; value: unknown; stderr?: string }
  | { kind: 'rejected'; errcode?: unknown; message: string; stderr?: string }
  | { kind: 'broken'; message: string; stderr?: string };

/** Calls a client once; the kit's side of the adapter. */
export type ClientInvoker = (context: ClientContext, params: ClientParams) => Promise<ClientOutcome>;

/**
 * The token the kit gives clients, and the env the cases' "$ENV" names.
 * @example CLIENT_VARIABLES.ENV // 'contract-env'
 */
export const CLIENT_VARIABLES: CaseVariables = { TOKEN: 'contract-token-0001', ENV: 'contract-env' };

const DEFAULTS: Record<string, unknown> = { offset: 0, limit: 20, searchkey: '' };

/** Checks what a client sent, from the mock's journal. */
function checkSent(requests: readonly JournalEntry[], params: ClientParams, token: string): string[] {
  if (requests.length === 0) return ['the client sent no request to the mock'];
  const problems: string[] = [];
  for (const [index, request] of requests.entries()) {
    const at = requests.length > 1 ? `request ${index + 1}: ` : '';
    if (request.method !== 'POST') problems.push(`${at}method ${request.method}, expected POST`);
    if (request.path !== GETSCFLIST_PATH) problems.push(`${at}path ${request.path}, expected ${GETSCFLIST_PATH}`);
    const sentToken = request.query.access_token;
    if (sentToken === undefined) problems.push(`${at}no access_token in the query string`);
    else if (sentToken !== redactToken(token))
      problems.push(`${at}access_token in the query is not the token the client was given`);
    if (!/^application\/json\b/i.test(request.content_type ?? '')) {
      problems.push(`${at}Content-Type ${JSON.stringify(request.content_type)}, expected application/json`);
    }
    let body: unknown;
    try {
      body = JSON.parse(request.body ?? '');
    } catch {
      problems.push(`${at}the body is not JSON: ${shorten(request.body, 120)}`);
      continue;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      problems.push(`${at}the body is ${shorten(body, 80)}, not a JSON object`);
      continue;
    }
    const fields = body as Record<string, unknown>;
    if ('access_token' in fields)
      problems.push(`${at}access_token is in the body; it belongs in the query string only`);
    for (const key of Object.keys(fields)) {
      if (!REQUEST_FIELDS.has(key) && key !== 'access_token')
        problems.push(`${at}the body has a field the API does not define: ${key}`);
    }
    if (!isGetScfListRequest(fields)) {
      const first = isGetScfListRequest.errors?.[0];
      problems.push(
        `${at}the body breaks the request schema: ${first?.instancePath.slice(1) || 'body'} ${first?.message}`,
      );
    }
    for (const key of REQUEST_FIELDS) {
      const given = (params as unknown as Record<string, unknown>)[key];
      if (given !== undefined && fields[key] !== given) {
        problems.push(`${at}${key} sent as ${JSON.stringify(fields[key])}, expected ${JSON.stringify(given)}`);
      } else if (given === undefined && key in fields && fields[key] !== DEFAULTS[key]) {
        problems.push(`${at}${key} sent as ${JSON.stringify(fields[key])} although the caller did not set it`);
      }
    }
  }
  return problems;
}

function describeTransport(expect: ContractExpectation): string {
  if (expect.transport === 'http-error') return `answered HTTP ${expect.http_status ?? 'error'} with an HTML page`;
  if (expect.transport === 'not-json') return 'answered a body that is not JSON';
  if (expect.transport === 'dropped') return 'closed the connection without an answer';
  return "did not answer within the client's timeout";
}

/** Checks how the client's call ended against what the server answered. */
async function checkOutcome(
  c: LoadedCase,
  outcome: Exclude<ClientOutcome, { kind: 'broken' }>,
  mock: RunningMock,
  sent: JournalEntry | undefined,
  token: string,
): Promise<string[]> {
  const { expect } = c;
  if (expect.transport) {
    if (outcome.kind === 'resolved') {
      return [`resolved with ${shorten(outcome.value, 160)} although the server ${describeTransport(expect)}`];
    }
    if (outcome.errcode !== undefined && outcome.errcode !== null) {
      return [
        `rejected with errcode ${JSON.stringify(outcome.errcode)}, but there was no WeChat answer: the server ${describeTransport(expect)}`,
      ];
    }
    return [];
  }
  if (expect.errcode !== 0) {
    if (outcome.kind === 'resolved') {
      return [
        `resolved with ${shorten(outcome.value, 160)} although the server answered errcode ${expect.errcode} (a WeChat failure is errcode != 0 in an HTTP 200 body)`,
      ];
    }
    if (typeof outcome.errcode !== 'number') {
      return outcome.errcode === undefined || outcome.errcode === null
        ? [`rejected without an errcode (${shorten(outcome.message, 120)}); expected errcode ${expect.errcode}`]
        : [
            `rejected with errcode ${JSON.stringify(outcome.errcode)}, a ${typeof outcome.errcode}; expected the number ${expect.errcode}`,
          ];
    }
    return outcome.errcode === expect.errcode
      ? []
      : [`rejected with errcode ${outcome.errcode}, expected ${expect.errcode}`];
  }
  if (outcome.kind === 'rejected')
    return [`rejected (${shorten(outcome.message, 160)}) although the server answered errcode 0`];
  const value = outcome.value as { total_count?: unknown; functions?: unknown } | null;
  if (value === null || typeof value !== 'object')
    return [`resolved with ${shorten(value, 120)}, not the response object`];
  const wire = { errcode: 0, errmsg: 'ok', total_count: value.total_count, functions: value.functions };
  const problems = checkWechatBody(expect, wire);
  // What the server sent: the same request again, now that any fault is used up.
  const postToMock = async (body: string) =>
    readWechatAnswer(
      await sendRaw(
        {
          method: 'POST',
          url: `${mock.url}${GETSCFLIST_PATH}?access_token=${encodeURIComponent(token)}`,
          headers: { 'Content-Type': 'application/json' },
          body,
        },
        10_000,
      ),
    );
  const again = sent?.body ? await postToMock(sent.body) : undefined;
  if (again && 'body' in again) {
    const server = again.body as { total_count: unknown; functions: unknown };
    if (JSON.stringify(server.total_count) !== JSON.stringify(value.total_count)) {
      problems.push(`total_count ${shorten(value.total_count, 40)}, but the server sent ${server.total_count}`);
    }
    if (JSON.stringify(server.functions) !== JSON.stringify(value.functions)) {
      problems.push(
        `functions differ from what the server sent: got ${shorten(value.functions, 200)}, sent ${shorten(server.functions, 200)}`,
      );
    }
    if (expect.invariant && problems.length === 0) {
      const request = JSON.parse(sent?.body ?? '{}');
      problems.push(
        ...(await checkInvariant(expect.invariant, request, wire, (body) => postToMock(JSON.stringify(body)))),
      );
    }
  }
  return problems;
}

async function journalled(mock: RunningMock, withinMs: number): Promise<void> {
  const until = Date.now() + withinMs;
  while (mock.journal.snapshot().requests.length === 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Runs one client case: arranges the mock, calls the client, and checks both what it sent
 * (from the journal) and what it returned.
 * @example await runClientCase(mock, clientCases(['GSL-PAGE-001'])[0], invoke, 1000)
 */
export async function runClientCase(
  mock: RunningMock,
  c: LoadedCase,
  invoke: ClientInvoker,
  timeoutMs: number,
): Promise<CaseResult> {
  const started = performance.now();
  const base = { id: c.id, title: c.title };
  if (!c.client) return { ...base, status: 'skip', reason: 'a server-only case', durationMs: 0 };
  const vars = CLIENT_VARIABLES;
  const { fault, ...data } = stateFor(c, vars);
  mock.store.replaceData(data);
  mock.faults.clear();
  if (fault) mock.faults.add(fault);
  mock.journal.clear();
  const params = substitute(c.client.params, vars) as ClientParams;
  const token = substitute(c.client.access_token ?? '$TOKEN', vars);

  const guardMs = timeoutMs + 10_000;
  let guard: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    invoke({ baseUrl: mock.url, accessToken: token, timeoutMs }, params).catch(
      (error: unknown): ClientOutcome => ({
        kind: 'rejected',
        message: `the invoker failed: ${(error as Error).message}`,
      }),
    ),
    new Promise<ClientOutcome>((resolve) => {
      guard = setTimeout(
        () =>
          resolve({
            kind: 'broken',
            message: `neither resolved nor rejected within ${guardMs} ms, although it was given a timeout of ${timeoutMs} ms`,
          }),
        guardMs,
      );
    }),
  ]);
  clearTimeout(guard);
  const problems: string[] = [];
  if (outcome.kind === 'broken') {
    problems.push(`the client ${outcome.message}`);
  } else {
    // A request the client gave up on is still in flight; wait for its answer so it is checked here, not in the next case.
    if (c.expect.transport === 'timeout') await journalled(mock, 10_000);
    const requests = mock.journal.snapshot().requests;
    problems.push(...checkSent(requests, params, token));
    problems.push(...(await checkOutcome(c, outcome, mock, requests.at(-1), token)));
  }
  const durationMs = Math.round(performance.now() - started);
  const actual =
    outcome.kind === 'resolved'
      ? `resolved ${shorten(outcome.value, 300)}`
      : outcome.kind === 'broken'
        ? `no result: ${outcome.message}`
        : `rejected${outcome.errcode !== undefined ? ` errcode ${JSON.stringify(outcome.errcode)}` : ''}: ${shorten(outcome.message, 200)}`;
  const result: CaseResult =
    problems.length === 0
      ? { ...base, status: 'pass', durationMs }
      : {
          ...base,
          status: 'fail',
          problems,
          actual,
          durationMs,
          ...(outcome.stderr ? { stderr: outcome.stderr } : {}),
        };
  return redactResult(result, [token]);
}

/**
 * The shipped cases that apply to clients.
 * @example clientCases(['GSL-PAGE-001', 'GSL-ERR-004']).length // 2
 */
export function clientCases(ids?: readonly string[]): LoadedCase[] {
  return loadCases().filter((c) => c.client && (!ids || ids.includes(c.id)));
}

/** Options of runClientContract. */
export interface ClientContractOptions {
  /** Only these case ids. */
  cases?: string[];
  /** The timeout the client is given (default 1000 ms); the slow-answer case answers after 2500 ms. */
  timeoutMs?: number;
  /** Called after each case, e.g. to print progress. */
  onResult?: (result: CaseResult) => void;
}

/**
 * Starts a mock on port 0, runs every client case through the invoker, and stops the mock.
 * @example
 * const results = await runClientContract(async ({ baseUrl, accessToken }, params) => ({ kind: 'resolved', value: await myClient(baseUrl, accessToken).list(params) }));
 */
export async function runClientContract(
  invoke: ClientInvoker,
  options: ClientContractOptions = {},
): Promise<CaseResult[]> {
  const mock = await startMockServer({ data: {}, rid: true });
  try {
    const results: CaseResult[] = [];
    for (const c of clientCases(options.cases)) {
      const result = await runClientCase(mock, c, invoke, options.timeoutMs ?? 1000);
      options.onResult?.(result);
      results.push(result);
    }
    return results;
  } finally {
    await mock.close();
  }
}
