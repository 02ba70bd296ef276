// The V8 heap-growing flag `serve` sets for itself as it starts, unless the user gave Node one.
import { describe, expect, it } from 'vitest';
import { heapGrowthFlag, SERVE_HEAP_GROWING_PERCENT } from '../../mock-server/cli.js';

describe('heapGrowthFlag', () => {
  it('is the project-chosen percentage when Node was started without one', () => {
    expect(heapGrowthFlag([])).toBe(`--heap-growing-percent=${SERVE_HEAP_GROWING_PERCENT}`);
    expect(heapGrowthFlag(['--enable-source-maps', '--heap-growing-percentage-x'])).toBe(
      `--heap-growing-percent=${SERVE_HEAP_GROWING_PERCENT}`,
    );
  });

  it.each([['--heap-growing-percent=200'], ['--heap_growing_percent=10'], ['--heap-growing-percent']])(
    'leaves %s, given to Node, alone',
    (given) => {
      expect(heapGrowthFlag(['--enable-source-maps', given])).toBeUndefined();
    },
  );
});
