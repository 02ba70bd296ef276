// The deploy cases' rule on polling past the end, judged on synthetic journal entries: no test here waits.
import { describe, expect, it } from 'vitest';
import { checkRequests, DEPLOY_CASES } from '../../../contracts/client/deploy-client.js';
import type { JournalEntry } from '../../../mock-server/state/journal.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const CASE = DEPLOY_CASES.find((c) => c.id === 'GSL-DEPLOY-006');
if (CASE?.params.action !== 'update_code') throw new Error('GSL-DEPLOY-006 is no longer an update of the code');
const ENV = CASE.params.envs[0];
const NAME = CASE.params.name;
const SETTINGS = { pollIntervalMs: 200, deployTimeoutMs: 10_000 };

/** A journal entry `atMs` after T0, answered in 5 ms. */
function entry(atMs: number, path: string, body: object, answer: object): JournalEntry {
  return {
    seq: atMs,
    time: new Date(T0 + atMs).toISOString(),
    method: 'POST',
    path,
    query: {},
    body: JSON.stringify(body),
    content_type: 'application/json',
    errcode: 0,
    status: 200,
    duration_ms: 5,
    answer: JSON.stringify(answer),
  } as JournalEntry;
}

const call = entry(
  0,
  '/componenttcb/batchuploadscfcode',
  { functionname: NAME, envs: [ENV] },
  { errcode: 0, errmsg: 'ok' },
);
/** A poll of the env at `atMs`, answered with the function in `status`. */
const poll = (atMs: number, status: string) =>
  entry(
    atMs,
    '/componenttcb/getscflist',
    { env: ENV, searchkey: NAME },
    {
      errcode: 0,
      errmsg: 'ok',
      total_count: 1,
      functions: [{ name: NAME, status, status_reason: [] }],
    },
  );

/** The problems about polling on past the end, for these polls. */
function pastTheEnd(polls: JournalEntry[]): string[] {
  const outcome = { kind: 'result' as const, value: { [ENV]: { status: 'Active' } } };
  return checkRequests(CASE as (typeof DEPLOY_CASES)[number], [call, ...polls], SETTINGS, T0, outcome).problems.filter(
    (problem) => problem.includes('kept polling'),
  );
}

describe('polling past the end of a change (GSL-DEPLOY-006, a change of 1 s)', () => {
  const end = (CASE.transitionS ?? 1) * 1000;

  it('passes a client that stops at the first poll showing the final status', () => {
    expect(pastTheEnd([poll(400, 'Updating'), poll(800, 'Updating'), poll(end + 200, 'Active')])).toEqual([]);
  });

  it('fails a client that polls once more after that', () => {
    expect(pastTheEnd([poll(800, 'Updating'), poll(end + 200, 'Active'), poll(end + 400, 'Active')])).toHaveLength(1);
  });

  it('fails it too when the poll that saw the end was sent just before the end and handled after it', () => {
    // Sent 1 ms before the change's latest end, answered Active: a loaded machine handles it after the change.
    expect(pastTheEnd([poll(800, 'Updating'), poll(end + 6, 'Active'), poll(end + 206, 'Active')])).toHaveLength(1);
  });
});
