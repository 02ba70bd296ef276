import { readFile } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCases } from '../../../contracts/cases.js';
import { loadFlows } from '../../../contracts/flows.js';
import { OBSERVATION_ENV } from '../../../contracts/server/run-observation.js';
import { serverChecks, verifyServer } from '../../../contracts/server/verify-server.js';
import { createApp } from '../../../mock-server/app.js';
import { type RunningMock, startMockServer } from '../../../mock-server/server.js';
import { type CliServer, runCli, startCli, tempDir } from '../../support/cli-process.js';
import { mutantServer, type ServerMutant } from '../../support/mutants.js';

async function listen(app: RequestListener): Promise<{ url: string; server: Server }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('verify against this mock (the kit and the mock agree)', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer();
  });
  afterAll(() => mock.close());

  it('passes every check and every case that has a call, each in its arranged state', async () => {
    const { control, results, listing } = await verifyServer({ baseUrl: mock.url, exclusive: true });
    expect(control).toBe(true);
    const failures = results.filter((r) => r.status !== 'pass');
    expect(failures).toEqual([]);
    expect(results.map((r) => r.id)).toEqual([
      ...serverChecks().map((c) => c.id),
      ...loadCases()
        .filter((c) => c.call)
        .map((c) => c.id),
      ...loadFlows().map((f) => f.id),
    ]);
    expect(listing).toEqual({
      env: OBSERVATION_ENV,
      seen: 260,
      total: 260,
      complete: true,
      pageLimit: 100,
      arranged: true,
    });
  });

  it('leaves the mock back at its start-up data', async () => {
    await verifyServer({ baseUrl: mock.url, cases: ['GSL-PAGE-001'] });
    expect(mock.store.envs().map((e) => e.id)).toEqual([
      'prod-5g7k2m9x3d',
      'myttest-8gu57so0bd9f9e8a',
      'legacy-3h8d1c0v7q',
    ]);
  });
});

describe('verify against a server without the control API (as against the real API)', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({
      control: false,
      data: { tokens: { 'real-token': 'valid' }, envs: { 'my-env': { generate: 40 }, 'big-env': { generate: 1200 } } },
    });
  });
  afterAll(() => mock.close());

  it('runs every case that needs no arranged state, the listing cases against the listing it read', async () => {
    const { control, results, listing } = await verifyServer({
      baseUrl: mock.url,
      accessToken: 'real-token',
      env: 'my-env',
    });
    expect(control).toBe(false);
    expect(results.filter((r) => r.status !== 'pass' && r.status !== 'skip')).toEqual([]);
    expect(listing).toMatchObject({ env: 'my-env', seen: 40, total: 40, complete: true, arranged: false });
    // What is left skipped truly needs arranged state: a token in a given state, an empty or
    // no-qbase env, an injected fault, or the control API itself.
    const flows = new Set(loadFlows().map((f) => f.id));
    const skipped = results.filter((r) => r.status === 'skip' && !flows.has(r.id));
    expect(skipped.map((r) => r.id)).toEqual([
      'GSL-CTL-001',
      'GSL-PAGE-010',
      'GSL-ERR-005',
      'GSL-ERR-006',
      'GSL-ERR-007',
      ...loadCases()
        .filter((c) => c.call && c.id.startsWith('GSL-FAULT-'))
        .map((c) => c.id),
    ]);
    expect(results.find((r) => r.id === 'GSL-ERR-005')).toMatchObject({
      reason: 'needs the control API to arrange a token that is expired',
    });
    expect(results.find((r) => r.id === 'GSL-FAULT-001')).toMatchObject({
      reason: 'needs the control API to inject a fault',
    });
  });

  it('never sends more requests than its budget, and says how much of the listing it read', async () => {
    mock.journal.clear();
    const { results, requestsSent, listing } = await verifyServer({
      baseUrl: mock.url,
      accessToken: 'real-token',
      env: 'my-env',
      maxRequests: 5,
    });
    // What the server received, its journal says: the control API probe and four API requests.
    expect(requestsSent).toBe(5);
    expect(mock.journal.snapshot().requests.map((r) => r.path)).toEqual([
      '/__mock/faults',
      ...Array.from({ length: 4 }, () => '/componenttcb/getscflist'),
    ]);
    expect(listing).toMatchObject({ seen: 40, total: 40, complete: true });
    expect(results.filter((r) => r.status === 'fail')).toEqual([]);
    expect(results.filter((r) => /request budget/.test(r.reason ?? '')).length).toBeGreaterThan(30);
  });

  it('reads only what the budget allows of a large env, says so, and checks that part exactly', async () => {
    const { results, listing } = await verifyServer({
      baseUrl: mock.url,
      accessToken: 'real-token',
      env: 'big-env',
      maxRequests: 20,
    });
    expect(listing).toMatchObject({ env: 'big-env', total: 1200, complete: false, pageLimit: 100 });
    expect(listing?.seen).toBeLessThan(1200);
    expect(results.find((r) => r.id === 'GSL-OBS-001')).toMatchObject({
      status: 'warn',
      warnings: [expect.stringMatching(/^only the first \d+ of 1200 functions were read within the request budget/)],
    });
    expect(results.filter((r) => r.status === 'fail')).toEqual([]);
  });

  it('the CLI fails when every case was skipped, rather than report success', async () => {
    // Only getscflist cases: the token endpoint's portable flows need no token, so they would run.
    const only = ['--case', 'GSL-PAGE-001', '--case', 'GSL-INV-001', '--case', 'GSL-TOKEN-007'];
    const { code, stdout, stderr } = await runCli(['verify', '--base-url', mock.url, ...only]);
    expect(stdout).toMatch(/\n0 passed, 0 failed, \d+ skipped\n$/);
    expect(stderr).toContain('No case ran: every one was skipped');
    expect(code).toBe(1);
  });

  it('skips the cases that need an env when none is given', async () => {
    const { results } = await verifyServer({ baseUrl: mock.url, accessToken: 'real-token' });
    expect(results.find((r) => r.id === 'GSL-INV-001')).toMatchObject({
      status: 'skip',
      reason: 'needs --env naming an env on the server',
    });
    expect(results.find((r) => r.id === 'GSL-ERR-001')?.status).toBe('pass');
  });
});

