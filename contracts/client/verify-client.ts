import { createHash } from 'node:crypto';
import type { ContractExpectation, ContractState, GetScfListRequest, MockFault } from '../../generated/schemas.js';
import { API_PATHS, CONTRACT_VARIABLES, DEFAULT_LIMIT } from '../../mock-server/api-facts.js';
import { type RunningMock, startMockServer } from '../../mock-server/server.js';
import type { JournalEntry } from '../../mock-server/state/journal.js';
import { isGetScfListRequest, REQUEST_FIELDS } from '../../mock-server/validation.js';
import { type CaseVariables, type LoadedCase, loadCases, stateFor, substitute } from '../cases.js';
import { firstDifference } from '../compare.js';
import { checkInvariant, checkWechatBody, readWechatAnswer } from '../expectations.js';
import { sendRaw } from '../http.js';
import { type CaseResult, redactResult, shorten } from '../results.js';
import { CannotRunError } from './process-client.js';

/** A third-party platform's credentials, for a client that gets its own component_access_token. */
export interface ComponentCredentials {
  appid: string;
  secret: string;
  /** The component_verify_ticket WeChat would have pushed. */
  ticket: string;
}

/** What a client is given: where the API is, the token to use, and how long to wait for an answer. */
export interface ClientContext {
  /** Use in place of https://api.weixin.qq.com. */
  baseUrl: string;
  /** Empty in the token-lifecycle cases: the client gets its own token with `component`. */
  accessToken: string;
  /** Only in the token-lifecycle cases (opt-in): get a token from api_component_token with these. */
  component?: ComponentCredentials;
  /** Give up on an answer after this many milliseconds (a transport failure). */
  timeoutMs: number;
}

/** The parameters of one getCloudFunctionList call: the request body's fields, as the request schema defines them. */
export type ClientParams = Pick<GetScfListRequest, 'env' | 'offset' | 'limit' | 'searchkey'>;

/**
 * How a client call ended, in the client's own terms: a result (success), a surfaced WeChat
 * failure (errcode, errmsg), a transport failure, or broken: no usable answer at all (a
 * protocol error, hung, killed).
 */
export type ClientOutcome = { stderr?: string } & (
  | { kind: 'result'; value: unknown }
  | { kind: 'wechat-failure'; errcode: unknown; errmsg?: unknown; message?: string }
  | { kind: 'transport-failure'; message: string }
  | { kind: 'broken'; message: string }
);

/**
 * Calls a client once; the kit's side of the adapter. The signal aborts a call the kit gave up
 * on (a retry loop without end). startCase is called before each case (client objects of the last
 * case are forgotten), close after the run.
 */
export interface ClientInvoker {
  (context: ClientContext, params: ClientParams, signal?: AbortSignal): Promise<ClientOutcome>;
  startCase?(): void;
  close?(): Promise<void>;
}

/**
 * A token shaped like a real one (136 characters of letters, digits, `_` and `-`), so that a
 * client that cuts, pads or re-encodes it is caught.
 */
function realisticToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  let token = '86_';
  for (let i = 0; token.length < 136; i++) {
    const digest = createHash('sha256').update(`wechat-scf-kit contract token ${i}`).digest();
    for (const byte of digest) if (token.length < 136) token += alphabet[byte % alphabet.length];
  }
  return token;
}

/**
 * The token the kit gives clients, and the env the cases' "$ENV" names.
 * @example CLIENT_VARIABLES.ENV // 'contract-env'
 */
export const CLIENT_VARIABLES: CaseVariables = { TOKEN: realisticToken(), ENV: CONTRACT_VARIABLES.ENV };

/**
 * A client may retry a transient failure this many times, then must surface it.
 * @example MAX_RETRIES + 1 // the most requests one call may send on errcode -1
 */
export const MAX_RETRIES = 3;
const MAX_ATTEMPTS = MAX_RETRIES + 1;
/** Requests for one call past which the call is stopped as a retry loop without end. */
const RUNAWAY_REQUESTS = MAX_ATTEMPTS + 6;
const TRANSIENT_ERRCODES = new Set([-1, -1000]);
const DEFAULTS: Record<string, unknown> = { offset: 0, limit: DEFAULT_LIMIT, searchkey: '' };

