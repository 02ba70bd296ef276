import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests start real servers and child processes; 2 cores are shared by all of them.
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Fails the run when a test leaves a process or a temp folder behind.
    globalSetup: ['test/support/leak-check.ts'],
  },
});
