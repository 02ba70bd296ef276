import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TestProject } from 'vitest/node';
import setup from '../../mock-server/vitest-global-setup.js';
import { runProcess, tempDir } from '../support/cli-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

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

describe('a relative data file (it was read from the working directory)', () => {
  it('is taken from the vitest root', async () => {
    const root = await tempDir('scf-vitest-root-');
    await writeFile(join(root, 'mock-data.json'), JSON.stringify({ envs: { 'from-root': { generate: 2 } } }));
    const provided: Record<string, unknown> = {};
    const project = {
      config: { root, provide: { wechatScfKit: { dataFile: 'mock-data.json', rid: false } } },
      provide: (key: string, value: unknown) => {
        provided[key] = value;
      },
    } as unknown as TestProject;
    const previous = process.env.WECHAT_API_BASE_URL;
    const teardown = await setup(project);
    try {
      const res = await fetch(`${provided.wechatApiBaseUrl}/componenttcb/getscflist?access_token=t`, {
        method: 'POST',
        body: '{"env":"from-root"}',
      });
      expect(((await res.json()) as { total_count: number }).total_count).toBe(2);
    } finally {
      await teardown();
      if (previous === undefined) delete process.env.WECHAT_API_BASE_URL;
      else process.env.WECHAT_API_BASE_URL = previous;
    }
  });
});