/**
 * The times the kit works with for a client timeout: how late a client may give up (the timeout
 * plus max(500 ms, half of it), which holds on a loaded CI machine) and how long one call may
 * take in all (every attempt of a retrying client, plus start-up).
 * @example clientTimings(1000) // { timeoutMs: 1000, toleranceMs: 1500, callLimitMs: 14000 }
 */
export function clientTimings(timeoutMs: number) {
  const toleranceMs = timeoutMs + Math.max(500, Math.round(timeoutMs / 2));
  return { timeoutMs, toleranceMs, callLimitMs: MAX_ATTEMPTS * toleranceMs + 3 * timeoutMs + 5000 };
}

/** One call of a case: the state to arrange first, the call, and what the server answers. */
interface PlannedCall {
  arrange: (mock: RunningMock) => void;
  params: ClientParams;
  token: string;
  timeoutMs: number;
  expect: ContractExpectation;
  fault?: MockFault;
}

/** A fault as a client meets it: answering every attempt of a retrying client, latency scaled to its timeout. */
function clientFault(fault: MockFault | undefined, latencyTimeouts: number | undefined, timeoutMs: number) {
  if (!fault) return undefined;
  const scaled: MockFault = { ...fault, times: Math.max(fault.times ?? 1, MAX_ATTEMPTS) };
  if (latencyTimeouts !== undefined) {
    const latency = Math.round(latencyTimeouts * timeoutMs);
    // A slow answer comes after the tolerance has passed, so a client that gives up late is measured, not served.
    scaled.latency_ms = latencyTimeouts > 1 ? Math.max(latency, clientTimings(timeoutMs).toleranceMs + 250) : latency;
  }
  return scaled;
}

