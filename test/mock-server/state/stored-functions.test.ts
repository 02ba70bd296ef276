// Functions kept as values until read: byte for byte the JSON of the records they stand for, served in the texts' order.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CloudFunction } from '../../../generated/schemas.js';
import { beijingSlot, formatBeijingTime, timeSlot } from '../../../mock-server/state/beijing-time.js';
import { Store } from '../../../mock-server/state/env-store.js';
import { buildFunctions, eachStoredFunction } from '../../../mock-server/state/fake-functions.js';

describe('the seeded fake functions', () => {
  // The data's contract: the same seed gives the same functions on every machine and in every
  // version. These digests were taken from the output before the store kept drawn values.
  it('are byte for byte those of earlier versions', () => {
    const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
    expect(digest(buildFunctions(1, 'prod-1', [], 3000))).toBe(
      '99a0ad546c2ca504b0d5cf3c068bea3d93a36b76d567463e893e9c5559611698',
    );
    const listed = [{ name: 'login' }, { name: 'pay', status: 'CreateFailed' }];
    expect(digest(buildFunctions(42, 'big', listed, 2000))).toBe(
      '13e7b43d4b32820831f5af816ec975df8cfbabb656df60a43d430c8ead538350',
    );
  });
});

describe('a generated function kept as its drawn values', () => {
  it('reads as the JSON of the record buildFunctions draws, for every seed and env tried', () => {
    for (const [seed, env, listed, generate] of [
      [1, 'prod-1', [], 5000],
      [42, 'big', [{ name: 'login' }, { name: 'pay', status: 'CreateFailed' }], 3000],
      [4294967295, 'e_2', [{ name: 'x', add_time: '2024-01-02 03:04:05', mod_time: '2024-01-02 03:04:05' }], 2000],
    ] as const) {
      const records = buildFunctions(seed, env, listed, generate);
      const stored = [...eachStoredFunction(seed, env, listed, generate)];
      expect(stored.map((fn) => fn.json)).toEqual(records.map((record) => JSON.stringify(record)));
      expect(stored.map((fn) => fn.name)).toEqual(records.map((record) => record.name));
      expect(stored.map((fn) => fn.sortSlot)).toEqual(records.map((record) => timeSlot(record.add_time)));
      // Failed ones among them, whose status_reason is drawn too.
      expect(records.some((record) => record.status_reason.length > 0)).toBe(true);
    }
  });

  it('counts time slots from an instant as from its text', () => {
    for (let ms = Date.UTC(1970, 0, 1); ms < Date.UTC(2100, 0, 1); ms += 7_777_777_777) {
      expect(beijingSlot(ms), formatBeijingTime(ms)).toBe(timeSlot(formatBeijingTime(ms)));
    }
    expect(timeSlot('2024-13-01 00:00:00') > timeSlot('2024-12-31 23:59:59')).toBe(true);
    expect(timeSlot('1969-12-31 23:59:59')).toBe(-1);
  });
});

describe('served order from the numbers kept', () => {
  /** The order by the texts, as the store sorted before it kept numbers: add_time descending, then name. */
  const byText = (records: CloudFunction[]) =>
    [...records].sort((a, b) =>
      a.add_time !== b.add_time ? (a.add_time < b.add_time ? 1 : -1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  const tied = '2025-05-05 05:05:05';
  const listed = [
    { name: 'b', add_time: tied, mod_time: tied },
    { name: 'a', add_time: tied, mod_time: tied },
    { name: 'B', add_time: tied },
    { name: 'old', add_time: '1999-01-01 00:00:00' },
  ];

  it('is the order of the texts, ties by name, listed and generated together', () => {
    const env = new Store({ envs: { e: { functions: listed, generate: 3000 } } }, 7).getEnv('e');
    const served = env?.table.all().map((fn) => fn.record) ?? [];
    expect(served.length).toBe(3004);
    expect(served).toEqual(byText(served));
    expect(served.filter((fn) => fn.add_time === tied).map((fn) => fn.name)).toEqual(['B', 'a', 'b']);
  });

  it('is the same when a listed year falls outside the numbers (the comparator sort)', () => {
    const far = [...listed, { name: 'future', add_time: '2150-01-01 00:00:00' }];
    const env = new Store({ envs: { e: { functions: far, generate: 500 } } }, 7).getEnv('e');
    const served = env?.table.all().map((fn) => fn.record) ?? [];
    expect(served[0].name).toBe('future');
    expect(served).toEqual(byText(served));
  });
});
