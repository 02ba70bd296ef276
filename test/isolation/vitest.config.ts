// Tests in parallel on one mock (wechat-scf-kit/vitest), each in its own scope: run once by npm test, 20 times by npm run bench:isolation.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import type {} from 'wechat-scf-kit/vitest';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    // *.spec.ts, not *.test.ts: the root config's projects must not pick these up without their mock.
    include: ['*.spec.ts'],
    globalSetup: [fileURLToPath(import.meta.resolve('wechat-scf-kit/vitest'))],
    // token_check listed: a token no test listed answers 40001, so a scope that leaned on "any token
    // is accepted" would fail here; every scope lists its own.
    provide: { wechatScfKit: { data: { token_check: 'listed', envs: { 'shared-env': { generate: 4 } } } } },
    // Every file at once, each running its tests concurrently: as many clients on one mock as we can.
    fileParallelism: true,
    maxWorkers: 4,
    sequence: { concurrent: true },
    testTimeout: 20_000,
  },
});
