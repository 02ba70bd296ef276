// Keeps the in-process tier (npm run test:unit) in-process: a test file that starts a process or a browser is e2e.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LONGEST_FIRST } from './support/sequencer.js';
import { E2E_TESTS, isE2eTest } from './support/test-projects.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function testFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

/** What makes a file e2e: child processes (directly, through the CLI helpers, or a container engine), a browser. */
const STARTS_SOMETHING = [
  /from 'node:child_process'/,
  /from '[./]*support\/cli-process\.js'/,
  /from '[./]*support\/browser\.js'/,
  /from 'playwright-core'/,
];

/** What would leak into the next file a worker runs: every project shares one module graph per worker (isolate: false). */
const LEAKS_ACROSS_FILES = [/\bvi\.(do)?mock\(/, /\bvi\.stub(Global|Env)\(/];

describe('the test projects', () => {
  const files = testFiles('test').filter((file) => !file.startsWith('test/corpus/'));
  // This file holds the patterns as text itself.
  const self = relative(root, fileURLToPath(import.meta.url))
    .split('\\')
    .join('/');

  /** The files (this one aside) whose text matches one of the patterns. */
  const matching = (candidates: string[], patterns: RegExp[]) =>
    candidates.filter(
      (file) => file !== self && patterns.some((pattern) => pattern.test(readFileSync(join(root, file), 'utf8'))),
    );

  it('put every file that starts a process, a browser or a container in e2e, not in the in-process tier', () => {
    expect(
      matching(
        files.filter((file) => !isE2eTest(file)),
        STARTS_SOMETHING,
      ),
    ).toEqual([]);
  });

  it('keep module mocks and vi.stubGlobal/vi.stubEnv out of every test file, as each worker shares its modules', () => {
    expect(matching(testFiles('test'), LEAKS_ACROSS_FILES)).toEqual([]);
  });

  it('name no e2e file that does not exist', () => {
    const named = E2E_TESTS.filter((entry) => !entry.endsWith('/**'));
    expect(named.filter((entry) => !files.includes(entry))).toEqual([]);
  });

  it('start first only files that exist and run in the waiting group (e2e or corpus)', () => {
    const all = testFiles('test');
    const misnamed = LONGEST_FIRST.filter(
      (file) => !all.includes(file) || !(isE2eTest(file) || file.startsWith('test/corpus/')),
    );
    expect(misnamed).toEqual([]);
  });
});
