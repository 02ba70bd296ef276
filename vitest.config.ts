// The three test projects: unit (in-process, the inner loop), e2e (processes, CLI, browser, containers), corpus.
import { configDefaults, defineConfig } from 'vitest/config';
import { CORPUS_TESTS, E2E_TESTS } from './test/support/test-projects.js';

// Tests start real servers and child processes on 2 shared cores: generous timeouts.
const shared = { testTimeout: 20_000, hookTimeout: 30_000 };

export default defineConfig({
  test: {
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
          // CPU-bound (supertest, pure functions): one worker per core.
          maxWorkers: 2,
        },
      },
      {
        test: {
          ...shared,
          name: 'e2e',
          include: E2E_TESTS.map((entry) => (entry.endsWith('/**') ? `${entry}/*.test.ts` : entry)),
          // Mostly waiting on child processes and sockets: one more worker than cores.
          maxWorkers: 3,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...shared,
          name: 'corpus',
          include: CORPUS_TESTS,
          // Two files, each running its entries concurrently inside.
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
