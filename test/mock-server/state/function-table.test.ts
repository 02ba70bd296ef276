import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CloudFunction } from '../../../generated/schemas.js';
import { Store } from '../../../mock-server/state/env-store.js';
import {
  COMPACT_AT,
  FunctionTable,
  INDEX_THRESHOLD,
  StoredFunction,
} from '../../../mock-server/state/function-table.js';

const SEED = 20261203;

/** The plain reference: every record in a sorted array, filtered and sliced. */
class ReferenceTable {
  records: CloudFunction[];
  constructor(records: CloudFunction[]) {
    this.records = [...records];
  }
  sort() {
    this.records.sort((a, b) =>
      a.add_time !== b.add_time ? (a.add_time < b.add_time ? 1 : -1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  }
  list(offset: number, limit: number, searchkey: string) {
    const needle = searchkey.toLowerCase();
    const matches = this.records.filter((record) => record.name.toLowerCase().includes(needle));
    return { total: matches.length, names: matches.slice(offset, offset + limit).map((r) => r.name) };
  }
}

function record(name: string, addTime: string, status = 'Active'): CloudFunction {
  return { mod_time: addTime, add_time: addTime, runtime: 'Nodejs8.9', name, status, status_reason: [] };
}

const times = fc.constantFrom(
  '2020-01-01 00:00:00',
  '2024-05-05 10:00:00',
  '2026-06-30 23:59:59',
  '2026-12-03 18:00:00',
  '2099-01-01 00:00:00',
);
// Some names hold U+0000, which joins the pending changes' keys for search: a needle never matches across two of them.
const names = fc.oneof(
  fc.stringMatching(/^[a-eA-E][a-e0-9_-]{0,4}$/),
  fc.tuple(fc.stringMatching(/^[a-e]{1,2}$/), fc.stringMatching(/^[a-e]{0,2}$/)).map(([a, b]) => `${a}\u0000${b}`),
);
const operation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), name: names, time: times }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('replace' as const),
    pick: fc.nat(),
    status: fc.constantFrom('Updating', 'UpdateFailed'),
  }),
  fc.record({
    kind: fc.constant('list' as const),
    offset: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 3000 })),
    limit: fc.integer({ min: 1, max: 100 }),
    searchkey: fc.oneof(
      fc.constant(''),
      fc.stringMatching(/^[a-e0-9_-]{1,5}$/),
      fc.constantFrom('A', 'bc', 'x', '\u0000', 'a\u0000', '\u0000b', 'b\u0000a'),
    ),
  }),
);

function checkAgainstReference(baseSize: number, runs: number) {
  const store = new Store({ envs: { e: { generate: baseSize } } }, 7);
  const baseRecords = (store.getEnv('e')?.table.all() ?? []).map((fn) => fn.record);
  fc.assert(
    fc.property(fc.array(operation, { maxLength: 60 }), (ops) => {
      const table = new FunctionTable(baseRecords.map((r) => new StoredFunction(r)));
      const reference = new ReferenceTable(baseRecords);
      for (const op of ops) {
        if (op.kind === 'insert') {
          if (reference.records.some((r) => r.name === op.name)) {
            expect(() => table.insert(new StoredFunction(record(op.name, op.time)))).toThrow();
            continue;
          }
          table.insert(new StoredFunction(record(op.name, op.time)));
          reference.records.push(record(op.name, op.time));
          reference.sort();
        } else if (op.kind === 'remove' && reference.records.length > 0) {
          const victim = reference.records[op.pick % reference.records.length];
          expect(table.remove(victim.name)).toBe(true);
          reference.records = reference.records.filter((r) => r !== victim);
          expect(table.remove(victim.name)).toBe(false);
        } else if (op.kind === 'replace' && reference.records.length > 0) {
          const at = op.pick % reference.records.length;
          const changed = { ...reference.records[at], status: op.status };
          table.replace(new StoredFunction(changed));
          reference.records[at] = changed;
          expect(table.get(changed.name)?.record.status).toBe(op.status);
        } else if (op.kind === 'list') {
          const page = table.list({ offset: op.offset, limit: op.limit, searchkey: op.searchkey });
          expect({ total: page.total_count, names: page.functions.map((fn) => fn.record.name) }).toEqual(
            reference.list(op.offset, op.limit, op.searchkey),
          );
          // The statuses on the page are the current ones, not the base's.
          for (const fn of page.functions) {
            expect(fn.record).toEqual(reference.records.find((r) => r.name === fn.record.name));
          }
        }
      }
      expect(table.count).toBe(reference.records.length);
      expect(table.all().map((fn) => fn.record.name)).toEqual(reference.records.map((r) => r.name));
    }),
    { seed: SEED, numRuns: runs },
  );
}

describe(`a function table under inserts, replaces and deletes pages exactly as a sorted array does (fast-check seed ${SEED})`, () => {
  it('for a small env that is scanned', () => {
    checkAgainstReference(40, 300);
  });

  it('for an env large enough to be indexed', () => {
    checkAgainstReference(INDEX_THRESHOLD + 200, 60);
  });
});

describe('compaction', () => {
  it('folds the changes into a new base once they outgrow COMPACT_AT, and pages stay exact', () => {
    const table = new FunctionTable([]);
    const reference = new ReferenceTable([]);
    for (let i = 0; i < COMPACT_AT + 50; i++) {
      const fn = record(`fn${String(i).padStart(5, '0')}`, `2026-12-0${1 + (i % 9)} 00:00:00`);
      table.insert(new StoredFunction(fn));
      reference.records.push(fn);
    }
    reference.sort();
    expect(table.pendingChanges).toBeLessThan(COMPACT_AT);
    expect(table.indexed).toBe(true);
    for (const query of [
      { offset: 0, limit: 100, searchkey: '' },
      { offset: 1000, limit: 50, searchkey: '0' },
      { offset: 3, limit: 7, searchkey: 'fn0204' },
    ]) {
      const page = table.list(query);
      expect({ total: page.total_count, names: page.functions.map((fn) => fn.record.name) }).toEqual(
        reference.list(query.offset, query.limit, query.searchkey),
      );
    }
  });
});
