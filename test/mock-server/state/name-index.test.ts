// The n-gram index answers every search exactly as testing each name would.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NameIndex } from '../../../mock-server/state/name-index.js';

const SEED = 20261204;

describe(`the name index (fast-check seed ${SEED})`, () => {
  it('finds the positions of the names holding a needle, as a scan does, for needles of every length', () => {
    // A small alphabet, so that grams of every length collide often; 'd' and 'Z' are in no name,
    // 'é' makes non-ASCII names, the empty name has no grams.
    const keys = fc.array(fc.stringMatching(/^[abc_é]{0,7}$/), { maxLength: 80 });
    const needle = fc.stringMatching(/^[abcdZ_é]{0,6}$/);
    fc.assert(
      fc.property(keys, fc.array(needle, { minLength: 1, maxLength: 20 }), (names, needles) => {
        const index = new NameIndex(names);
        for (const text of needles) {
          const scanned = [...names.keys()].filter((position) => names[position].includes(text));
          expect([...Array.from(index.match(text))], JSON.stringify(text)).toEqual(scanned);
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
});
