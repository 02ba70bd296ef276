// The order the waiting group (e2e and corpus) starts its files in: the longest first, the same on every run.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest (wall seconds in a whole run on 2 cores, 2026-12-04), longest first.
 * Started first, the long ones overlap everything else instead of running alone at the end; vitest's
 * own order is by file size on a fresh clone and by the last run's durations after it, so CI's two runs
 * differed. A file not named here starts after these, in vitest's order.
 */
export const LONGEST_FIRST = [
  'test/corpus/client-corpus.test.ts', // 150 s
  'test/contracts/client/deploy-client.test.ts', // 50 s, mostly waiting on the deploy timers
  'test/corpus/server-corpus.test.ts', // 50 s
  'test/mock-server/http/dashboard-browser.test.ts', // 48 s
  'test/container/image.test.ts', // 48 s, mostly waiting on podman
  'test/docs/docs.test.ts', // 32 s
  'test/contracts/client/verify-client.test.ts', // 27 s
  'test/contracts/server/observe.test.ts', // 22 s
  'test/mock-server/lifecycle.test.ts', // 17 s
  'test/contracts/client/token-lifecycle.test.ts', // 15 s
  'test/contracts/server/verify-shared.test.ts', // 15 s
  'test/contracts/client/client-contract-deploy.test.ts', // 14 s, mostly waiting
];

/** Sorts as vitest does, then moves the files of LONGEST_FIRST to the front, in that order. */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const at = LONGEST_FIRST.findIndex((file) => spec.moduleId.replaceAll('\\', '/').endsWith(`/${file}`));
      return at === -1 ? LONGEST_FIRST.length : at;
    };
    // Array.prototype.sort is stable: files not named keep vitest's order among themselves.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