function planCalls(c: LoadedCase, vars: CaseVariables, timeoutMs: number): PlannedCall[] {
  const client = c.client as NonNullable<LoadedCase['client']>;
  const { fault, ...data } = stateFor(c, vars);
  const firstParams = substitute(client.params, vars) as ClientParams;
  const firstToken = substitute(client.access_token ?? '$TOKEN', vars);
  const firstFault = clientFault(fault, client.latency_timeouts, timeoutMs);
  const calls: PlannedCall[] = [
    {
      arrange: (mock) => {
        mock.store.replaceData(data);
        mock.faults.clear();
        if (firstFault) mock.faults.add(firstFault);
      },
      params: firstParams,
      token: firstToken,
      timeoutMs,
      expect: c.expect,
      ...(firstFault ? { fault: firstFault } : {}),
    },
  ];
  let current = data;
  for (const step of client.then ?? []) {
    const state = substitute(step.state ?? {}, vars) as ContractState;
    current = {
      ...current,
      ...(state.tokens ? { tokens: { ...current.tokens, ...state.tokens } } : {}),
      ...(state.envs ? { envs: { ...current.envs, ...state.envs } } : {}),
    };
    const next = current;
    const stepFault = clientFault(state.fault, step.latency_timeouts, timeoutMs);
    calls.push({
      arrange: (mock) => {
        if (state.tokens || state.envs) mock.store.replaceData(next);
        mock.faults.clear();
        if (stepFault) mock.faults.add(stepFault);
      },
      params: step.params ? (substitute(step.params, vars) as ClientParams) : firstParams,
      token: step.access_token ? substitute(step.access_token, vars) : firstToken,
      timeoutMs,
      expect: step.expect,
      ...(stepFault ? { fault: stepFault } : {}),
    });
  }
  return calls;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** True when the server would refuse these parameters with 47001, so a client may refuse them itself. */
function refusable(params: ClientParams, maxLimit: number): boolean {
  return !isGetScfListRequest({ ...params }) || (params.limit ?? DEFAULT_LIMIT) > maxLimit;
}

/** Checks what a client sent for one call, from the mock's journal: problems, and warnings for accepted choices. */
function checkSent(requests: readonly JournalEntry[], params: ClientParams, token: string) {
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const [index, request] of requests.entries()) {
    const at = requests.length > 1 ? `request ${index + 1}: ` : '';
    if (request.method !== 'POST') problems.push(`${at}method ${request.method}, expected POST`);
    if (request.path !== API_PATHS.getscflist)
      problems.push(`${at}path ${request.path}, expected ${API_PATHS.getscflist}`);
    if (request.access_token_sha256 === undefined) problems.push(`${at}no access_token in the query string`);
    else if (request.access_token_sha256 !== sha256(token)) {
      problems.push(
        `${at}the access_token in the query is not the whole token the client was given (compared exactly; it starts ${JSON.stringify(request.query.access_token)})`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(request.body ?? '');
    } catch {
      problems.push(
        `${at}the body is not JSON (Content-Type ${JSON.stringify(request.content_type)}): ${shorten(request.body, 120)}`,
      );
      continue;
    }
    if (!/^application\/json\s*(;|$)/i.test(request.content_type ?? '')) {
      warnings.push(
        `${at}the JSON body was sent with ${request.content_type === null ? 'no Content-Type' : `Content-Type ${JSON.stringify(request.content_type)}`}; application/json is safer (the mock reads JSON whatever the header says; the real API is not known to need it)`,
      );
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      problems.push(`${at}the body is ${shorten(body, 80)}, not a JSON object`);
      continue;
    }
    const fields = { ...(body as Record<string, unknown>) };
    if ('access_token' in fields)
      problems.push(`${at}access_token is in the body; it belongs in the query string only`);
    for (const key of Object.keys(fields)) {
      if (!REQUEST_FIELDS.has(key) && key !== 'access_token')
        problems.push(`${at}the body has a field the API does not define: ${key}`);
    }
    const nulls = ['offset', 'limit', 'searchkey'].filter((key) => fields[key] === null);
    if (nulls.length > 0) {
      warnings.push(
        `${at}sent null for ${nulls.join(', ')} where the caller gave no value; leaving the field out is safer (the mock reads null as absent)`,
      );
      for (const key of nulls) delete fields[key];
    }
    const { access_token: _token, ...request_fields } = fields;
    if (!isGetScfListRequest(request_fields)) {
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
  return { problems, warnings };
}

/** What the server did with one request, from its journal entry. */
type ServerAnswer = { kind: 'wechat'; body: Record<string, unknown> } | { kind: 'transport'; what: string };

function answerOf(entry: JournalEntry): ServerAnswer {
  if (entry.client_closed_ms !== undefined)
    return { kind: 'transport', what: 'had not answered when the client gave up' };
  if (entry.status === null) return { kind: 'transport', what: 'closed the connection without an answer' };
  if (entry.status !== 200) return { kind: 'transport', what: `answered HTTP ${entry.status} with an HTML page` };
  try {
    const body = JSON.parse(entry.answer ?? '');
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) return { kind: 'wechat', body };
  } catch {}
  return { kind: 'transport', what: 'answered a body that is not JSON' };
}

function describeAnswer(answer: ServerAnswer): string {
  if (answer.kind === 'transport') return `the server ${answer.what}`;
  const { errcode, errmsg, total_count } = answer.body;
  return errcode === 0
    ? `the server answered errcode 0 with total_count ${total_count}`
    : `the server answered errcode ${errcode} (${JSON.stringify(errmsg)})`;
}

function describeOutcome(outcome: Exclude<ClientOutcome, { kind: 'broken' }>): string {
  if (outcome.kind === 'result') return `the client returned a result (${shorten(JSON.stringify(outcome.value), 120)})`;
  if (outcome.kind === 'transport-failure')
    return `the client reported a transport failure (${shorten(outcome.message, 120)})`;
  return `the client surfaced errcode ${JSON.stringify(outcome.errcode)}`;
}

/** The same request again, to the mock (for a success answer the journal cut short, and for invariants). */
function resend(mock: RunningMock, token: string) {
  return async (body: string) =>
    readWechatAnswer(
      await sendRaw(
        {
          method: 'POST',
          url: `${mock.url}${API_PATHS.getscflist}?access_token=${encodeURIComponent(token)}`,
          headers: { 'Content-Type': 'application/json' },
          body,
        },
        10_000,
      ),
    );
}

/** Checks a client's result against the success the server sent, by JSON value (any key order). */
function checkResult(value: unknown, server: Record<string, unknown>): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [
      `the client returned ${shorten(value, 120)} as its result; expected the response object with total_count and functions`,
    ];
  }
  const result = value as Record<string, unknown>;
  const problems: string[] = [];
  if ('errcode' in result && result.errcode !== 0)
    problems.push(`the result's errcode is ${JSON.stringify(result.errcode)}; the server sent 0`);
  if ('errmsg' in result && result.errmsg !== 'ok')
    problems.push(`the result's errmsg is ${JSON.stringify(result.errmsg)}; the server sent "ok"`);
  for (const key of ['total_count', 'functions']) {
    const difference = firstDifference(result[key], server[key], `result.${key}`);
    if (difference) problems.push(`${difference} (the result differs from what the server sent)`);
  }
  return problems;
}

