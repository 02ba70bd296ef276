import type { CloudFunction, ContractCall, GetScfListRequest } from '../../generated/schemas.js';
import { API_PATHS, CONTRACT_VARIABLES, WECHAT_CONTENT_TYPE } from '../../mock-server/api-facts.js';
import { isLoopback } from '../../mock-server/server.js';
import { isGetScfListSuccess } from '../../mock-server/validation.js';
import { type CaseVariables, isPortable, type LoadedCase, loadCases, stateFor, substitute } from '../cases.js';
import { checkInvariant, checkWechatBody, readWechatAnswer } from '../expectations.js';
import { type RawRequest, type RawResponse, sendRaw, toCurl } from '../http.js';
import { type CaseResult, redactResult, shorten } from '../results.js';
import { compareWithListing, listingQuery, type ObservedListing } from './listing-model.js';
import { observationState } from './observation-env.js';
import { OBSERVATION_CHECKS, observationId, runObservation } from './observe.js';
import { verifyFlows } from './verify-flows.js';

/** Options of verifyServer. */
export interface VerifyServerOptions {
  /** The server, e.g. http://127.0.0.1:4020 or https://api.weixin.qq.com. */
  baseUrl: string;
  /** A token the server accepts. Needed for a server without the control API. */
  accessToken?: string;
  /** An env on the server. Needed for a server without the control API. */
  env?: string;
  /** Sent as `Authorization: Bearer T` on every control request, for a mock started with --control-token. */
  controlToken?: string;
  /** Only these case ids. */
  cases?: string[];
  /** Most requests sent in all (default: 60 to a server that is not on loopback, 2000 on loopback). */
  maxRequests?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
}

/** How much of an env's listing the observation checks read. */
export interface ListingCoverage {
  env: string;
  /** Functions read. */
  seen: number;
  /** total_count as the server reported it. */
  total: number;
  complete: boolean;
  /** The page size it was read with. */
  pageLimit: number;
  /** True when the kit arranged the env through the control API. */
  arranged: boolean;
}

/** What a server verification found. */
export interface ServerVerification {
  /** False when the server did not answer at all (then no case ran). */
  reachable: boolean;
  unreachableBecause?: string;
  control: boolean;
  /** Set when the server has a control API that refused the kit (no or a wrong control token): nothing ran. */
  controlRefused?: string;
  results: CaseResult[];
  requestsSent: number;
  /** How much of the listing the observation checks saw. */
  listing?: ListingCoverage;
}

/**
 * The default request budget: small for a server on the network (the real API counts a daily
 * quota), large on loopback, where reading an env of up to ~190,000 functions is cheap.
 * @example defaultBudget(true) // 2000
 */
export function defaultBudget(loopback: boolean): number {
  return loopback ? 2000 : 60;
}

/**
 * The env the kit arranges for the observation checks when there is a control API.
 * @example (await verifyServer({ baseUrl: mock.url })).listing?.env === OBSERVATION_ENV
 */
export const OBSERVATION_ENV = 'contract-observe';

const HEADER_CHECK = {
  id: 'GSL-OBS-009',
  title: `every WeChat answer has a JSON Content-Type, exactly "${WECHAT_CONTENT_TYPE}" as the real servers send`,
};

const RESET_CHECK = {
  id: 'GSL-CTL-001',
  title: 'POST /__mock/reset clears queued faults (a fault, then reset: the next request is served normally)',
};

class Budget {
  sent = 0;
  constructor(readonly limit: number) {}
  take(): boolean {
    if (this.sent >= this.limit) return false;
    this.sent += 1;
    return true;
  }
  get left(): number {
    return this.limit - this.sent;
  }
}

function buildRequest(baseUrl: string, call: ContractCall): RawRequest {
  const url = new URL(API_PATHS.getscflist, baseUrl);
  for (const [key, value] of Object.entries(call.query ?? {})) url.searchParams.set(key, value);
  const body = call.raw_body ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
  const headers: Record<string, string> = {};
  if (call.content_type ?? body !== undefined) headers['Content-Type'] = call.content_type ?? 'application/json';
  return { method: call.method ?? 'POST', url: url.toString(), headers, body };
}

