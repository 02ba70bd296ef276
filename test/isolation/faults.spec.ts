// Each test queues faults matched to its own token; the others, running at the same time, never take them.
import { describe, expect } from 'vitest';
import { list, test } from './helpers.js';

describe('matched faults, one kind per concurrent test', () => {
  test.for([
    ['an errcode', { errcode: 45009 }, (a: { errcode?: number }) => a.errcode === 45009],
    ['a gateway 502', { http_status: 502 }, (a: { status: number | null }) => a.status === 502],
    [
      'a cut body',
      { body: 'truncated-json' },
      (a: { text: string; errcode?: number }) => a.errcode === undefined && a.text.startsWith('{"errcode":0'),
    ],
    ['a dropped connection', { drop: true }, (a: { status: number | null }) => a.status === null],
    ['a latency', { latency_ms: 150 }, (a: { errcode?: number }) => a.errcode === 0],
  ] as const)('%s is taken by this test only, 3 times', async ([, fault, seen], { scope }) => {
    await scope.fault({ ...fault, times: 3 });
    for (let i = 0; i < 3; i++) expect(seen(await list(scope))).toBe(true);
    expect((await list(scope)).errcode).toBe(0);
  });

  test('a test without faults is never touched by the others', async ({ scope }) => {
    for (let i = 0; i < 20; i++) expect((await list(scope)).json).toMatchObject({ errcode: 0, total_count: 3 });
  });
});
