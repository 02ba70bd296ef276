// Every timing rule of the client kit, judged on synthetic journal entries: no test here waits.
import { describe, expect, it } from 'vitest';
import {
  type CaseRun,
  clientTimings,
  judgeRuns,
  judgeTiming,
  runAgain,
  slowAnswerLatencyMs,
  type TimingSettings,
  type TimingVerdict,
} from '../../../contracts/client/timing.js';
import type { JournalEntry } from '../../../mock-server/state/journal.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const SUCCESS = '{"errcode":0,"errmsg":"ok","total_count":30,"functions":[]}';

/** A journal entry for a getscflist request that arrived `arrivedMs` after T0. */
function entry(arrivedMs: number, fields: Partial<JournalEntry> = {}): JournalEntry {
  return {
    seq: 1,
    time: new Date(T0 + arrivedMs).toISOString(),
    method: 'POST',
    path: '/componenttcb/getscflist',
    query: {},
    body: '{"env":"contract-env"}',
    content_type: 'application/json',
    errcode: 0,
    status: 200,
    duration_ms: 5,
    answer: SUCCESS,
    ...fields,
  };
}
/** A request the client gave up on `closedMs` after it arrived, before any answer. */
const closed = (arrivedMs: number, closedMs: number) =>
  entry(arrivedMs, {
    client_closed_ms: closedMs,
    status: null,
    errcode: null,
    answer: undefined,
    duration_ms: closedMs,
  });
/** The slow answer, sent whole `durationMs` after the request arrived to a client still connected. */
const answered = (arrivedMs: number, durationMs: number, answer = SUCCESS) =>
  entry(arrivedMs, { duration_ms: durationMs, answer });

const settings = (fields: Partial<TimingSettings> = {}): TimingSettings => ({
  timeoutMs: 1000,
  slowAnswer: true,
  outcome: 'transport-failure',
  settledAt: T0 + 10_000,
  ...fields,
});

describe('clientTimings and the slow answer follow the timeout the client is given', () => {
  it.each([
    // timeout, tolerance (timeout + max(500, half)), call limit, slow answer (2.5 timeouts), quick answer (0.25)
    [150, 650, 8050, 900, 38],
    [1000, 1500, 14000, 2500, 250],
    [3000, 4500, 32000, 7500, 750],
  ])(
    'with a timeout of %i ms: tolerance %i ms, call limit %i ms, slow answer at %i ms, quick one at %i ms',
    (timeoutMs, toleranceMs, callLimitMs, slow, quick) => {
      expect(clientTimings(timeoutMs)).toEqual({ timeoutMs, toleranceMs, callLimitMs });
      expect(slowAnswerLatencyMs(2.5, timeoutMs)).toBe(slow);
      expect(slowAnswerLatencyMs(0.25, timeoutMs)).toBe(quick);
    },
  );

  it.each([50, 150, 400, 1000, 3000, 10_000])(
    'with a timeout of %i ms the slow answer comes after the tolerance, so a late client is measured, not served',
    (timeoutMs) => {
      expect(slowAnswerLatencyMs(2.5, timeoutMs)).toBeGreaterThan(clientTimings(timeoutMs).toleranceMs);
    },
  );
});