describe('verify catches broken servers', () => {
  const mutants: [ServerMutant, string, RegExp][] = [
    ['off-by-one paging', 'GSL-PAGE-002', /names \[/],
    ['total_count of the page', 'GSL-PAGE-001', /total_count 20, expected 25/],
    ['case-sensitive search', 'GSL-SEARCH-001', /total_count 0, expected 4/],
    ['errcode as a string', 'GSL-ERR-012', /errcode is the string "47001"; WeChat sends a number/],
    ['missing status_reason', 'GSL-PAGE-001', /status_reason: is required/],
    ['HTTP 400 for 47001', 'GSL-ERR-010', /HTTP 400, expected 200/],
  ];
  // Each mutant runs the case named for its bug alone, as the corpus runs a buggy entry; the baseline below
  // runs the same cases alone on the correct mock.
  it.each(mutants)('%s is caught by %s', async (mutant, id, problem) => {
    const { url, server } = await listen(mutantServer(mutant));
    try {
      const { results } = await verifyServer({ baseUrl: url, cases: [id] });
      const result = results.find((r) => r.id === id);
      expect(result?.status).toBe('fail');
      expect(result?.problems?.join('\n')).toMatch(problem);
      expect(result?.curl).toMatch(
        /^curl -s -X POST 'http:\/\/127\.0\.0\.1:\d+\/componenttcb\/getscflist\?access_token=ACCESS_TOKEN'/,
      );
    } finally {
      server.close();
    }
  });

  it('passes each of those cases run alone on the correct mock', async () => {
    const ids = [...new Set(mutants.map(([, id]) => id))];
    const { url, server } = await listen(createApp({ data: {}, control: true }));
    try {
      const { results } = await verifyServer({ baseUrl: url, cases: ids });
      expect(results.map((r) => [r.id, r.status]).sort()).toEqual(ids.map((id) => [id, 'pass']).sort());
    } finally {
      server.close();
    }
  });
});

describe('wechat-scf-kit verify (the CLI)', () => {
  let server: CliServer;
  beforeAll(async () => {
    server = await startCli(['--port', '0', '--quiet']);
  });
  afterAll(() => server.stop());

  it('prints one line per case and a summary, exits 0, and writes JUnit XML', async () => {
    const dir = await tempDir('scf-verify-');
    const output = join(dir, 'report.xml');
    const { code, stdout } = await runCli(
      ['verify', '--base-url', server.url, '--exclusive', '--reporter', 'junit', '--output', output],
      {
        timeoutMs: 60_000,
      },
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/^✓ GSL-PAGE-001 the default page is the first 20 functions/m);
    const cases = loadCases().filter((c) => c.call).length + serverChecks().length + loadFlows().length;
    expect(stdout.trim().split('\n').at(-1)).toBe(`${cases} passed, 0 failed, 0 skipped`);
    const xml = await readFile(output, 'utf8');
    expect(xml).toContain(`<testsuite name="wechat-scf-kit verify" tests="${cases}" failures="0" skipped="0"`);
    expect(xml.match(/<testcase /g)).toHaveLength(cases);
  });

  it('exits 1 with the failure, a diff and a curl, never showing the token', async () => {
    const { url, server: broken } = await listen(mutantServer('total_count of the page'));
    try {
      const { code, stdout } = await runCli([
        'verify',
        '--base-url',
        url,
        '--access-token',
        'secret-token-42',
        '--case',
        'GSL-PAGE-001',
      ]);
      expect(code).toBe(1);
      expect(stdout).toContain('✗ GSL-PAGE-001');
      expect(stdout).toContain('total_count 20, expected 25');
      expect(stdout).toContain('reproduce: curl');
      expect(stdout).not.toContain('secret-token-42');
      expect(stdout.trim().split('\n').at(-1)).toBe('0 passed, 1 failed, 0 skipped');
    } finally {
      broken.close();
    }
  });

  it.each([
    [['verify'], /^wechat-scf-kit: verify needs --base-url URL/],
    [['verify', '--base-url', 'ftp://x'], /^wechat-scf-kit: --base-url must be an http or https URL/],
    [
      ['verify', '--base-url', 'http://127.0.0.1:1', '--case', 'GSL-NOPE-001'],
      /^wechat-scf-kit: unknown case GSL-NOPE-001/,
    ],
    [
      ['verify', '--base-url', 'http://127.0.0.1:1', '--reporter', 'tap'],
      /^wechat-scf-kit: --reporter must be pretty or junit/,
    ],
    [['verify-client'], /^wechat-scf-kit: verify-client needs a command after --/],
    [
      ['verify-client', '--', 'no-such-client-program'],
      /^wechat-scf-kit: cannot run "no-such-client-program": not found on PATH/,
    ],
    [
      ['verify-client', '--', './no/such/client.sh'],
      /^wechat-scf-kit: cannot run "\.\/no\/such\/client\.sh": no such executable file/,
    ],
  ])('%j exits 2 with one line', async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a server that cannot be reached exits 3 (could not run), not 1 (a case failed) or 2 (usage), in one line', async () => {
    const { code, stderr } = await runCli(['verify', '--base-url', 'http://127.0.0.1:1']);
    expect(stderr).toMatch(/^wechat-scf-kit: cannot reach http:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(code).toBe(3);
  });
});