/** Checks how one call ended against what the server answered (or, with no request, what it would have). */
async function checkOutcome(
  outcome: Exclude<ClientOutcome, { kind: 'broken' }>,
  call: PlannedCall,
  requests: readonly JournalEntry[],
  mock: RunningMock,
): Promise<string[]> {
  const { expect } = call;
  const last = requests.at(-1);
  if (!last) {
    if (expect.errcode !== 0 && expect.errcode !== undefined && refusable(call.params, mock.settings.maxLimit)) {
      // A request the server would refuse may be refused at home, as long as the caller hears of it.
      return outcome.kind === 'result' || (outcome.kind === 'wechat-failure' && outcome.errcode === 0)
        ? [`${describeOutcome(outcome)} without sending a request; the server would answer errcode ${expect.errcode}`]
        : [];
    }
    return outcome.kind === 'result'
      ? [`${describeOutcome(outcome)} without sending a request (an answer kept from before?)`]
      : [];
  }
  if (last.client_closed_ms !== undefined && expect.transport !== 'timeout') {
    return [
      `the client gave up ${Math.round(last.client_closed_ms)} ms after the request arrived, before the server answered; it was told ${call.timeoutMs} ms`,
    ];
  }
  let answer = answerOf(last);
  const cut = last.answer?.endsWith('…') && last.client_closed_ms === undefined && !last.reason?.startsWith('fault:');
  if (answer.kind === 'transport' && cut && last.status === 200 && last.body) {
    // The journal cuts long answers; ask again (the state has not changed since).
    const again = await resend(mock, call.token)(last.body);
    if ('body' in again) answer = { kind: 'wechat', body: again.body as Record<string, unknown> };
  }
  if (expect.transport === 'timeout' && answer.kind === 'wechat') {
    return [
      `the client waited for the slow answer, sent ${Math.round(last.duration_ms)} ms after the request arrived, although it was told ${call.timeoutMs} ms`,
    ];
  }
  const problems: string[] = [];
  const server = describeAnswer(answer);
  if (answer.kind === 'transport') {
    if (outcome.kind === 'result') return [`${describeOutcome(outcome)} but ${server}`];
    if (outcome.kind === 'wechat-failure')
      return [`${describeOutcome(outcome)} but there was no WeChat answer: ${server}; report it as {"error": …}`];
    return [];
  }
  const { errcode, errmsg } = answer.body;
  if (errcode !== 0) {
    if (outcome.kind !== 'wechat-failure') return [`${describeOutcome(outcome)} but ${server}`];
    if (outcome.errcode !== errcode) {
      return [
        typeof outcome.errcode === 'string' && outcome.errcode === String(errcode)
          ? `the client surfaced errcode as the string ${JSON.stringify(outcome.errcode)}; the server sent the number ${errcode}`
          : `${describeOutcome(outcome)} but ${server}`,
      ];
    }
    const surfaced = outcome.errmsg ?? outcome.message;
    if (
      surfaced !== errmsg &&
      !(outcome.errmsg === undefined && String(outcome.message ?? '').includes(String(errmsg)))
    ) {
      problems.push(
        `the client surfaced errmsg ${JSON.stringify(surfaced)}; the server sent ${JSON.stringify(errmsg)} (keep it whole, rid included: it is what WeChat support asks for)`,
      );
    }
    return problems;
  }
  // The fault answered every attempt a client may make; a success after them is the count's failure, said there.
  if (expect.errcode !== 0 && call.fault && requests.length > (call.fault.times ?? 1)) return [];
  if (outcome.kind !== 'result') return [`${describeOutcome(outcome)} but ${server}`];
  problems.push(...checkResult(outcome.value, answer.body));
  const sentProblems = checkWechatBody(expect, answer.body);
  if (sentProblems.length > 0) {
    problems.push(...sentProblems.map((p) => `the server's answer to what the client sent: ${p}`));
  } else if (expect.invariant && problems.length === 0) {
    const request = JSON.parse(last.body ?? '{}');
    const post = resend(mock, call.token);
    problems.push(
      ...(await checkInvariant(expect.invariant, request, answer.body, (body) => post(JSON.stringify(body)))),
    );
  }
  return problems;
}

