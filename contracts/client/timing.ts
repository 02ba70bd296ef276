// The client kit's timing policy: how long a client may take, and pure verdicts on the times the journal recorded.
import type { JournalEntry } from '../../mock-server/state/journal.js';
import type { ClientOutcome } from './adapter.js';
import { answerOf, isCutShort } from './server-answer.js';

/**
 * A client may retry a transient failure this many times, then must surface it.
 * @example MAX_RETRIES + 1 // the most requests one call may send on errcode -1
 */
export const MAX_RETRIES = 3;
/** The most requests one call may send on a transient failure; it bounds how long a call may take. */
export const MAX_ATTEMPTS = MAX_RETRIES + 1;

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

/**
 * The latency of a case's slow answer, given in client timeouts: one slower than the timeout
 * comes after the tolerance has passed (plus 250 ms), so a client that gives up late is measured,
 * not served.
 * @example slowAnswerLatencyMs(2.5, 1000) // 2500 ms; slowAnswerLatencyMs(2.5, 150) // 900 ms
 */
export function slowAnswerLatencyMs(latencyTimeouts: number, timeoutMs: number): number {
  const latency = Math.round(latencyTimeouts * timeoutMs);
  return latencyTimeouts > 1 ? Math.max(latency, clientTimings(timeoutMs).toleranceMs + 250) : latency;
}

/** How long to wait, once a call ended, for a request the client left open to end (so it is judged in its own call). */
export function settleWithinMs(timeoutMs: number): number {
  return Math.round(timeoutMs * 3) + 2000;
}

/** What the timing policy needs to know of one call besides its journal entries. */
export interface TimingSettings {
  /** The timeout the client was given. */
  timeoutMs: number;
  /** The call's answer is slow on purpose (the case expects a timeout): the client must give up on it. */
  slowAnswer: boolean;
  /** How the client said the call ended. */
  outcome: Exclude<ClientOutcome['kind'], 'broken'>;
  /** When the client's call ended (ms since the epoch), for a request still open then. */
  settledAt: number;
}

/** The timing policy's verdict on one call. */
export interface TimingVerdict {
  /**
   * A timing rule decided the call's outcome (it gave up before the answer, or waited for the slow
   * one); the outcome is then not checked against the answer.
   */
  verdict?: string;
  /** Requests the client gave up on later than the tolerance: a verdict only once running the case again confirms it. */
  late: string[];
  /**
   * The call's problems (the verdict above and the outcome's) may be the machine's load rather
   * than the client: they too are confirmed by running the case again.
   */
  unsteady: boolean;
}

/**
 * Judges one call's times, from its journal entries (oldest first; each with its arrival `time`,
 * `duration_ms` to the answer and `client_closed_ms` when the client gave up first):
 * - a client that gave up before an answer that was not slow on purpose gave up too early;
 * - a client that got the slow answer waited for it although it was told to give up;
 * - on a slow answer, each request given up on (closed, followed by the next attempt, or still
 *   open when the call ended) later than the tolerance is late; a client still connected when
 *   the answer came had the answer and is judged on that, not also as late;
 * - a failure may be the load (unsteady) when the client reported a transport failure although
 *   no request arrived, the server answered, or it gave up only at its timeout (90% of it); or when
 *   it got the slow answer, which a client stalled past its timer does as surely as one without a
 *   timeout (only the second does it every run).
 * @example judgeTiming([{ ...entry, client_closed_ms: 100 }], { timeoutMs: 1000, slowAnswer: false, outcome: 'transport-failure', settledAt })
 * // { verdict: 'the client gave up 100 ms after the request arrived, before the server answered; it was told 1000 ms', late: [], unsteady: false }
 */
export function judgeTiming(entries: readonly JournalEntry[], settings: TimingSettings): TimingVerdict {
  const { timeoutMs, slowAnswer } = settings;
  const last = entries.at(-1);
  let verdict: string | undefined;
  if (last && last.client_closed_ms !== undefined && !slowAnswer) {
    verdict = `the client gave up ${Math.round(last.client_closed_ms)} ms after the request arrived, before the server answered; it was told ${timeoutMs} ms`;
  } else if (last && slowAnswer && (answerOf(last).kind === 'wechat' || isCutShort(last))) {
    verdict = `the client waited for the slow answer, sent ${Math.round(last.duration_ms)} ms after the request arrived, although it was told ${timeoutMs} ms`;
  }
  return {
    ...(verdict !== undefined ? { verdict } : {}),
    late: slowAnswer ? lateGiveUps(entries, settings) : [],
    unsteady: mayBeLoad(entries, settings),
  };
}

/** Checks how soon the client gave up on each slow answer, measured at the mock from arrival. */
function lateGiveUps(requests: readonly JournalEntry[], { timeoutMs, settledAt }: TimingSettings): string[] {
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

/** True when a failure of this call may be the machine's load rather than the client (see judgeTiming). */
function mayBeLoad(requests: readonly JournalEntry[], { timeoutMs, slowAnswer, outcome }: TimingSettings): boolean {
  const last = requests.at(-1);
  if (slowAnswer) {
    // Still connected when the slow answer was sent (its body may be cut in the journal, so not read here).
    return last !== undefined && last.client_closed_ms === undefined && last.status !== null;
  }
  if (outcome !== 'transport-failure') return false;
  if (!last) return true;
  if (last.client_closed_ms !== undefined) return last.client_closed_ms >= timeoutMs * 0.9;
  return answerOf(last).kind === 'wechat';
}

/** Runs of a case a client that gives up late is given before that is its verdict. */
export const TIMING_RUNS = 3;

/** One run of a case's calls: its problems, and the lateness kept apart to be confirmed by running again. */
export interface CaseRun {
  problems: string[];
  late: string[];
}

/**
 * True when the case is to be run again: the last run was only late (giving up late, or timing out
 * on an answer, once can be a loaded machine), and fewer than TIMING_RUNS runs were made.
 * @example runAgain([{ problems: [], late: ['the client gave up 2003 ms …'] }]) // true
 */
export function runAgain(runs: readonly CaseRun[]): boolean {
  const last = runs.at(-1);
  return last !== undefined && last.problems.length === 0 && last.late.length > 0 && runs.length < TIMING_RUNS;
}

/**
 * The verdict on every run of a case (oldest first): the last run's problems and lateness, a
 * problem naming the earlier lateness when it was late every run, and a note when it was late
 * before but on time in the last run (taken as the machine's load).
 * @example judgeRuns([{ problems: [], late: ['x'] }, { problems: [], late: [] }]).notes
 * // ["late in 1 run (x), on time in the next: taken as the machine's load"]
 */
export function judgeRuns(runs: readonly CaseRun[]): { problems: string[]; notes: string[] } {
  const last = runs.at(-1) ?? { problems: [], late: [] };
  const earlier = runs.slice(0, -1).map((run) => run.late);
  const problems = [...last.problems, ...last.late];
  if (last.late.length > 0 && earlier.length > 0) {
    problems.push(
      `late in each of ${earlier.length + 1} runs of the case (earlier: ${earlier.map((late) => late.join('; ')).join(' | ')})`,
    );
  }
  const notes =
    last.late.length === 0 && earlier.length > 0
      ? [
          `late in ${earlier.length} run${earlier.length > 1 ? 's' : ''} (${earlier.flat().join('; ')}), on time in the next: taken as the machine's load`,
        ]
      : [];
  return { problems, notes };
}
