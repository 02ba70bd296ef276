// Many tests, one mock: 8 concurrent workers, each arranging its own env, token, component and faults, see only what they arranged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningMock, startMockServer } from '../../../mock-server/server.js';
import { runWorkers } from '../../support/isolation-workers.js';

let mock: RunningMock;
beforeAll(async () => {
  mock = await startMockServer({ data: { envs: { 'shared-env': { generate: 5 } } } });
});
afterAll(() => mock.close());

describe('8 concurrent workers on one mock', () => {
  it('each see exactly the outcomes they arranged (every fault kind, their clock, their journal), and leave nothing behind', {
    timeout: 120_000,
  }, async () => {
    const counts = await runWorkers(mock.url, 8, 25);
    console.log(
      `isolation stress: ${counts.workers} workers, ${counts.scenarios} scenarios, ${counts.requests} API requests, ${counts.journalEntries} journal entries read back, faults ${JSON.stringify(counts.faults)}, ${counts.clockMoves} component clock moves, ${counts.surprises.length} surprises`,
    );
    expect(counts.surprises).toEqual([]);
    expect(counts.scenarios).toBe(200);
    expect(counts.journalEntries).toBe(counts.requests);
    expect(Object.values(counts.faults).every((n) => n >= 33)).toBe(true);
    // Everything arranged was cleaned up: the shared state is as it started.
    expect(mock.faults.size).toBe(0);
    expect(mock.store.tokens()).toEqual({});
    expect(mock.store.envs().map((env) => env.id)).toEqual(['shared-env']);
    expect(mock.clock.components).toBe(0);
    expect(mock.registry.size.issued).toBe(0);
  });
});
