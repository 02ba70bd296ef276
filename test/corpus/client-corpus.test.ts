// The measure of the client kit: independently written clients, correct and buggy, each with the
// verdict a good kit gives it (test/corpus/clients/manifest.json). Every one runs through
// `wechat-scf-kit verify-client` and, where it is a module, through describeClientContract's engine.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { summarise } from '../../contracts/results.js';
import { clientCases } from '../../contracts/client/call-plan.js';
import { DEPLOY_CASES } from '../../contracts/client/deploy-client.js';
import { INVOKE_CASES } from '../../contracts/client/invoke-client.js';
import { LIFECYCLE_CASES } from '../../contracts/client/token-lifecycle.js';
import { runClientContract } from '../../contracts/client/verify-client.js';
import { type ContractClient, clientInvoker } from '../../contracts/client/vitest.js';
import { runCli } from '../support/cli-process.js';

const CORPUS = fileURLToPath(new URL('./clients/', import.meta.url));

interface CorpusEntry {
  name: string;
  language: string;
  /** argv, paths relative to the corpus folder. */
  process: string[];
  /** A module exporting createClient, relative to the corpus folder. */
  module: string | null;
  expected: { process: 'pass' | 'fail'; module: 'pass' | 'fail' | null };
  bug: string | null;
  /** Cases named for the bug: wherever the verdict is fail, at least one of them is among the failures. */
  catches?: string[];
  /** A client that gets its own token: judged on the token-lifecycle cases (`--token-lifecycle`) alone. */
  tokenLifecycle?: boolean;
  /** A client that calls a cloud function: judged on the invoke cases (`--invoke`, which runs only those). */
  invoke?: boolean;
  /** A client that deploys functions: judged on the deploy cases (`--deploy`, which runs only those). */
  deploy?: boolean;
}


/** A bug failed only by some unrelated case would hide the kit missing that bug. */
function expectCaughtByNamedCase(entry: CorpusEntry, failed: string[]) {
  const named = failed.filter((id) => entry.catches?.includes(id));
  expect(named, `named ${entry.catches?.join(', ')}; failed only ${failed.join(', ')}`).not.toEqual([]);
}

const manifest = JSON.parse(await readFile(join(CORPUS, 'manifest.json'), 'utf8')) as CorpusEntry[];

/**
 * The cases an entry is run on: a correct client on every case (the false-failure check), a buggy one only on
 * the cases named for its bug, which must still give the verdict the manifest states.
 */
const casesFor = (entry: CorpusEntry): string[] | undefined => (entry.bug === null ? undefined : entry.catches);
const argv = (entry: CorpusEntry) =>
  entry.process.map((arg) => (existsSync(join(CORPUS, arg)) ? join(CORPUS, arg) : arg));

describe('the client corpus', () => {
  it('has at least 4 correct clients in two languages and 15 buggy ones', () => {
    const correct = manifest.filter((e) => e.bug === null);
    expect(correct.length).toBeGreaterThanOrEqual(4);
    expect(new Set(correct.map((e) => e.language)).size).toBeGreaterThanOrEqual(2);
    expect(manifest.filter((e) => e.bug !== null).length).toBeGreaterThanOrEqual(15);
  });

  it('names, for every buggy client, the cases that must catch its bug', () => {
    const ids = new Set([...clientCases(), ...LIFECYCLE_CASES, ...INVOKE_CASES, ...DEPLOY_CASES].map((c) => c.id));
    for (const entry of manifest.filter((e) => e.bug !== null)) {
      expect((entry.catches ?? []).length, `${entry.name} names no case`).toBeGreaterThan(0);
      // A failing run is given only the named cases: a name that is no client case would run nothing.
      for (const id of entry.catches ?? []) expect(ids.has(id), `${entry.name} names ${id}`).toBe(true);
    }
  });
});

// Each run is its own CLI process with its own mock, so runs can overlap; at most a few at once,
// so that a loaded machine stays inside the kit's timing tolerance.
const PARALLEL_RUNS = 3;
let running = 0;
const waiting: (() => void)[] = [];
async function limited<T>(run: () => Promise<T>): Promise<T> {
  if (running >= PARALLEL_RUNS) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await run();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

describe.concurrent('wechat-scf-kit verify-client on each corpus client', { timeout: 600_000 }, () => {
  for (const entry of manifest) {
    it(`${entry.name} ${entry.expected.process === 'pass' ? 'passes' : 'fails'} (${entry.bug ?? 'correct'})`, async () => {
      const { code, stdout, stderr } = await limited(() =>
        runCli(
          [
            'verify-client',
            ...(entry.tokenLifecycle ? ['--token-lifecycle'] : []),
            ...(entry.invoke ? ['--invoke'] : []),
            ...(entry.deploy ? ['--deploy'] : []),
            ...(casesFor(entry) ?? (entry.tokenLifecycle ? LIFECYCLE_CASES.map((c) => c.id) : [])).flatMap((id) => [
              '--case',
              id,
            ]),
            '--',
            ...argv(entry),
          ],
          { timeoutMs: 590_000 },
        ),
      );
      const summary = stdout.trim().split('\n').at(-1) ?? '';
      const verdict = code === 0 ? 'pass' : code === 1 ? 'fail' : `error (exit ${code}): ${stderr}`;
      // The failed cases with their problems, so an unexpected verdict says why.
      const failures = stdout.split(/\n(?=[✓✗!-] )/).filter((block) => block.startsWith('✗'));
      expect(verdict, `${entry.name}: ${summary}\n${failures.join('\n')}`).toBe(entry.expected.process);
      if (entry.expected.process === 'pass') expect(stdout).toMatch(/\n\d+ passed, (\d+ warned, )?0 failed, 0 skipped/);
      else
        expectCaughtByNamedCase(
          entry,
          [...stdout.matchAll(/^✗ (GSL-[A-Z]+-\d+) /gm)].map((m) => m[1]),
        );
    });
  }
});

// Each module run has its own mock; they wait on timers and sockets, so they overlap.
describe.concurrent("describeClientContract's engine on each corpus module", { timeout: 600_000 }, () => {
  for (const entry of manifest.filter((e) => e.module && e.expected.module)) {
    it(`${entry.name} ${entry.expected.module === 'pass' ? 'passes' : 'fails'} (${entry.bug ?? 'correct'})`, async () => {
      const { createClient } = (await import(pathToFileURL(join(CORPUS, entry.module as string)).href)) as {
        createClient: (context: object) => ContractClient;
      };
      const results = await runClientContract(clientInvoker(createClient), { cases: casesFor(entry) });
      const failed = results.filter((r) => r.status === 'fail').map((r) => r.id);
      const verdict = summarise(results).failed === 0 ? 'pass' : 'fail';
      // The failed cases with their problems, so an unexpected verdict says why.
      const problems = results.filter((r) => r.status === 'fail').map((r) => `${r.id}: ${JSON.stringify(r).slice(0, 600)}`);
      expect(verdict, `${entry.name}:\n${problems.join('\n')}`).toBe(entry.expected.module);
      if (verdict === 'fail') expectCaughtByNamedCase(entry, failed);
    });
  }
});
