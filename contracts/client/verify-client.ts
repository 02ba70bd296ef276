// The client kit's runner: arranges the mock for each planned call, calls the client, and judges the call by the checks and the timing policy.
import { type RunningMock, startMockServer } from '../../mock-server/server.js';
import type { JournalEntry } from '../../mock-server/state/journal.js';
import type { LoadedCase } from '../cases.js';
import { redactResult } from '../redaction.js';
import { type CaseResult, shorten } from '../results.js';
import { CannotRunError, type ClientInvoker, type ClientOutcome } from './adapter.js';
import { CLIENT_VARIABLES, clientCases, type PlannedCall, planCalls } from './call-plan.js';
import { checkCount, checkOutcome, checkSent, refusable } from './checks.js';
import { clientTimings, judgeRuns, judgeTiming, MAX_ATTEMPTS, runAgain, settleWithinMs } from './timing.js';

/** Requests for one call past which the call is stopped as a retry loop without end. */
const RUNAWAY_REQUESTS = MAX_ATTEMPTS + 6;

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
  // Giving up late, or timing out on an answer, once can be a loaded machine: the case is run again, and fails only if that happens every time.
  const runs = [await runCalls(mock, calls, invoke, timeoutMs)];
  while (runAgain(runs)) runs.push(await runCalls(mock, calls, invoke, timeoutMs));
  const run = runs[runs.length - 1];
  const { problems, notes } = judgeRuns(runs);
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
    const requests = await settle(mock, fromSeq, settleWithinMs(timeoutMs));
    const refused =
      requests.length === 0 && call.expect.errcode !== 0 && refusable(call.params, mock.settings.maxLimit);
    actual.push(`${at}${describeActual(outcome)}; ${requests.length} request${requests.length === 1 ? '' : 's'} sent`);
    if (outcome.kind === 'broken') {
      const [first, ...rest] = outcome.message.split('\n');
      problems.push(`${at}${first.startsWith('protocol error') ? first : `the client ${first}`}`);
      actual.push(...rest);
      break;
    }
    // A loop fast enough to end between two looks of the watch above is the same loop.
    if (requests.length > RUNAWAY_REQUESTS) {
      problems.push(
        `${at}the client kept sending: over ${RUNAWAY_REQUESTS} requests for one call, a retry loop without end (${requests.length} sent)`,
      );
    }
    const sent = checkSent(requests, call.params, call.token);
    const prefix = (list: string[]) => list.map((line) => `${at}${line}`);
    problems.push(...prefix(sent.problems));
    warnings.push(...prefix(sent.warnings));
    const slowAnswer = call.expect.transport === 'timeout';
    const timing = judgeTiming(requests, { timeoutMs, slowAnswer, outcome: outcome.kind, settledAt });
    late.push(...prefix(timing.late));
    const judged = [
      ...checkCount(requests, call, refused),
      ...(timing.verdict !== undefined ? [timing.verdict] : await checkOutcome(outcome, call, requests, mock)),
    ];
    (timing.unsteady ? late : problems).push(...prefix(judged));
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
