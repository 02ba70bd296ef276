import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatJunit, formatPretty } from '../../../contracts/report.js';
import { checkOrder, compareWithListing, type ObservedListing } from '../../../contracts/server/listing-model.js';
import { observationFunctions, servedOrder } from '../../../contracts/server/observation-env.js';
import { MISREADINGS, planSearches } from '../../../contracts/server/search-keys.js';
import { verifyServer } from '../../../contracts/server/verify-server.js';
import type { CloudFunction, MockDataFile } from '../../../generated/schemas.js';
import { createApp } from '../../../mock-server/app.js';
import { type RunningMock, startMockServer } from '../../../mock-server/server.js';
import { Store } from '../../../mock-server/state/env-store.js';
import { runCli } from '../../support/cli-process.js';
import { mutantServer, type ServerMutant } from '../../support/mutants.js';

async function listen(app: RequestListener): Promise<{ url: string; server: Server }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** What a server holds when verify cannot arrange anything: seeded fake functions, nothing designed for the kit. */
const OBSERVED_DATA: MockDataFile = { tokens: { 'real-token': 'valid' }, envs: { 'my-env': { generate: 150 } } };

/** Runs verify on a mutant: every case, or (as the corpus runs a buggy entry) only the case named for its bug. */
async function verifyMutant(mutant: ServerMutant, mode: 'control' | 'stateless', cases?: string[]) {
  const app = mode === 'control' ? mutantServer(mutant) : mutantServer(mutant, { control: false, data: OBSERVED_DATA });
  const { url, server } = await listen(app);
  try {
    return await verifyServer(
      mode === 'control' ? { baseUrl: url, cases } : { baseUrl: url, accessToken: 'real-token', env: 'my-env', cases },
    );
  } finally {
    server.close();
  }
}