/** How many requests one call may send, by what the server answers. */
function checkCount(requests: readonly JournalEntry[], call: PlannedCall, refused: boolean): string[] {
  const { expect } = call;
  if (requests.length === 0) return refused ? [] : ['the client sent no request to the mock'];
  const transient =
    expect.transport !== undefined || (expect.errcode !== undefined && TRANSIENT_ERRCODES.has(expect.errcode));
  if (transient) {
    return requests.length > MAX_ATTEMPTS
      ? [
          `the client sent ${requests.length} requests; a transient failure may be retried at most ${MAX_RETRIES} times (${MAX_ATTEMPTS} requests), then surfaced`,
        ]
      : [];
  }
  if (requests.length === 1) return [];
  if (expect.errcode === 0) return [`the client sent ${requests.length} requests for one call; expected one`];
  return [
    `the client sent ${requests.length} requests; errcode ${expect.errcode} is not transient and must be sent once${expect.errcode === 40001 ? ' (retrying 40001 with the same token cannot succeed)' : ''}`,
  ];
}

/** Checks how soon the client gave up on each slow answer, measured at the mock from arrival. */
function checkTimeouts(requests: readonly JournalEntry[], settledAt: number, timeoutMs: number): string[] {
  const { toleranceMs } = clientTimings(timeoutMs);
  const problems: string[] = [];
  for (const [index, request] of requests.entries()) {
    const arrived = Date.parse(request.time);
    const next = requests[index + 1];
    let gaveUp = request.client_closed_ms ?? (next ? Date.parse(next.time) - arrived : settledAt - arrived);
    if (request.client_closed_ms === undefined && !next) {
      // Still connected when the answer came: it had the answer, and its outcome is judged on that.
      if (request.status !== null) continue;
      gaveUp = Math.max(0, gaveUp);
    }
    if (gaveUp > toleranceMs) {
      problems.push(
        `${requests.length > 1 ? `request ${index + 1}: ` : ''}the client gave up ${Math.round(gaveUp)} ms after the request arrived; it was told ${timeoutMs} ms (allowed up to ${toleranceMs} ms)`,
      );
    }
  }
  return problems;
}