describe('judgeTiming judges a call from the times its journal entries recorded', () => {
  const rows: [string, JournalEntry[], Partial<TimingSettings>, TimingVerdict][] = [
    [
      'a client giving up at a tenth of its timeout, on an answer not slow on purpose, gave up too early (not the load)',
      [closed(0, 100)],
      { slowAnswer: false },
      {
        verdict: 'the client gave up 100 ms after the request arrived, before the server answered; it was told 1000 ms',
        late: [],
        unsteady: false,
      },
    ],
    [
      'a client giving up at 90% of its timeout before an answer not slow on purpose may be the load',
      [closed(0, 950.4)],
      { slowAnswer: false },
      {
        verdict: 'the client gave up 950 ms after the request arrived, before the server answered; it was told 1000 ms',
        late: [],
        unsteady: true,
      },
    ],
    [
      'a client giving up after twice its timeout on the slow answer is late, with the tolerance named',
      [closed(0, 2003)],
      {},
      {
        late: ['the client gave up 2003 ms after the request arrived; it was told 1000 ms (allowed up to 1500 ms)'],
        unsteady: false,
      },
    ],
    [
      'a client giving up at its timeout on the slow answer is on time',
      [closed(0, 1010)],
      {},
      { late: [], unsteady: false },
    ],
    ['a client giving up just within the tolerance is on time', [closed(0, 1500)], {}, { late: [], unsteady: false }],
    [
      'with a timeout of 150 ms, a client giving up after 5 times it is late',
      [closed(0, 750)],
      { timeoutMs: 150 },
      {
        late: ['the client gave up 750 ms after the request arrived; it was told 150 ms (allowed up to 650 ms)'],
        unsteady: false,
      },
    ],
    [
      'with a timeout of 3000 ms, a client giving up after 2 times it is late',
      [closed(0, 6000)],
      { timeoutMs: 3000 },
      {
        late: ['the client gave up 6000 ms after the request arrived; it was told 3000 ms (allowed up to 4500 ms)'],
        unsteady: false,
      },
    ],
    [
      'with a timeout of 3000 ms, a client giving up at it is on time',
      [closed(0, 3000)],
      { timeoutMs: 3000 },
      { late: [], unsteady: false },
    ],
    [
      // Regression: a client still connected when the slow answer went out was also reported as giving up
      // late, from an arrival time and a duration that two clocks of a loaded machine set apart.
      'a client still connected when the slow answer came waited for it (maybe a stall: unsteady), and is not also reported as giving up late',
      [answered(0, 2500)],
      { settledAt: T0 + 9000 },
      {
        verdict:
          'the client waited for the slow answer, sent 2500 ms after the request arrived, although it was told 1000 ms',
        late: [],
        unsteady: true,
      },
    ],
    [
      'a slow answer the journal cut short still counts as the answer the client waited for',
      [answered(0, 2500, '{"errcode":0,"errmsg":"ok","total_count":30,"functions":[{"function_name":"a"…')],
      {},
      {
        verdict:
          'the client waited for the slow answer, sent 2500 ms after the request arrived, although it was told 1000 ms',
        late: [],
        unsteady: true,
      },
    ],
    [
      'a retrying client is measured on each request, an open one up to the next arrival',
      [entry(0, { status: null, errcode: null, answer: undefined }), closed(1800, 1000)],
      {},
      {
        late: [
          'request 1: the client gave up 1800 ms after the request arrived; it was told 1000 ms (allowed up to 1500 ms)',
        ],
        unsteady: false,
      },
    ],
    [
      'a request still open and unanswered when the call ended is measured to the end of the call',
      [entry(0, { status: null, errcode: null, answer: undefined })],
      { settledAt: T0 + 1700 },
      {
        late: ['the client gave up 1700 ms after the request arrived; it was told 1000 ms (allowed up to 1500 ms)'],
        unsteady: false,
      },
    ],
    [
      'a call that ended before the arrival its own clock recorded is not late',
      [entry(0, { status: null, errcode: null, answer: undefined })],
      { settledAt: T0 - 30 },
      { late: [], unsteady: false },
    ],
    [
      'a transport failure reported although no request arrived may be the load',
      [],
      { slowAnswer: false },
      { late: [], unsteady: true },
    ],
    [
      'a transport failure reported although the server answered may be the load',
      [entry(0)],
      { slowAnswer: false },
      { late: [], unsteady: true },
    ],
    [
      'a transport failure on an HTTP 502 is judged as it stands',
      [entry(0, { status: 502, errcode: null, answer: '<html>' })],
      { slowAnswer: false },
      { late: [], unsteady: false },
    ],
    [
      'a result on an answer not slow on purpose is judged as it stands',
      [entry(0)],
      { slowAnswer: false, outcome: 'result' },
      { late: [], unsteady: false },
    ],
  ];
  it.each(rows)('%s', (_name, entries, fields, expected) => {
    expect(judgeTiming(entries, settings(fields))).toEqual(expected);
  });
});

