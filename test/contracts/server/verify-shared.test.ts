// verify on a mock others are using: it arranges only its own names, removes them after, and the stress workers see nothing of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyServer } from '../../../contracts/server/verify-server.js';
import { type RunningMock, startMockServer } from '../../../mock-server/server.js';
import { runWorkers } from '../../support/isolation-workers.js';

let mock: RunningMock;
beforeAll(async () => {
  mock = await startMockServer({ data: { envs: { 'shared-env': { generate: 5 } } }, journalLimit: 20_000 });
});
afterAll(() => mock.close());

describe('verify against a mock shared with 8 stress workers', () => {
  it('passes, skips only the checks that need the whole mock (with the reason), and the workers see nothing of it', {
    timeout: 180_000,
  }, async () => {
    let verifying = true;
    const workers = runWorkers(mock.url, 8, 3, () => verifying);
    const verification = await verifyServer({ baseUrl: mock.url }).finally(() => {
      verifying = false;
    });
    const counts = await workers;
    const failed = verification.results.filter((r) => r.status === 'fail');
    const skipped = verification.results.filter((r) => r.status === 'skip');
    console.log(
      `verify on a shared mock: ${verification.results.length - skipped.length - failed.length} passed, ${failed.length} failed, ${skipped.length} skipped; workers meanwhile: ${counts.scenarios} scenarios, ${counts.requests} requests, ${counts.surprises.length} surprises`,
    );
    expect(failed).toEqual([]);
    expect(counts.surprises).toEqual([]);
    expect(counts.scenarios).toBeGreaterThanOrEqual(24);
    // What it could not share is said, never silently left out.
    for (const result of skipped) expect(result.reason).toMatch(/whole mock|every user|--exclusive|client-only/);
    expect(skipped.some((r) => r.id === 'GSL-CTL-001')).toBe(true);
    // Nothing of the run is left, and the shared data is as it was.
    expect(mock.faults.size).toBe(0);
    expect(mock.store.envs().map((env) => env.id)).toEqual(['shared-env']);
    expect(mock.store.tokens()).toEqual({});
    expect(mock.registry.appids()).toEqual([]);
    expect(mock.clock.components).toBe(0);
    expect(mock.clock.view().offset_s).toBe(0);
  });
});
