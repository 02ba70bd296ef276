import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runProcess } from './cli-process.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('wechat-scf-kit/vitest', () => {
  it('starts one mock for a test run, provides its URL, and stops it after', { timeout: 60_000 }, async () => {
    const { code, stdout, stderr } = await runProcess(
      process.execPath,
      [
        `${root}node_modules/vitest/vitest.mjs`,
        'run',
        '--config',
        `${root}test/fixtures/vitest-global-setup/vitest.config.ts`,
      ],
      { cwd: root, env: { CI: 'true' }, timeoutMs: 55_000 },
    );
    const output = stdout + stderr;
    expect(output).toMatch(/1 passed/);
    expect(code, output).toBe(0);
  });
});