function describeAnswer(res: RawResponse): string {
  return res.kind === 'error' ? `no answer (${res.message})` : `HTTP ${res.status} ${shorten(res.text, 300)}`;
}

/** Checks the answer to a case's call; may fetch more pages for an invariant, or compare with the listing. */
async function checkAnswer(
  c: LoadedCase,
  res: RawResponse,
  sent: RawRequest,
  fetchRaw: (body: string) => Promise<RawResponse>,
  listing: ObservedListing | undefined,
): Promise<string[]> {
  // Without arranged data an observable case's total_count and names come from the listing.
  const expect = listing ? { errcode: 0 } : c.expect;
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
  const errcode = (body as { errcode?: unknown }).errcode;
  if (c.expect.errcode === 40001 && errcode === 0) {
    problems.push(
      'the server accepts any token: one it cannot know answered errcode 0 (a faithful server answers 40001)',
    );
  }
  if (problems.length > 0) return problems;
  if (listing && isGetScfListSuccess(body)) {
    const query = listingQuery(JSON.parse(sent.body ?? '{}') as Record<string, unknown>);
    problems.push(...compareWithListing(listing, query, body));
  } else if (expect.invariant) {
    const request = JSON.parse(sent.body ?? '{}') as GetScfListRequest;
    const fetchPage = async (next: GetScfListRequest) => readWechatAnswer(await fetchRaw(JSON.stringify(next)));
    problems.push(...(await checkInvariant(expect.invariant, request, body, fetchPage)));
  }
  return problems;
}

type Probe = { reachable: false; error: string } | { reachable: true; control: boolean; refused?: string };

/** Asks GET /__mock/health: an answer at all says the server is there, {"status":"ok"} that it has the control API. */
async function probe(baseUrl: string, timeoutMs: number, controlToken: string | undefined): Promise<Probe> {
  const res = await sendRaw(controlRequest(baseUrl, 'GET', '/health', undefined, controlToken), timeoutMs);
  if (res.kind !== 'answer') return { reachable: false, error: res.message };
  if (res.status === 401 || res.status === 403) {
    return {
      reachable: true,
      control: false,
      refused: controlToken
        ? `the /__mock/ control API refused the control token (HTTP ${res.status}); check --control-token`
        : `the /__mock/ control API needs a token (HTTP ${res.status}); pass --control-token T`,
    };
  }
  if (res.status !== 200) return { reachable: true, control: false };
  try {
    return { reachable: true, control: (JSON.parse(res.text) as { status?: unknown }).status === 'ok' };
  } catch {
    return { reachable: true, control: false };
  }
}

/**
 * A request of the control protocol the kit relies on (health, data, faults, reset): always with
 * Content-Type: application/json, and the control token when there is one.
 */
