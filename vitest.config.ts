import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests start real servers and child processes; 2 cores are shared by all of them.
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
