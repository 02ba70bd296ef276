import fc from 'fast-check';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../mock-server/app.js';
import { type EnvState, INDEX_THRESHOLD, type PageQuery, Store } from '../../../mock-server/state/env-store.js';
import { formatBeijingTime } from '../../../mock-server/state/fake-functions.js';

const SEED = 20261128;
const params = { seed: SEED, numRuns: 3000 };

const namesOf = new WeakMap<EnvState, string[]>();

/** The plain reference: filter the names in served order, slice. */
function reference(env: EnvState, query: PageQuery) {
  if (!namesOf.has(env))
    namesOf.set(
      env,
      env.table.all().map((fn) => fn.record.name),
    );
  const needle = (query.searchkey ?? '').toLowerCase();
  const matches = (namesOf.get(env) as string[]).filter((name) => name.toLowerCase().includes(needle));
  return { total: matches.length, names: matches.slice(query.offset, query.offset + query.limit) };
}

function fast(store: Store, env: EnvState, query: PageQuery) {
  const page = store.listFunctions(env, query);
  return { total: page.total_count, names: page.functions.map((fn) => fn.record.name) };
}

const letters = fc.constantFrom(...'abcdefgiklmnoprstuyGETUS-_0123.'.split(''));
const keys = fc.oneof(
  fc.string({ unit: letters, minLength: 0, maxLength: 6 }),
  fc.constantFrom('get', 'user', 'ORDER', '用户', 'é', 'x用', '🚀', '.*(', ''),
);
const queries = fc.record({
  searchkey: keys,
  offset: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 5000 })),
  limit: fc.integer({ min: 1, max: 100 }),
});

describe(`the indexed search agrees with a plain filter (fast-check seed ${SEED})`, () => {
  const extra = [
    { name: '用户login' },
    { name: 'Café-sync' },
    { name: '🚀launch' },
    { name: 'GETGETGET' },
    { name: 'a' },
  ];
  const store = new Store({ envs: { big: { functions: extra, generate: 5000 } } }, 3);
  const env = store.getEnv('big') as EnvState;

  it('the env is large enough to be indexed', () => {
    expect(env.table.indexed).toBe(true);
  });

  it('on random queries', () => {
    fc.assert(
      fc.property(queries, (query) => {
        expect(fast(store, env, query)).toEqual(reference(env, query));
      }),
      params,
    );
  });

  it('after the env is replaced through the control API', async () => {
    const app = createApp({ data: { envs: { big: { generate: 10 } } } });
    const put = await request(app)
      .put('/__mock/envs/big')
      .send({ functions: [{ name: 'useré' }, { name: 'GetUser' }], generate: INDEX_THRESHOLD + 500 });
    expect(put.status).toBe(200);
    const changed = app.mock.store.getEnv('big') as EnvState;
    expect(changed.table.indexed).toBe(true);
    fc.assert(
      fc.property(queries, (query) => {
        expect(fast(app.mock.store, changed, query)).toEqual(reference(changed, query));
      }),
      { ...params, numRuns: 1000 },
    );
  });
});

describe('formatBeijingTime', () => {
  it(`matches the Date-based formatting on random instants (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1970, 0, 2), max: Date.UTC(2199, 11, 31) }), (ms) => {
        const expected = new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 19).replace('T', ' ');
        expect(formatBeijingTime(ms)).toBe(expected);
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });
});