function controlRequest(
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
  controlToken: string | undefined,
): RawRequest {
  return {
    method,
    url: new URL(`/__mock${path}`, baseUrl).toString(),
    headers: {
      'Content-Type': 'application/json',
      ...(controlToken ? { Authorization: `Bearer ${controlToken}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  };
}

/** What a case needs arranged that only a control API can arrange, in a few words. */
function arrangedNeed(c: LoadedCase): string {
  if (c.state?.fault) return 'needs the control API to inject a fault';
  const tokens = Object.values(c.state?.tokens ?? {});
  const special = tokens.find((t) => t !== 'valid');
  if (special) return `needs the control API to arrange a token that is ${special}`;
  return 'needs the control API to arrange its env';
}

function skipReason(c: LoadedCase, options: VerifyServerOptions, controlApi: boolean): string | undefined {
  if (!c.call) return 'a client-only case';
  if (controlApi) return undefined;
  if (!isPortable(c) && !c.observable) return arrangedNeed(c);
  const text = JSON.stringify(c.call) + (c.call.query === undefined ? '$TOKEN' : '');
  if ((c.observable || text.includes('$ENV')) && !options.env) return 'needs --env naming an env on the server';
  if (text.includes('$TOKEN') && !options.accessToken) return 'needs --access-token';
  return undefined;
}

const isJsonType = (type: string) => /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type.trim());

/** One verdict on the Content-Type of every WeChat answer the run received. */
function checkContentTypes(answers: { id: string; response: RawResponse }[]): CaseResult {
  const base = { ...HEADER_CHECK, durationMs: 0 };
  const problems: string[] = [];
  const others = new Map<string, string[]>();
  for (const { id, response } of answers) {
    if (response.kind !== 'answer') continue;
    const header = response.headers['content-type'];
    const type = Array.isArray(header) ? header.join(', ') : (header ?? '');
    if (!isJsonType(type)) {
      if (problems.length < 5) problems.push(`${id}: Content-Type ${JSON.stringify(type || '(none)')} is not JSON`);
    } else if (type.trim().toLowerCase() !== WECHAT_CONTENT_TYPE) others.set(type, [...(others.get(type) ?? []), id]);
  }
  const warnings = [...others].map(
    ([type, ids]) =>
      `Content-Type ${JSON.stringify(type)} (${ids.length} answer${ids.length === 1 ? '' : 's'}, e.g. ${ids[0]}): JSON, but the real servers send ${JSON.stringify(WECHAT_CONTENT_TYPE)}`,
  );
  if (answers.length === 0) return { ...base, status: 'skip', reason: 'no WeChat answer was received' };
  if (problems.length > 0) return { ...base, status: 'fail', problems, ...(warnings.length ? { warnings } : {}) };
  return warnings.length > 0 ? { ...base, status: 'warn', warnings } : { ...base, status: 'pass' };
}

/**
 * Runs the contract against a server. First the observation checks: the kit reads an env's whole
 * listing (one it arranged, with the control API; the given --env, without) and checks paging,
 * order and search exactly against it. Then the cases: with the control API (this mock) every
 * case runs, each in its own arranged state, and the server is reset afterwards; without it the
 * cases that need no arranged state run, those about listings with expectations derived from the
 * observed listing. At most `maxRequests` requests are sent.
 * @example
 * const { results } = await verifyServer({ baseUrl: mock.url });
 * results.filter((r) => r.status === 'fail')
 */
export async function verifyServer(options: VerifyServerOptions): Promise<ServerVerification> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const loopback = isLoopback(new URL(options.baseUrl).hostname);
  const budget = new Budget(options.maxRequests ?? defaultBudget(loopback));
  budget.take();
  const found = await probe(options.baseUrl, timeoutMs, options.controlToken);
  if (!found.reachable) {
    return {
      reachable: false,
      unreachableBecause: found.error,
      control: false,
      results: [],
      requestsSent: budget.sent,
    };
  }
  if (found.refused) {
    return { reachable: true, control: false, controlRefused: found.refused, results: [], requestsSent: budget.sent };
  }
  const controlApi = found.control;
  const vars: CaseVariables = {
    TOKEN: options.accessToken ?? CONTRACT_VARIABLES.TOKEN,
    ENV: options.env ?? CONTRACT_VARIABLES.ENV,
  };
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await sendRaw(controlRequest(options.baseUrl, method, path, body, options.controlToken), timeoutMs);
    if (res.kind !== 'answer' || res.status >= 300)
      throw new Error(`${method} /__mock${path} answered ${describeAnswer(res)}`);
  };
  const selected = (id: string) => !options.cases || options.cases.includes(id);
  const cases = loadCases().filter((c) => selected(c.id));
  const results: CaseResult[] = [];
  const answers: { id: string; response: RawResponse }[] = [];
  const send = async (req: RawRequest): Promise<RawResponse> =>
    budget.take() ? sendRaw(req, timeoutMs) : { kind: 'error', message: `request budget of ${budget.limit} spent` };

  // The observation checks, on an arranged env or the given one.
  let listing: ObservedListing | undefined;
  let coverage: ListingCoverage | undefined;
  const observationWanted = !options.cases || options.cases.some((id) => id.startsWith('GSL-OBS-'));
  if (observationWanted) {
    const observed = await observe();
    listing = observed.listing;
    results.push(...observed.results);
  }

  for (const c of cases) {
    const started = performance.now();
    const fromListing = !controlApi && c.observable === true;
    // Its title speaks of the arranged env; here the numbers come from the listing read instead.
    const base = { id: c.id, title: fromListing ? `${c.title} (here: as the listing read gives it)` : c.title };
    const reason = skipReason(c, options, controlApi);
    if (reason) {
      if (c.call) results.push({ ...base, status: 'skip', reason, durationMs: 0 });
      continue;
    }
    if (budget.left <= 0) {
      results.push({
        ...base,
        status: 'skip',
        reason: `the request budget of ${budget.limit} is spent`,
        durationMs: 0,
      });
      continue;
    }
    try {
      if (controlApi) {
        const { fault, ...data } = stateFor(c, vars);
        await control('PUT', '/data', data);
        await control('DELETE', '/faults');
        if (fault) await control('POST', '/faults', fault);
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
    const useListing = fromListing;
    if (useListing && !listing) {
      results.push({
        ...base,
        status: 'fail',
        problems: ["its expectation comes from the env's listing, which could not be read (see GSL-OBS-001)"],
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
    const res = await send(request);
    if (c.expect.errcode !== undefined) answers.push({ id: c.id, response: res });
    const problems = await checkAnswer(
      c,
      res,
      request,
      (body) => send({ ...request, body }),
      useListing ? listing : undefined,
    );
    if (controlApi && c.state?.fault && (c.state.fault.times ?? 1) === 1 && problems.length === 0) {
      // A fault is for its `times` requests only: the next one is served normally.
      const after = await send(request);
      const read = readWechatAnswer(after);
      if ('failure' in read || !isGetScfListSuccess(read.body)) {
        problems.push(`the fault did not end after its one request: the next answer was ${describeAnswer(after)}`);
      }
    }
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
      send,
      control,
      selected,
      budgetLeft: () => budget.left,
    })),
  );
  // These two come after the observation checks in the report, though they run last: one judges
  // every answer, the other leaves the server in a state of its own.
  const closing: CaseResult[] = [];
  if (selected(HEADER_CHECK.id)) closing.push(checkContentTypes(answers));
  if (selected(RESET_CHECK.id)) closing.push(await checkReset());
  const at = results.findIndex((r) => !r.id.startsWith('GSL-OBS-'));
  results.splice(at === -1 ? results.length : at, 0, ...closing);
  if (controlApi) await control('POST', '/reset').catch(() => undefined);
  return {
    reachable: true,
    control: controlApi,
    results,
    requestsSent: budget.sent,
    ...(coverage ? { listing: coverage } : {}),
  };

  /** POST /__mock/reset must clear queued faults, or the server's next user gets one. */
  async function checkReset(): Promise<CaseResult> {
    const base = { ...RESET_CHECK, durationMs: 0 };
    if (!controlApi) return { ...base, status: 'skip', reason: 'needs the control API' };
    const state = { tokens: { [vars.TOKEN]: 'valid' as const }, envs: { [vars.ENV]: { generate: 3 } } };
    try {
      await control('DELETE', '/faults');
      await control('POST', '/faults', { errcode: -1, times: 1 });
      await control('POST', '/reset');
      await control('PUT', '/data', state);
    } catch (error) {
      return { ...base, status: 'fail', problems: [`the control API failed: ${(error as Error).message}`] };
    }
    const request = buildRequest(options.baseUrl, { query: { access_token: vars.TOKEN }, body: { env: vars.ENV } });
    const res = await send(request);
    const read = readWechatAnswer(res);
    if (!('failure' in read) && isGetScfListSuccess(read.body)) return { ...base, status: 'pass' };
    const kept = !('failure' in read) && (read.body as { errcode?: unknown } | null)?.errcode === -1;
    return redactResult(
      {
        ...base,
        status: 'fail',
        problems: [
          kept
            ? 'POST /__mock/reset left a queued fault in place: the next request answered errcode -1'
            : 'after POST /__mock/reset and PUT /__mock/data, a valid request did not succeed',
        ],
        actual: describeAnswer(res),
        curl: toCurl(request, vars.TOKEN),
      },
      [vars.TOKEN],
    );
  }

  async function observe(): Promise<{ results: CaseResult[]; listing?: ObservedListing }> {
    const env = controlApi ? OBSERVATION_ENV : options.env;
    const skipAll = (reason: string) => ({
      results: observationChecks()
        .filter(({ id }) => selected(id))
        .map(({ id, title }) => ({ id, title, status: 'skip' as const, reason, durationMs: 0 })),
    });
    if (!env) return skipAll('needs --env naming an env on the server');
    if (!controlApi && !options.accessToken) return skipAll('needs --access-token');
    let arranged: CloudFunction[] | undefined;
    if (controlApi) {
      const state = observationState(vars.TOKEN, env);
      try {
        await control('PUT', '/data', state);
        await control('DELETE', '/faults');
      } catch (error) {
        return {
          results: observationChecks()
            .filter(({ id }) => selected(id))
            .map(({ id, title }) => ({
              id,
              title,
              status: 'fail' as const,
              problems: [`could not arrange the state: ${(error as Error).message}`],
              durationMs: 0,
            })),
        };
      }
      arranged = (state.envs?.[env]?.functions ?? []) as CloudFunction[];
    }
    // The listing gets what the rest of the run does not need (about 14 observation requests, one
    // per case that can run, a few more for invariants), and at least a third of what is left.
    const planned = 17 + cases.filter((c) => !skipReason(c, options, controlApi)).length;
    const spare = budget.left - planned;
    const observed = await runObservation(
      {
        env,
        maxListingPages: spare >= 2 ? spare : Math.max(2, Math.floor(budget.left / 3)),
        ...(arranged ? { arranged } : {}),
        send: async (body) => {
          const request = buildRequest(options.baseUrl, { query: { access_token: vars.TOKEN }, body });
          if (!budget.take()) return undefined;
          const response = await sendRaw(request, timeoutMs);
          answers.push({ id: 'GSL-OBS', response });
          return { request, response };
        },
      },
      selected,
    );
    if (observed.listing) {
      const { functions, total, complete, pageLimit } = observed.listing;
      coverage = { env, seen: functions.length, total, complete, pageLimit, arranged: controlApi };
    }
    const shown = observed.results.map(({ request, ...result }) =>
      redactResult(request && result.status === 'fail' ? { ...result, curl: toCurl(request, vars.TOKEN) } : result, [
        vars.TOKEN,
      ]),
    );
    return { results: shown, ...(observed.listing ? { listing: observed.listing } : {}) };
  }
}

function observationChecks(): { id: string; title: string }[] {
  return (Object.keys(OBSERVATION_CHECKS) as (keyof typeof OBSERVATION_CHECKS)[]).map((check) => ({
    id: observationId(check),
    title: OBSERVATION_CHECKS[check],
  }));
}

/**
 * The checks verify runs besides the cases of contracts/cases/: the observation checks, the
 * Content-Type check (GSL-OBS-001 to GSL-OBS-009) and the reset check of the control API (GSL-CTL-001).
 * @example serverChecks().map((c) => c.id) // ['GSL-OBS-001', …, 'GSL-OBS-009', 'GSL-CTL-001']
 */
export function serverChecks(): { id: string; title: string }[] {
  return [...observationChecks(), HEADER_CHECK, RESET_CHECK];
}