async function settle(mock: RunningMock, fromSeq: number, withinMs: number): Promise<JournalEntry[]> {
  const until = Date.now() + withinMs;
  for (;;) {
    const entries = mock.journal.snapshot().requests.filter((e) => e.seq > fromSeq);
    if (entries.length >= mock.journal.lastSeq - fromSeq || Date.now() > until) {
      return entries.sort((a, b) => a.seq - b.seq);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Options of one client case run. */
export interface ClientCaseOptions {
  /** The timeout the client is given (default 1000 ms). */
  timeoutMs?: number;
  /** Warnings (null optionals, no JSON Content-Type) fail the case. */
  strict?: boolean;
}

/**
 * Runs one client case: for each of its calls, arranges the mock, calls the client, and checks
 * what it sent (from the journal, each request counted), how soon it gave up on a slow answer,
 * and what it reported against what the server answered.
 * @example await runClientCase(mock, clientCases(['GSL-PAGE-001'])[0], invoke, { timeoutMs: 1000 })
 * @throws CannotRunError when the client program cannot be started at all
 */
export async function runClientCase(
  mock: RunningMock,
  c: LoadedCase,
  invoke: ClientInvoker,
  options: ClientCaseOptions | number = {},
): Promise<CaseResult> {
  const { timeoutMs = 1000, strict = false } = typeof options === 'number' ? { timeoutMs: options } : options;
  const started = performance.now();
  const base = { id: c.id, title: c.title };
  if (!c.client) return { ...base, status: 'skip', reason: 'a server-only case', durationMs: 0 };
  const calls = planCalls(c, CLIENT_VARIABLES, timeoutMs);
  let run = await runCalls(mock, calls, invoke, timeoutMs);
  // Giving up late, or timing out on an answer, once can be a loaded machine: the case is run again, and fails only if that happens every time.
  const lateRuns: string[][] = [];
  while (run.problems.length === 0 && run.late.length > 0 && lateRuns.length < TIMING_RUNS - 1) {
    lateRuns.push(run.late);
    run = await runCalls(mock, calls, invoke, timeoutMs);
  }
  const problems = [...run.problems, ...run.late];
  if (run.late.length > 0 && lateRuns.length > 0) {
    problems.push(
      `late in each of ${lateRuns.length + 1} runs of the case (earlier: ${lateRuns.map((late) => late.join('; ')).join(' | ')})`,
    );
  }
  const notes =
    run.late.length === 0 && lateRuns.length > 0
      ? [
          `late in ${lateRuns.length} run${lateRuns.length > 1 ? 's' : ''} (${lateRuns.flat().join('; ')}), on time in the next: taken as the machine's load`,
        ]
      : [];
  if (strict) problems.push(...run.warnings.map((w) => `${w} (a failure with strict)`));
  const warnings = strict ? [] : [...new Set(run.warnings)];
  const durationMs = Math.round(performance.now() - started);
  const extras = { ...(warnings.length ? { warnings } : {}), ...(notes.length ? { notes } : {}) };
  const result: CaseResult =
    problems.length === 0
      ? { ...base, status: warnings.length > 0 ? 'warn' : 'pass', durationMs, ...extras }
      : {
          ...base,
          status: 'fail',
          problems,
          ...extras,
          actual: run.actual.join('\n'),
          durationMs,
          ...(run.stderr ? { stderr: run.stderr } : {}),
        };
  return redactResult(result, [...new Set(calls.map((call) => call.token))]);
}

/**
 * True when a failure of this call may be the machine's load rather than the client: it reported
 * a transport failure although no request arrived, the server answered, or the answer came only
 * after the client's own timeout had run; or it got the slow answer, which a client stalled past
 * its timer does as surely as one without a timeout (only the second is late every run).
 */
function unsteady(outcome: ClientOutcome, requests: readonly JournalEntry[], call: PlannedCall): boolean {
  const last = requests.at(-1);
  if (call.expect.transport === 'timeout') {
    // Still connected when the slow answer was sent (its body may be cut in the journal, so not read here).
    return last !== undefined && last.client_closed_ms === undefined && last.status !== null;
  }
  if (outcome.kind !== 'transport-failure') return false;
  if (!last) return true;
  if (last.client_closed_ms !== undefined) return last.client_closed_ms >= call.timeoutMs * 0.9;
  return answerOf(last).kind === 'wechat';
}

/** Runs of a case a client that gives up late is given before that is its verdict. */
const TIMING_RUNS = 3;

/** Makes the calls of one case and judges them; lateness is kept apart, as it is confirmed by running again. */
async function runCalls(mock: RunningMock, calls: PlannedCall[], invoke: ClientInvoker, timeoutMs: number) {
  const { callLimitMs } = clientTimings(timeoutMs);
  invoke.startCase?.();
  const problems: string[] = [];
  const late: string[] = [];
  const warnings: string[] = [];
  const actual: string[] = [];
  let stderr: string | undefined;
  for (const [index, call] of calls.entries()) {
    const at = calls.length > 1 ? `call ${index + 1} of ${calls.length}: ` : '';
    call.arrange(mock);
    mock.journal.clear();
    const fromSeq = mock.journal.lastSeq;
    const stop = new AbortController();
    const runaway = setInterval(() => {
      if (mock.journal.lastSeq - fromSeq > RUNAWAY_REQUESTS) {
        stop.abort(`kept sending: over ${RUNAWAY_REQUESTS} requests for one call, a retry loop without end`);
      }
    }, 25);
    let guard: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      invoke({ baseUrl: mock.url, accessToken: call.token, timeoutMs }, call.params, stop.signal).catch(
        (error: unknown): ClientOutcome => {
          if (error instanceof CannotRunError) throw error;
          return { kind: 'broken', message: `the invoker failed: ${(error as Error).message}` };
        },
      ),
      new Promise<ClientOutcome>((resolve) => {
        guard = setTimeout(
          () =>
            resolve({
              kind: 'broken',
              message: `neither returned nor failed within ${callLimitMs} ms, although it was given a timeout of ${timeoutMs} ms`,
            }),
          callLimitMs,
        );
        stop.signal.addEventListener('abort', () => resolve({ kind: 'broken', message: String(stop.signal.reason) }));
      }),
    ]).finally(() => {
      clearTimeout(guard);
      clearInterval(runaway);
    });
    const settledAt = Date.now();
    if (outcome.stderr) stderr = outcome.stderr;
    // A request the client left open is still in flight: wait for its end so it is judged here, not in the next call.
    const requests = await settle(mock, fromSeq, Math.round(timeoutMs * 3) + 2000);
    const refused =
      requests.length === 0 && call.expect.errcode !== 0 && refusable(call.params, mock.settings.maxLimit);
    actual.push(`${at}${describeActual(outcome)}; ${requests.length} request${requests.length === 1 ? '' : 's'} sent`);
    if (outcome.kind === 'broken') {
      const [first, ...rest] = outcome.message.split('\n');
      problems.push(`${at}${first.startsWith('protocol error') ? first : `the client ${first}`}`);
      actual.push(...rest);
      break;
    }
    const sent = checkSent(requests, call.params, call.token);
    const prefix = (list: string[]) => list.map((line) => `${at}${line}`);
    problems.push(...prefix(sent.problems));
    warnings.push(...prefix(sent.warnings));
    if (call.expect.transport === 'timeout') late.push(...prefix(checkTimeouts(requests, settledAt, timeoutMs)));
    const judged = [...checkCount(requests, call, refused), ...(await checkOutcome(outcome, call, requests, mock))];
    (unsteady(outcome, requests, call) ? late : problems).push(...prefix(judged));
  }
  return { problems, late, warnings, actual, stderr };
}

function describeActual(outcome: ClientOutcome): string {
  if (outcome.kind === 'result') return `result ${shorten(JSON.stringify(outcome.value), 300)}`;
  if (outcome.kind === 'wechat-failure')
    return `errcode ${JSON.stringify(outcome.errcode)}, errmsg ${shorten(outcome.errmsg ?? outcome.message, 200)}`;
  if (outcome.kind === 'transport-failure') return `transport failure: ${shorten(outcome.message, 200)}`;
  return 'no usable answer';
}

/**
 * The shipped cases that apply to clients.
 * @example clientCases(['GSL-PAGE-001', 'GSL-ERR-004']).length // 2
 */
export function clientCases(ids?: readonly string[]): LoadedCase[] {
  return loadCases().filter((c) => c.client && (!ids || ids.includes(c.id)));
}

/** Options of runClientContract. */
export interface ClientContractOptions extends ClientCaseOptions {
  /** Only these case ids. */
  cases?: string[];
  /** Called after each case, e.g. to print progress. */
  onResult?: (result: CaseResult) => void;
}

/**
 * Starts a mock on port 0, runs every client case through the invoker, and stops the mock.
 * @example
 * const results = await runClientContract(processClient('python3', ['client.py']), { timeoutMs: 1000 });
 * @throws CannotRunError when the client program cannot be started at all
 */
export async function runClientContract(
  invoke: ClientInvoker,
  options: ClientContractOptions = {},
): Promise<CaseResult[]> {
  const mock = await startMockServer({ data: {}, rid: true });
  try {
    const results: CaseResult[] = [];
    for (const c of clientCases(options.cases)) {
      const result = await runClientCase(mock, c, invoke, options);
      options.onResult?.(result);
      results.push(result);
    }
    return results;
  } finally {
    await invoke.close?.();
    await mock.close();
  }
}
