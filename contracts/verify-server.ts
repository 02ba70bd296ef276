import type { ContractCall, GetScfListRequest } from '../generated/schemas.js';
import { GETSCFLIST_PATH } from '../mock-server/getscflist.js';
import { isLoopback } from '../mock-server/server.js';
import { type CaseVariables, isPortable, type LoadedCase, loadCases, stateFor, substitute } from './cases.js';
import { checkInvariant, checkWechatBody, readWechatAnswer } from './expectations.js';
import { type RawRequest, type RawResponse, sendRaw, toCurl } from './http.js';
import { type CaseResult, redactResult, shorten } from './results.js';
import { verifyFlows } from './verify-flows.js';

/** Options of verifyServer. */
export interface VerifyServerOptions {
  /** The server, e.g. http://127.0.0.1:4020 or https://api.weixin.qq.com. */
  baseUrl: string;
  /** A token the server accepts. Needed for a server without the control API. */
  accessToken?: string;
  /** An env on the server. Needed for a server without the control API. */
  env?: string;
  /** Only these case ids. */
  cases?: string[];
  /** Most requests sent in all (default: 60 to a server that is not on loopback, no limit on loopback). */
  maxRequests?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
}

/** What a server verification found. */
export interface ServerVerification {
  /** False when the server did not answer at all (then no case ran). */
  reachable: boolean;
  unreachableBecause?: string;
  control: boolean;
  results: CaseResult[];
  requestsSent: number;
}

class Budget {
  sent = 0;
  constructor(readonly limit: number) {}
  take(): boolean {
    if (this.sent >= this.limit) return false;
    this.sent += 1;
    return true;
  }
}

function buildRequest(baseUrl: string, call: ContractCall): RawRequest {
  const url = new URL(GETSCFLIST_PATH, baseUrl);
  for (const [key, value] of Object.entries(call.query ?? {})) url.searchParams.set(key, value);
  const body = call.raw_body ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
  const headers: Record<string, string> = {};
  if (call.content_type ?? body !== undefined) headers['Content-Type'] = call.content_type ?? 'application/json';
  return { method: call.method ?? 'POST', url: url.toString(), headers, body };
}

function describeAnswer(res: RawResponse): string {
  return res.kind === 'error' ? `no answer (${res.message})` : `HTTP ${res.status} ${shorten(res.text, 300)}`;
}

/** Checks the answer to a case's call; may fetch more pages for an invariant. */
async function checkAnswer(
  c: LoadedCase,
  res: RawResponse,
  sent: RawRequest,
  fetchRaw: (body: string) => Promise<RawResponse>,
): Promise<string[]> {
  const { expect } = c;
  if (expect.transport === 'dropped')
    return res.kind === 'error' ? [] : [`expected the connection to drop, got ${describeAnswer(res)}`];
  if (res.kind === 'error') return [`no answer: ${res.message}`];
  if (expect.transport === 'http-error') {
    const wanted = expect.http_status;
    return (wanted ? res.status === wanted : res.status >= 400)
      ? []
      : [`HTTP ${res.status}, expected ${wanted ?? 'an HTTP error'}`];
  }
  if (expect.transport === 'not-json') {
    if (res.status !== 200) return [`HTTP ${res.status}, expected 200 with a broken body`];
    try {
      JSON.parse(res.text);
      return ['the body is valid JSON, expected a broken one'];
    } catch {
      return [];
    }
  }
  if (res.status !== 200) {
    return [
      `HTTP ${res.status}, expected 200: WeChat answers every outcome, errors included, with HTTP 200 and an errcode`,
    ];
  }
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return [`the body is not JSON: ${shorten(res.text, 120)}`];
  }
  const problems = checkWechatBody(expect, body);
  if (problems.length === 0 && expect.invariant) {
    const request = JSON.parse(sent.body ?? '{}') as GetScfListRequest;
    const fetchPage = async (next: GetScfListRequest) => readWechatAnswer(await fetchRaw(JSON.stringify(next)));
    problems.push(...(await checkInvariant(expect.invariant, request, body, fetchPage)));
  }
  return problems;
}

/** Asks GET /__mock/health: an answer at all says the server is there, {"status":"ok"} that it has the control API. */
async function probe(
  baseUrl: string,
  timeoutMs: number,
): Promise<{ reachable: boolean; control: boolean; error?: string }> {
  const res = await sendRaw(
    { method: 'GET', url: new URL('/__mock/health', baseUrl).toString(), headers: {} },
    timeoutMs,
  );
  if (res.kind !== 'answer') return { reachable: false, control: false, error: res.message };
  if (res.status !== 200) return { reachable: true, control: false };
  try {
    return { reachable: true, control: (JSON.parse(res.text) as { status?: unknown }).status === 'ok' };
  } catch {
    return { reachable: true, control: false };
  }
}

