// The three test projects: unit (in-process, the inner loop), e2e (processes, CLI, browser, containers), corpus.
import { configDefaults, defineConfig } from 'vitest/config';
import { directPythonPath } from './test/support/direct-python.js';
import { LongestFirstSequencer } from './test/support/sequencer.js';
import { CORPUS_TESTS, E2E_TESTS } from './test/support/test-projects.js';

// Tests start real servers and child processes on 2 shared cores: generous timeouts. Every project runs its
// files in one module graph per worker instead of one per file (isolate: false): the in-process tier in half
// the time (19 s to 11 s, CPU 31 s to 16 s), the e2e project 144 s to 127 s (CPU 246 s to 216 s). Safe while
// no test file mocks a module or stubs a global or the environment (test/test-projects.test.ts fails if one does).
const shared = { testTimeout: 20_000, hookTimeout: 30_000, isolate: false };

// Vitest runs one group (sequence.groupOrder) after another, each with one worker count. The in-process tier is
// CPU-bound: one worker per core, first, so a broken rule shows within seconds. The e2e tests and the corpora
// share the second group with two workers per core: several of its long files mostly wait (on timers, podman,
// child processes), and with 3 workers the cores idled beside them (a whole run 245 s, 221 s with 4). Within
// the group the longest files start first (test/support/sequencer.ts), so none of them runs alone at the end.
const WAITING = { maxWorkers: 4, sequence: { groupOrder: 1 } };

// Every process a test starts finds python3 without a version manager's shim in between (see direct-python.ts).
process.env.PATH = directPythonPath(process.env.PATH ?? '');

export default defineConfig({
  test: {
    // The waiting group starts its longest files first (test/support/sequencer.ts).
    sequence: { sequencer: LongestFirstSequencer },
    // Once for the whole run, whichever projects it runs (vitest runs the root globalSetup even with
    // --project): fails the run when a test leaves a process or a temp folder behind.
    globalSetup: ['test/support/leak-check.ts'],
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...E2E_TESTS, ...CORPUS_TESTS],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          ...WAITING,
          name: 'e2e',
          include: E2E_TESTS.map((entry) => (entry.endsWith('/**') ? `${entry}/*.test.ts` : entry)),
        },
      },
      { test: { ...shared, ...WAITING, name: 'corpus', include: CORPUS_TESTS } },
    ],
  },
});