describe('a case late in one run is run again, and fails only when it is late every time', () => {
  const late = (text: string): CaseRun => ({ problems: [], late: [text] });
  const onTime: CaseRun = { problems: [], late: [] };

  it.each<[string, CaseRun[], boolean]>([
    ['a run on time', [onTime], false],
    ['a late run', [late('a')], true],
    ['two late runs', [late('a'), late('b')], true],
    ['three late runs', [late('a'), late('b'), late('c')], false],
    ['a late run that also has a problem', [{ problems: ['p'], late: ['a'] }], false],
  ])('after %s, runAgain is %s', (_name, runs, expected) => {
    expect(runAgain(runs)).toBe(expected);
  });

  it.each<[string, CaseRun[], { problems: string[]; notes: string[] }]>([
    ['on time at once: nothing to say', [onTime], { problems: [], notes: [] }],
    [
      'late once, on time in the next: a pass with a note (the load)',
      [late('the client gave up 2003 ms'), onTime],
      {
        problems: [],
        notes: ["late in 1 run (the client gave up 2003 ms), on time in the next: taken as the machine's load"],
      },
    ],
    [
      'late twice, then on time: a pass with both figures',
      [late('a'), late('b'), onTime],
      { problems: [], notes: ["late in 2 runs (a; b), on time in the next: taken as the machine's load"] },
    ],
    [
      'late in each of 3 runs: a failure with every figure',
      [late('gave up 2003 ms'), late('gave up 2010 ms'), late('gave up 1998 ms')],
      {
        problems: [
          'gave up 1998 ms',
          'late in each of 3 runs of the case (earlier: gave up 2003 ms | gave up 2010 ms)',
        ],
        notes: [],
      },
    ],
    [
      'late, then a problem that is not lateness: the problem, with a note of the lateness',
      [late('a'), { problems: ['p'], late: [] }],
      { problems: ['p'], notes: ["late in 1 run (a), on time in the next: taken as the machine's load"] },
    ],
  ])('%s', (_name, runs, expected) => {
    expect(judgeRuns(runs)).toEqual(expected);
  });

  /** One run of a one-call case, put together as the runner does: lateness and unsteady verdicts apart. */
  const runOf = (entries: JournalEntry[], fields: Partial<TimingSettings>): CaseRun => {
    const timing = judgeTiming(entries, settings(fields));
    const judged = timing.verdict ? [timing.verdict] : [];
    return timing.unsteady
      ? { problems: [], late: [...timing.late, ...judged] }
      : { problems: judged, late: timing.late };
  };

  it('fails a client without a working timeout, which gets the slow answer in every run, and names no give-up', () => {
    const runs: CaseRun[] = [];
    for (const duration of [2500, 2507, 2503]) {
      runs.push(runOf([answered(0, duration)], { settledAt: T0 + duration + 40 }));
      if (!runAgain(runs)) break;
    }
    const { problems } = judgeRuns(runs);
    expect(runs).toHaveLength(3);
    expect(problems[0]).toMatch(/^the client waited for the slow answer, sent 2503 ms after the request arrived/);
    expect(problems.at(-1)).toMatch(/^late in each of 3 runs of the case/);
    expect(problems.join('\n')).not.toMatch(/gave up/);
  });

  it('passes a stalled client that got the slow answer once and gave up on time in the next run, with a note', () => {
    const runs = [runOf([answered(0, 2500)], {})];
    expect(runAgain(runs)).toBe(true);
    runs.push(runOf([closed(0, 1003)], {}));
    expect(runAgain(runs)).toBe(false);
    const { problems, notes } = judgeRuns(runs);
    expect(problems).toEqual([]);
    expect(notes[0]).toMatch(/^late in 1 run \(the client waited for the slow answer, sent 2500 ms after/);
  });

  it('fails a client giving up at a tenth of its timeout at once, without running the case again', () => {
    const runs = [runOf([closed(0, 100)], { slowAnswer: false })];
    expect(runAgain(runs)).toBe(false);
    expect(judgeRuns(runs).problems).toEqual([
      'the client gave up 100 ms after the request arrived, before the server answered; it was told 1000 ms',
    ]);
  });
});
