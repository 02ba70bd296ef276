// Which test file runs in which vitest project (unit, e2e, corpus): read by vitest.config.ts and by the test that
// keeps every file that starts a process or a browser out of the in-process tier.

/** The corpora: independently written clients and servers, each run through the kit. */
export const CORPUS_TESTS = ['test/corpus/**/*.test.ts'];

/**
 * End-to-end files: they start processes (the CLI, example clients, npm, sh), a browser or containers, or wait
 * on real time through the whole kit, or (the fuzz's 10,000 requests) run too long for the inner loop.
 * Everything else under test/ is in-process (unit). A folder ends in `/**`.
 */
export const E2E_TESTS = [
  'test/container/**',
  'test/docs/**',
  'test/package.test.ts',
  'test/contracts/client/client-contract.test.ts',
  'test/contracts/client/client-contract-lifecycle.test.ts',
  'test/contracts/client/token-lifecycle.test.ts',
  'test/contracts/client/verify-client.test.ts',
  'test/contracts/server/observe.test.ts',
  'test/contracts/server/verify-server.test.ts',
  'test/mock-server/api-facts.test.ts',
  'test/mock-server/cli.test.ts',
  'test/mock-server/cli-everyday.test.ts',
  'test/mock-server/cli-messages.test.ts',
  'test/mock-server/component-flow.test.ts',
  'test/mock-server/lifecycle.test.ts',
  'test/mock-server/memory-bounds.test.ts',
  'test/mock-server/openapi.test.ts',
  'test/mock-server/vitest-global-setup.test.ts',
  'test/mock-server/http/dashboard.test.ts',
  'test/mock-server/http/dashboard-browser.test.ts',
  'test/mock-server/http/hardening.test.ts',
  'test/mock-server/http/web-safety.test.ts',
  'test/mock-server/cli-env.test.ts',
  'test/mock-server/cli-health.test.ts',
  'test/mock-server/isolation/**',
  'test/scripts/build-image.test.ts',
  'test/contracts/client/hostile-client.test.ts',
  'test/contracts/server/hostile-server.test.ts',
  'test/contracts/server/verify-by-name.test.ts',
  'test/contracts/server/verify-shared.test.ts',
  'test/contracts/client/invoke-client.test.ts',
  'test/mock-server/fuzz.test.ts',
  'test/contracts/client/deploy-client.test.ts',
  'test/contracts/client/client-contract-deploy.test.ts',
];

/**
 * True when a test file (path from the repository root, with /) is in the e2e project.
 * @example isE2eTest('test/container/image.test.ts') // true
 */
export function isE2eTest(file: string): boolean {
  return E2E_TESTS.some((entry) => (entry.endsWith('/**') ? file.startsWith(entry.slice(0, -2)) : file === entry));
}
