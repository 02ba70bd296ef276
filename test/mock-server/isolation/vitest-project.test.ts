// Runs test/isolation/ once: its spec files in parallel on one globalSetup mock, each test in its own scope.
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../../support/cli-process.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('the isolation project (test/isolation/)', () => {
  it('passes with its files and tests running at once on one mock', { timeout: 120_000 }, async () => {
    const { code, stdout, stderr } = await runProcess(
      process.execPath,
      [`${root}node_modules/vitest/vitest.mjs`, 'run', '--config', `${root}test/isolation/vitest.config.ts`],
      { cwd: root, env: { CI: 'true', NO_COLOR: '1' }, timeoutMs: 115_000 },
    );
    // Colours off, and any escape left stripped, so the summary reads as plain text.
    const output = stripVTControlCharacters(stdout + stderr);
    expect(output).toMatch(/Test Files\s+5 passed/);
    expect(code, output).toBe(0);
  });
});
