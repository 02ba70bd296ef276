// A vitest globalSetup that starts one mock for the whole run (wechat-scf-kit/vitest).
/**
 * wechat-scf-kit/vitest: a ready vitest globalSetup that starts one mock for the whole test run.
 * @example
 * // vitest.config.ts
 * export default defineConfig({ test: { globalSetup: ['wechat-scf-kit/vitest'] } });
 * // a test
 * import { inject } from 'vitest';
 * const baseUrl = inject('wechatApiBaseUrl'); // also process.env.WECHAT_API_BASE_URL
 */
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type MockScope, type MockScopeOptions, mockScope } from './mock-scope.js';
import { type ServerOptions, startMockServer } from './server.js';
import { loadDataFile } from './state/data-file.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The base URL of the mock started by wechat-scf-kit/vitest, e.g. http://127.0.0.1:41234. */
    wechatApiBaseUrl: string;
    /** Options for that mock, set in the vitest config as `test.provide.wechatScfKit`. */
    wechatScfKit: GlobalMockOptions;
  }
}

/** Options of the mock for a test run: those of startMockServer, and a data file to load. */
export interface GlobalMockOptions extends Omit<ServerOptions, 'log'> {
  /** A data file, as for `serve --data`; a relative path is taken from the vitest root. */
  dataFile?: string;
}

/**
 * Makes a globalSetup with these options, for a setup file of your own.
 * @example
 * // test/mock-setup.ts, listed in globalSetup
 * export default mockGlobalSetup({ dataFile: 'test/mock-data.json', rid: false });
 */
export function mockGlobalSetup(options: GlobalMockOptions = {}) {
  return async function setup(project: TestProject): Promise<() => Promise<void>> {
    const { dataFile, ...rest } = options;
    // Relative to the vitest root (where the config is), not to wherever vitest was started from.
    const data = dataFile ? await loadDataFile(resolve(project.config.root, dataFile)) : rest.data;
    const mock = await startMockServer({ ...rest, data });
    project.provide('wechatApiBaseUrl', mock.url);
    // Workers start after global setup and inherit this.
    process.env.WECHAT_API_BASE_URL = mock.url;
    return () => mock.close();
  };
}

/**
 * The ready globalSetup. Options come from `test.provide.wechatScfKit` in the vitest config, and a
 * data file also from WECHAT_SCF_KIT_DATA in the environment (relative paths from the vitest root).
 * @example
 * // vitest.config.ts
 * export default defineConfig({ test: { globalSetup: ['wechat-scf-kit/vitest'], provide: { wechatScfKit: { rid: false } } } });
 */
export default function setup(project: TestProject): Promise<() => Promise<void>> {
  const provided = (project.config.provide as { wechatScfKit?: GlobalMockOptions } | undefined)?.wechatScfKit;

  const dataFile = process.env.WECHAT_SCF_KIT_DATA;
  return mockGlobalSetup({ ...(dataFile ? { dataFile } : {}), ...provided })(project);
}

/**
 * A vitest fixture giving each test its own scope of the globalSetup mock (unique env, token and
 * component appid; see mockScope), cleaned up when the test ends, however it ends.
 * @example
 * import { test as base } from 'vitest';
 * import { type MockScope, mockScopeFixture } from 'wechat-scf-kit/vitest';
 * const test = base.extend<{ scope: MockScope }>({ scope: mockScopeFixture() });
 * test.concurrent('sees its own fault', async ({ scope }) => { await scope.fault({ errcode: -1 }); });
 */
export function mockScopeFixture(options: Omit<MockScopeOptions, 'onCleanup'> = {}) {
  // vitest reads a fixture's first parameter as a destructuring pattern to learn what it depends on: none.
  // biome-ignore lint/correctness/noEmptyPattern: the pattern vitest requires for a fixture without dependencies
  return async ({}: object, use: (scope: MockScope) => Promise<void>): Promise<void> => {
    const scope = await mockScope(options);
    try {
      await use(scope);
    } finally {
      await scope.cleanup();
    }
  };
}

export { type MockScope, type MockScopeOptions, mockScope };