describe('verify catches paging, search, order and header bugs in both modes', () => {
  // [mutant, the check that catches it, what it says]; null: not observable on that data.
  const table: [ServerMutant, string, RegExp, string | null][] = [
    ['search after paging', 'GSL-OBS-005', /filter after paging/, 'GSL-OBS-005'],
    ['default limit 10', 'GSL-OBS-003', /10 functions, expected 20/, 'GSL-OBS-003'],
    ['page capped at 50', 'GSL-OBS-001', /limit 100 gave 50 functions of total_count \d+, expected 100/, 'GSL-OBS-001'],
    ['sorted by name only', 'GSL-OBS-002', /not newest add_time first/, 'GSL-OBS-002'],
    ['searchkey as a regular expression', 'GSL-OBS-007', /reads the request as: regular expression/, 'GSL-OBS-007'],
    ['searchkey as a prefix', 'GSL-OBS-005', /prefix only/, 'GSL-OBS-005'],
    ['searchkey as SQL LIKE', 'GSL-OBS-007', /reads the request as: SQL LIKE/, 'GSL-OBS-007'],
    ['searchkey as a glob', 'GSL-OBS-007', /reads the request as: glob/, 'GSL-OBS-007'],
    ['searchkey trimmed', 'GSL-OBS-007', /reads the request as: key trimmed of white space/, 'GSL-OBS-007'],
    ['backslashes dropped from searchkey', 'GSL-OBS-007', /reads the request as: backslashes dropped/, 'GSL-OBS-007'],
    // Seeded fake names are ASCII: a key with a cased letter beyond ASCII has no name to find there.
    ['case folded for ASCII only', 'GSL-OBS-008', /case ignored for ASCII letters only/, null],
    ['case-sensitive search', 'GSL-OBS-005', /case-sensitive/, 'GSL-OBS-005'],
    ['off-by-one paging', 'GSL-OBS-001', /the pages hold 259 functions in all, but total_count is 260/, 'GSL-OBS-001'],
    ['total_count of the page', 'GSL-OBS-001', /total_count 100, but 260 functions were arranged/, 'GSL-OBS-003'],
    ['text/plain Content-Type', 'GSL-OBS-009', /Content-Type "text\/plain; charset=utf-8" is not JSON/, 'GSL-OBS-009'],
    // Seeded fake functions have no two equal add_times, so a wrong tie order cannot show there.
    ['ties by name descending', 'GSL-OBS-002', /equal add_time not ordered by name/, null],
  ];

  it.each(table)('%s: with the control API, %s fails', async (mutant, id, says) => {
    const { results } = await verifyMutant(mutant, 'control', [id]);
    const result = results.find((r) => r.id === id);
    expect(result?.status).toBe('fail');
    expect(result?.problems?.join('\n')).toMatch(says);
  });

  it.each(table)(
    '%s: from observation alone, %s (or nothing, when not observable) fails',
    async (mutant, _id, _says, id) => {
      // Not observable: every case runs, and none may fail (no false failure on a bug the data cannot show).
      const { results } = await verifyMutant(mutant, 'stateless', id === null ? undefined : [id]);
      const failed = results.filter((r) => r.status === 'fail').map((r) => r.id);
      if (id === null) expect(failed).toEqual([]);
      else expect(failed).toEqual([id]);
    },
  );

  it('passes, on the correct mock from observation alone, each check named above run by itself', async () => {
    // The baseline of the single-check runs above: a check that failed alone on a correct server would pass them all.
    const ids = [...new Set(table.map(([, , , id]) => id).filter((id) => id !== null))];
    const { url, server } = await listen(createApp({ control: false, data: OBSERVED_DATA }));
    try {
      const { results } = await verifyServer({ baseUrl: url, accessToken: 'real-token', env: 'my-env', cases: ids });
      expect(results.map((r) => [r.id, r.status]).sort()).toEqual(ids.map((id) => [id, 'pass']).sort());
    } finally {
      server.close();
    }
  });

  it('a JSON Content-Type other than the real one is a warning, shown in both reports, and not a failure', async () => {
    for (const mode of ['control', 'stateless'] as const) {
      const { results } = await verifyMutant('charset=utf-8 Content-Type', mode);
      expect(results.filter((r) => r.status === 'fail')).toEqual([]);
      const header = results.find((r) => r.id === 'GSL-OBS-009');
      expect(header?.status).toBe('warn');
      expect(header?.warnings?.[0]).toMatch(
        /^Content-Type "application\/json; charset=utf-8" \(\d+ answers, e\.g\. GSL-OBS\): JSON, but the real servers send "application\/json; encoding=utf-8"$/,
      );
      const pretty = formatPretty(results);
      expect(pretty).toMatch(
        /^! GSL-OBS-009 every WeChat answer has a JSON Content-Type.* \(warning\)\n {4}warning: Content-Type/m,
      );
      expect(pretty.split('\n').at(-1)).toMatch(/^\d+ passed, 1 warned, 0 failed, \d+ skipped$/);
      expect(formatJunit('s', results)).toMatch(
        /<system-out>warning: Content-Type &quot;application\/json; charset=utf-8&quot;/,
      );
    }
  });
});

