import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('wechat-scf-kit/vitest', () => {
  it('starts one mock for a test run, provides its URL, and stops it after', { timeout: 60_000 }, async () => {
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          `${root}node_modules/vitest/vitest.mjs`,
          'run',
          '--config',
          `${root}test/fixtures/vitest-global-setup/vitest.config.ts`,
        ],
        { cwd: root, env: { ...process.env, CI: 'true' } },
      );
      let output = '';
      child.stdout.on('data', (chunk) => {
        output += chunk;
      });
      child.stderr.on('data', (chunk) => {
        output += chunk;
      });
      child.on('close', (exit) => resolve({ code: exit, output }));
    });
    expect(output).toMatch(/1 passed/);
    expect(code, output).toBe(0);
  });
});
