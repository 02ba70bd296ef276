import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCases } from '../../contracts/cases.js';
import { loadFlows } from '../../contracts/flows.js';
import type { CaseResult } from '../../contracts/results.js';
import { serverChecks, verifyServer } from '../../contracts/server/verify-server.js';
import { API_PATH_LIST, API_PATHS } from '../../mock-server/api-facts.js';

/**
 * Fake servers written independently of the kit (test/corpus/servers/README.md), each with one
 * realistic bug or none, and the verdict a good kit reaches on each in each mode.
 */
interface CorpusServer {
  name: string;
  file: string;
  bug: string | null;
  expected: { stateless: Verdict; control: Verdict };
  /** True for the servers that speak the whole family (authorizer token, invoke, function management) too. */
  family?: boolean;
  /** The data file it serves stateless (default fixture-data.json). */
  data?: string;
  /** Checks named for the bug: in each mode that does not pass, at least one of them fails (or warns, for 'warn'). */
  catches?: string[];
  notes?: string;
}
/** pass: nothing fails; fail: something fails; warn: nothing fails, something is warned about. */
type Verdict = 'pass' | 'fail' | 'warn';
type Mode = keyof CorpusServer['expected'];

const dir = fileURLToPath(new URL('./servers/', import.meta.url));
const manifest = JSON.parse(readFileSync(`${dir}manifest.json`, 'utf8')) as CorpusServer[];
const FIXTURE = { token: 'corpus-token-7f3a9c', env: 'corpus-env' };

// The first corpus servers answer getscflist only: the flows (the other endpoints, and the token's
// query keys) are not theirs to pass. A server that serves api_component_token too speaks the four
// endpoints (test/corpus/servers/README.md), and the flows are checked as well.
const GETSCFLIST_CHECKS = [...serverChecks(), ...loadCases()].map((c) => c.id);
// The servers not marked family were written for the first four endpoints: they are judged on the
// flows that call only those. The family servers are judged on every flow.
const FIRST_ENDPOINTS: readonly string[] = [
  API_PATHS.getscflist,
  API_PATHS.componentToken,
  API_PATHS.describeenvs,
  API_PATHS.ridGet,
];
const FLOW_CHECKS = loadFlows()
  .filter((flow) => flow.steps.every((step) => step.call === undefined || FIRST_ENDPOINTS.includes(step.call.path)))
  .map((flow) => flow.id);
const ALL_FLOW_CHECKS = loadFlows().map((flow) => flow.id);

/** True when the server serves the other endpoints too: api_component_token answers, not HTTP 404. */
async function servesOtherEndpoints(url: string): Promise<boolean> {
  const res = await fetch(new URL(API_PATHS.componentToken, url), { method: 'POST', body: '{}' });
  await res.arrayBuffer();
  return res.status !== 404;
}

const running = new Set<ChildProcess>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts one corpus server on a free port; resolves with its URL and a stop function. */
async function start(
  file: string,
  mode: Mode,
  data = 'fixture-data.json',
): Promise<{ url: string; stop: () => Promise<void> }> {
  const args = mode === 'control' ? ['--control'] : ['--data', `${dir}${data}`];
  const child = spawn(process.execPath, [`${dir}${file}`, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }
    }).then(() => {
      running.delete(child);
    });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${file} printed no URL within 10 s`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code} before listening`));
    });
  });
  return { url, stop };
}

function verdictOf(results: CaseResult[]): Verdict {
  if (results.some((r) => r.status === 'fail')) return 'fail';
  return results.some((r) => r.status === 'warn') ? 'warn' : 'pass';
}

const summary = (results: CaseResult[]) =>
  results
    .filter((r) => r.status === 'fail' || r.status === 'warn')
    .map((r) => `${r.id}: ${(r.problems ?? r.warnings ?? []).join('; ')}`.slice(0, 300));

describe('the server corpus manifest', () => {
  it('names, for every buggy server the kit catches, the checks that must catch its bug', () => {
    const ids = new Set([...GETSCFLIST_CHECKS, ...ALL_FLOW_CHECKS]);
    // A bug the kit does not see in either mode is stated as such (verdict pass in both, with a note).
    const caught = (s: CorpusServer) => s.expected.stateless !== 'pass' || s.expected.control !== 'pass';
    for (const server of manifest.filter((s) => s.bug !== null && caught(s))) {
      expect((server.catches ?? []).length, `${server.name} names no check`).toBeGreaterThan(0);
      for (const id of server.catches ?? []) expect(ids.has(id), `${server.name} names ${id}`).toBe(true);
    }
  });
});

describe.concurrent.each(['stateless', 'control'] as const)('the server corpus, %s', (mode) => {
  it.each(manifest)('$name', async (server) => {
    const { url, stop } = await start(server.file, mode, server.data);
    try {
      const others = await servesOtherEndpoints(url);
      const { control, results } = await verifyServer({
        baseUrl: url,
        ...(mode === 'control' ? {} : { accessToken: FIXTURE.token, env: FIXTURE.env }),
        // A pass is proven only by every check passing (the false-failure check); a fail or a warning by
        // one of the checks named for the bug, so such a run is given only those.
        cases:
          server.expected[mode] === 'pass'
            ? others
              ? [...GETSCFLIST_CHECKS, ...(server.family ? ALL_FLOW_CHECKS : FLOW_CHECKS)]
              : GETSCFLIST_CHECKS
            : server.catches,
      });
      expect(control).toBe(mode === 'control');
      const expected = server.expected[mode];
      // The failed and warned checks with their problems in the message, so an unexpected verdict says why.
      expect(verdictOf(results), `${server.name}, ${mode}: ${summary(results).join('\n') || 'nothing failed'}`).toBe(
        expected,
      );
      if (expected !== 'pass') {
        // A bug caught by some unrelated check would hide the kit missing that bug: the named checks must be among those that caught it.
        const caughtBy = results.filter((r) => r.status === expected).map((r) => r.id);
        const named = caughtBy.filter((id) => server.catches?.includes(id));
        expect(named, `named ${server.catches?.join(', ')}; caught only by ${caughtBy.join(', ')}`).not.toEqual([]);
      }
    } finally {
      await stop();
    }
    // A correct server runs every check and flow (~150 requests, and several servers at once): at a
    // load of 10 on 2 cores that took past the 20 s default.
  }, 300_000);
});

describe('a server that serves getscflist only', () => {
  it("has the other endpoints' flows skipped with the reason, not failed, after one probe per endpoint", async () => {
    const others = loadFlows().filter((flow) => flow.steps.every((step) => step.call?.path !== API_PATHS.getscflist));
    const { url, stop } = await start('correct.mjs', 'control');
    try {
      const { results, requestsSent } = await verifyServer({ baseUrl: url, cases: others.map((flow) => flow.id) });
      expect(results.map((r) => r.id)).toEqual(others.map((flow) => flow.id));
      for (const r of results) {
        expect({ id: r.id, status: r.status, reason: r.reason }).toMatchObject({
          status: 'skip',
          reason: expect.stringMatching(
            /^the server does not serve POST \/\S+ \(HTTP 404 to a probe\)|^the server serves getscflist alone/,
          ),
        });
      }
      // The health probe, then one probe for each of the other endpoints.
      expect(requestsSent).toBe(API_PATH_LIST.length);
    } finally {
      await stop();
    }
  });
});