describe('verify against this mock started without the control API', () => {
  let open: RunningMock;
  let listed: RunningMock;
  beforeAll(async () => {
    open = await startMockServer({ control: false, data: { envs: { 'my-env': { generate: 10 } } } });
    listed = await startMockServer({ control: false, data: { ...OBSERVED_DATA, seed: 7 } });
  });
  afterAll(async () => {
    await open.close();
    await listed.close();
  });

  it('says the server accepts any token when it lists none', async () => {
    const { results } = await verifyServer({ baseUrl: open.url, accessToken: 'made-up-token', env: 'my-env' });
    // The same token check on getscflist (ERR-004), beside a good component_access_token (KEY-004), on describeenvs (ENVS-005).
    expect(results.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual([
      'GSL-ERR-004',
      'GSL-KEY-004',
      'GSL-ENVS-005',
    ]);
    expect(results.find((r) => r.id === 'GSL-ERR-004')?.problems).toEqual([
      'errcode 0, expected 40001',
      'the server accepts any token: one it cannot know answered errcode 0 (a faithful server answers 40001)',
    ]);
  });

  it('passes everything that can be observed when its data lists the token', async () => {
    const { results } = await verifyServer({ baseUrl: listed.url, accessToken: 'real-token', env: 'my-env' });
    expect(results.filter((r) => r.status !== 'pass' && r.status !== 'skip')).toEqual([]);
    expect(results.filter((r) => r.status === 'pass').length).toBeGreaterThan(50);
  });
});

describe('verify --control-token', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({ controlToken: 'control-secret-1' });
  });
  afterAll(() => mock.close());

  it('arranges every case through a control API that needs the token', async () => {
    const { control, results } = await verifyServer({
      baseUrl: mock.url,
      controlToken: 'control-secret-1',
      cases: ['GSL-OBS-001', 'GSL-ERR-005', 'GSL-FAULT-001'],
    });
    expect(control).toBe(true);
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['GSL-OBS-001', 'pass'],
      ['GSL-ERR-005', 'pass'],
      ['GSL-FAULT-001', 'pass'],
    ]);
  });

  it('reads the control token from WECHAT_SCF_KIT_CONTROL_TOKEN too (on the command line, ps shows it)', {
    timeout: 60_000,
  }, async () => {
    const { code, stdout } = await runCli(['verify', '--base-url', mock.url, '--case', 'GSL-ERR-005'], {
      env: { WECHAT_SCF_KIT_CONTROL_TOKEN: 'control-secret-1' },
      timeoutMs: 55_000,
    });
    expect(stdout).toContain('1 passed, 0 failed');
    expect(stdout).not.toContain('control-secret-1');
    expect(code).toBe(0);
  });

  it.each([
    [
      [],
      /the \/__mock\/ control API needs a token \(HTTP 401\); pass --control-token T or set WECHAT_SCF_KIT_CONTROL_TOKEN$/,
    ],
    [
      ['--control-token', 'wrong-token-0'],
      /the \/__mock\/ control API refused the control token \(HTTP 401\); check --control-token$/,
    ],
  ])(
    '%j: exits 3 (could not run) with one line rather than run as if there were no control API',
    async (extra, message) => {
      const { code, stderr } = await runCli(['verify', '--base-url', mock.url, ...extra]);
      expect(code).toBe(3);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr.trim()).toMatch(message);
    },
  );
});