async function control(baseUrl: string, method: string, path: string, body: unknown, timeoutMs: number): Promise<void> {
  const res = await sendRaw(
    {
      method,
      url: new URL(`/__mock${path}`, baseUrl).toString(),
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
    timeoutMs,
  );
  if (res.kind !== 'answer' || res.status >= 300)
    throw new Error(`${method} /__mock${path} answered ${describeAnswer(res)}`);
}

function skipReason(c: LoadedCase, options: VerifyServerOptions, controlApi: boolean): string | undefined {
  if (!c.call) return 'a client-only case';
  if (controlApi) return undefined;
  if (!isPortable(c)) return 'needs the control API to arrange its state (tokens, envs or a fault)';
  const text = JSON.stringify(c.call) + (c.call.query === undefined ? '$TOKEN' : '');
  if (text.includes('$ENV') && !options.env) return 'needs --env naming an env on the server';
  if (text.includes('$TOKEN') && !options.accessToken) return 'needs --access-token';
  return undefined;
}

/**
 * Runs the contract cases against a server. With the control API (this mock) every case runs,
 * each in its own arranged state, and the server is reset afterwards; without it (the real API)
 * only the portable cases run, within a request budget when the server is not on loopback.
 * @example
 * const { results } = await verifyServer({ baseUrl: mock.url });
 * results.filter((r) => r.status === 'fail')
 */
export async function verifyServer(options: VerifyServerOptions): Promise<ServerVerification> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const loopback = isLoopback(new URL(options.baseUrl).hostname);
  const budget = new Budget(options.maxRequests ?? (loopback ? Number.POSITIVE_INFINITY : 60));
  budget.take();
  const found = await probe(options.baseUrl, timeoutMs);
  if (!found.reachable) {
    return {
      reachable: false,
      unreachableBecause: found.error,
      control: false,
      results: [],
      requestsSent: budget.sent,
    };
  }
  const controlApi = found.control;
  const vars: CaseVariables = {
    TOKEN: options.accessToken ?? 'contract-token-0001',
    ENV: options.env ?? 'contract-env',
  };
  const cases = loadCases().filter((c) => !options.cases || options.cases.includes(c.id));
  const results: CaseResult[] = [];

  for (const c of cases) {
    const started = performance.now();
    const base = { id: c.id, title: c.title };
    const reason = skipReason(c, options, controlApi);
    if (reason) {
      if (c.call) results.push({ ...base, status: 'skip', reason, durationMs: 0 });
      continue;
    }
    try {
      if (controlApi) {
        const { fault, ...data } = stateFor(c, vars);
        await control(options.baseUrl, 'PUT', '/data', data, timeoutMs);
        await control(options.baseUrl, 'DELETE', '/faults', undefined, timeoutMs);
        if (fault) await control(options.baseUrl, 'POST', '/faults', fault, timeoutMs);
      }
    } catch (error) {
      results.push({
        ...base,
        status: 'fail',
        problems: [`could not arrange the state: ${(error as Error).message}`],
        durationMs: 0,
      });
      continue;
    }
    const call = c.call as ContractCall;
    const request = buildRequest(
      options.baseUrl,
      substitute({ ...call, query: call.query ?? { access_token: '$TOKEN' } }, vars),
    );
    const curl = toCurl(request, vars.TOKEN);
    const send = async (req: RawRequest): Promise<RawResponse> =>
      budget.take() ? sendRaw(req, timeoutMs) : { kind: 'error', message: `request budget of ${budget.limit} spent` };
    if (budget.sent >= budget.limit) {
      results.push({
        ...base,
        status: 'skip',
        reason: `the request budget of ${budget.limit} is spent`,
        durationMs: 0,
      });
      continue;
    }
    const res = await send(request);
    const problems = await checkAnswer(c, res, request, (body) => send({ ...request, body }));
    const durationMs = Math.round(performance.now() - started);
    const result: CaseResult =
      problems.length === 0
        ? { ...base, status: 'pass', durationMs }
        : { ...base, status: 'fail', problems, actual: describeAnswer(res), curl, durationMs };
    results.push(redactResult(result, [vars.TOKEN]));
  }
  // The flows: the other endpoints (token, describeenvs, rid/get), several steps each.
  results.push(
    ...(await verifyFlows({
      baseUrl: options.baseUrl,
      vars,
      controlApi,
      given: { accessToken: options.accessToken !== undefined, env: options.env !== undefined },
      send: async (req) =>
        budget.take() ? sendRaw(req, timeoutMs) : { kind: 'error', message: `request budget of ${budget.limit} spent` },
      control: (method, path, body) => control(options.baseUrl, method, path, body, timeoutMs),
      selected: (id) => !options.cases || options.cases.includes(id),
      budgetLeft: () => budget.limit - budget.sent,
    })),
  );
  if (controlApi) await control(options.baseUrl, 'POST', '/reset', undefined, timeoutMs).catch(() => undefined);
  return { reachable: true, control: controlApi, results, requestsSent: budget.sent };
}