describe('search keys picked from the listing', () => {
  const arranged = servedOrder(observationFunctions()).map((f) => f.name);
  const generated = (new Store({ envs: { e: { generate: 150 } } }, 1).getEnv('e')?.table.all() ?? []).map(
    (f) => f.record.name,
  );

  it.each([
    ['the arranged env', arranged, []],
    // No name beyond ASCII has a case there, so no key can show a case fold that stops at ASCII.
    ['seeded fake functions', generated, ['case ignored for ASCII letters only']],
  ])('on %s, tell every misreading apart from the contract (but %j)', (_what, names, untold) => {
    const plan = planSearches(names);
    const caught = new Set(
      [plan.substring, plan.window, ...plan.special, ...plan.nonAscii].flatMap((step) => step?.caught ?? []),
    );
    expect(MISREADINGS.map((r) => r.name).filter((name) => !caught.has(name))).toEqual(untold);
  });

  it('send at most four pattern keys and two beyond ASCII, keeping within a small request budget', () => {
    for (const names of [arranged, generated]) {
      const plan = planSearches(names);
      expect(plan.special.length).toBeLessThanOrEqual(4);
      expect(plan.nonAscii.length).toBeLessThanOrEqual(2);
    }
  });

  it('take a key with a character special to patterns from a real name when there is one', () => {
    const plan = planSearches(arranged);
    expect(plan.special[0].query.searchkey).toMatch(/[.*(+_?%\\ ]/);
    expect(arranged.some((name) => name.toLowerCase().includes(plan.special[0].query.searchkey.toLowerCase()))).toBe(
      true,
    );
    expect(plan.nonAscii[0].query.searchkey).toMatch(/[^\x20-\x7e]/);
  });
});

describe('the arranged env', () => {
  const functions = observationFunctions();
  it('is larger than the largest page, with ties, special and non-ASCII names, and not in name order', () => {
    expect(functions.length).toBeGreaterThanOrEqual(250);
    const served = servedOrder(functions).map((f) => f.name);
    expect(served).not.toEqual([...served].sort());
    const times = functions.map((f) => f.add_time);
    expect(new Set(times).size).toBeLessThan(times.length);
    expect(functions.some((f) => /[.*(+]/.test(f.name))).toBe(true);
    expect(functions.some((f) => /[^\x20-\x7e]/.test(f.name))).toBe(true);
    const users = served.flatMap((name, i) => (name.startsWith('user') ? [i] : []));
    expect(Math.max(...users)).toBeGreaterThan(100);
  });
});

describe('the listing model', () => {
  const fn = (name: string, add_time: string): CloudFunction => ({
    mod_time: add_time,
    add_time,
    runtime: 'Nodejs18.15',
    name,
    status: 'Active',
    status_reason: [],
  });
  const names = ['b', 'a1', 'c', 'A2', 'd'];
  const listing = (complete: boolean): ObservedListing => ({
    env: 'e',
    functions: (complete ? names : names.slice(0, 3)).map((n, i) => fn(n, `2024-01-0${9 - i} 00:00:00`)),
    total: 5,
    complete,
    pageLimit: 3,
  });
  const page = (total: number, list: string[]) => ({ total_count: total, functions: list.map((name) => ({ name })) });

  it('expects the exact window of the matches when the whole listing was read', () => {
    const q = { offset: 1, limit: 1, searchkey: 'A' };
    expect(compareWithListing(listing(true), q, page(2, ['A2']))).toEqual([]);
    expect(compareWithListing(listing(true), q, page(1, ['A2']))).toEqual([
      'total_count 1, expected 2 (the names containing "A")',
    ]);
  });

  it('checks what the part it read decides when it read only part', () => {
    expect(compareWithListing(listing(false), { offset: 2, limit: 2, searchkey: '' }, page(5, ['c', 'A2']))).toEqual(
      [],
    );
    expect(compareWithListing(listing(false), { offset: 2, limit: 2, searchkey: '' }, page(5, ['c', 'b']))).toEqual([
      '["b"] cannot follow the functions seen',
    ]);
    expect(compareWithListing(listing(false), { offset: 0, limit: 20, searchkey: 'a' }, page(0, []))).toEqual([
      'total_count 0, but 1 names containing "a" were seen already',
      'names [], expected ["a1"] (the start of the window 0..20 of the names containing "a" seen)',
    ]);
  });

  it('orders ties by name as code units, and warns (not fails) for ties ordered ignoring case', () => {
    const t = '2024-01-01 00:00:00';
    expect(checkOrder([fn('B', t), fn('a', t)])).toEqual({ problems: [], warnings: [] });
    expect(checkOrder([fn('a', t), fn('B', t)]).problems).toEqual([]);
    expect(checkOrder([fn('a', t), fn('B', t)]).warnings).toHaveLength(1);
    expect(checkOrder([fn('b', t), fn('a', t)]).problems).toEqual([
      'equal add_time not ordered by name at positions 0 and 1: "b" (2024-01-01 00:00:00) before "a" (2024-01-01 00:00:00)',
    ]);
    expect(checkOrder([fn('a', '2024-01-01 00:00:00'), fn('b', '2024-01-02 00:00:00')]).problems[0]).toMatch(
      /^not newest add_time first/,
    );
  });
});
