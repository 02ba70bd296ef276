import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientCases } from '../../../contracts/client/call-plan.js';
import { parseClientOutput } from '../../../contracts/client/process-client.js';
import { runClientContract } from '../../../contracts/client/verify-client.js';
import { clientInvoker } from '../../../contracts/client/vitest.js';
import { type Bends, bentClient } from '../../support/bent-client.js';
import { runCli } from '../../support/cli-process.js';
import { type ClientMutant, mutantClient } from '../../support/mutants.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const CLIENT_CASES = clientCases().length;
const PYTHON_EXAMPLE = ['python3', join(root, 'examples/python-client/main.py')];
const fixture = (name: string) => join(root, 'test/fixtures/clients', name);

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'scf-client-test-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('wechat-scf-kit verify-client runs the example clients through stdin/stdout', () => {
  it('the Python client (standard library only) passes every client case', { timeout: 180_000 }, async () => {
    const output = join(scratch, 'junit.xml');
    const { code, stdout } = await runCli(
      ['verify-client', '--reporter', 'junit', '--output', output, '--', ...PYTHON_EXAMPLE],
      { timeoutMs: 170_000 },
    );
    expect(stdout.trim().split('\n').at(-1)).toBe(`${CLIENT_CASES} passed, 0 failed, 0 skipped`);
    expect(code).toBe(0);
    expect(await readFile(output, 'utf8')).toContain(`tests="${CLIENT_CASES}" failures="0"`);
  });

  // Every case runs on the TypeScript client in process (client-contract.test.ts); as a program it
  // shows its main.ts speaks the protocol in each kind of outcome: a success, a WeChat failure, a
  // transport failure, a timeout, and an answer not kept from an earlier call.
  const PROGRAM_CASES = ['GSL-PAGE-001', 'GSL-ERR-004', 'GSL-FAULT-003', 'GSL-FAULT-008', 'GSL-CACHE-007'];
  it('the TypeScript client, run as a program, passes a case of each kind of outcome', {
    timeout: 60_000,
  }, async () => {
    const { code, stdout } = await runCli(
      [
        'verify-client',
        ...PROGRAM_CASES.flatMap((id) => ['--case', id]),
        '--',
        'node',
        join(root, 'examples/typescript-client/dist/main.js'),
      ],
      { timeoutMs: 50_000 },
    );
    expect(stdout.trim().split('\n').at(-1)).toBe(`${PROGRAM_CASES.length} passed, 0 failed, 0 skipped`);
    expect(code).toBe(0);
  });

  it.each([150, 1000, 3000])(
    'the Python client passes the slow-answer cases with --timeout-ms %i (delays follow the timeout)',
    { timeout: 60_000 },
    async (timeoutMs) => {
      const { code, stdout } = await runCli(
        [
          'verify-client',
          '--timeout-ms',
          String(timeoutMs),
          '--case',
          'GSL-FAULT-008',
          '--case',
          'GSL-FAULT-009',
          '--',
          ...PYTHON_EXAMPLE,
        ],
        { timeoutMs: 50_000 },
      );
      expect(stdout).toContain('2 passed, 0 failed, 0 skipped');
      expect(code).toBe(0);
    },
  );

  it('leaves no temp folder behind', { timeout: 60_000 }, async () => {
    const env = { TMPDIR: scratch };
    await runCli(['verify-client', '--case', 'GSL-CACHE-001', '--', ...PYTHON_EXAMPLE], { timeoutMs: 50_000, env });
    expect((await readdir(scratch)).filter((name) => name.startsWith('wechat-scf-kit-client-'))).toEqual([]);
  });
});

describe('verify-client on programs that cannot run or break the protocol', () => {
  it('names a script that is not executable, in one line, exit 2', async () => {
    const script = join(scratch, 'not-executable.py');
    await writeFile(script, 'print(1)\n');
    const { code, stderr, stdout } = await runCli(['verify-client', '--', script]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr.trim()).toMatch(/^wechat-scf-kit: cannot run .*not-executable\.py.*: no such executable file$/);
  });

  it('names a missing interpreter, in one line, exit 3 (could not run)', async () => {
    const script = join(scratch, 'no-interpreter.py');
    await writeFile(script, '#!/usr/bin/env python-that-is-not-there\nprint(1)\n');
    await chmod(script, 0o755);
    const { code, stderr, stdout } = await runCli(['verify-client', '--case', 'GSL-PAGE-001', '--', script]);
    expect({ code, stdout }).toEqual({ code: 3, stdout: '' });
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/cannot run .*no-interpreter\.py: exit code 127: .*python-that-is-not-there/);
  });

  it('calls output that is not one JSON document a protocol error, with stdout and stderr', async () => {
    const { code, stdout } = await runCli([
      'verify-client',
      '--case',
      'GSL-PAGE-001',
      '--',
      'python3',
      '-c',
      'import sys; print("fetching…"); print("{}"); sys.stderr.write("a warning\\n")',
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain('✗ GSL-PAGE-001');
    expect(stdout).toContain('protocol error: the client printed a stdout that is not one JSON document');
    expect(stdout).toContain('stdout (first 500 bytes): fetching…');
    expect(stdout).toContain('a warning');
  });

  it('passes a client that prints its typed records with sorted keys over several lines', {
    timeout: 60_000,
  }, async () => {
    const { code, stdout } = await runCli(
      ['verify-client', '--case', 'GSL-PAGE-001', '--case', 'GSL-ERR-004', '--', 'python3', fixture('pretty.py')],
      { timeoutMs: 50_000 },
    );
    expect(stdout).toContain('2 passed, 0 failed, 0 skipped');
    expect(code).toBe(0);
  });

  it('fails the project\'s "resolves on errcode != 0" mutant, run as a program', { timeout: 60_000 }, async () => {
    const cases = ['--case', 'GSL-PAGE-001', '--case', 'GSL-ERR-004', '--case', 'GSL-FAULT-001'];
    const { code, stdout } = await runCli(
      ['verify-client', ...cases, '--', 'node', fixture('resolves-on-errcode.mjs')],
      { timeoutMs: 50_000 },
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /✗ GSL-ERR-004[^\n]*\n[\s\S]*?the client returned a result \(\{"errcode":40001[^\n]*but the server answered errcode 40001/,
    );
    expect(stdout).toMatch(/✗ GSL-FAULT-001/);
    expect(stdout).toContain('✓ GSL-PAGE-001');
    expect(stdout).toContain('1 passed, 2 failed, 0 skipped');
  });

  it('fails a client whose disk cache (in TMPDIR) serves a stored answer when a later call fails', {
    timeout: 60_000,
  }, async () => {
    const { code, stdout } = await runCli(
      ['verify-client', '--case', 'GSL-CACHE-001', '--case', 'GSL-PAGE-001', '--', 'python3', fixture('disk-cache.py')],
      { timeoutMs: 50_000 },
    );
    expect(code).toBe(1);
    expect(stdout).toContain('✓ GSL-PAGE-001');
    expect(stdout).toMatch(/call 2 of 3: the client returned a result .* without sending a request/);
  });

  it('passes a client sending JSON without Content-Type with a warning, and fails it with --strict', async () => {
    const args = ['--case', 'GSL-PAGE-003', '--', 'python3', fixture('no-content-type.py')];
    const lenient = await runCli(['verify-client', ...args]);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toMatch(
      /! GSL-PAGE-003 [^\n]* \(warning\)\n {4}warning: the JSON body was sent with Content-Type "application\/x-www-form-urlencoded"/,
    );
    expect(lenient.stdout).toContain('0 passed, 1 warned, 0 failed, 0 skipped');
    const strict = await runCli(['verify-client', '--strict', ...args]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('(a failure with strict)');
  });
});

describe('parseClientOutput reads the whole stdout as one JSON document', () => {
  it.each([
    ['{"result":{"total_count":1,"functions":[]}}', 0, { kind: 'result', value: { total_count: 1, functions: [] } }],
    ['\n{\n  "result": {\n    "functions": [],\n    "total_count": 1\n  }\n}\n\n', 0, { kind: 'result' }],
    ['{"errmsg":"x rid: 1","errcode":40001}', 1, { kind: 'wechat-failure', errcode: 40001, errmsg: 'x rid: 1' }],
    ['{"errcode":"40001","errmsg":"x"}', 0, { kind: 'wechat-failure', errcode: '40001' }],
    ['{"error":"HTTP 502"}', 3, { kind: 'transport-failure', message: 'HTTP 502' }],
  ])('%j (exit %i) reads as %o', (stdout, code, expected) => {
    expect(parseClientOutput(stdout, code, '')).toMatchObject(expected);
  });

  it.each([
    ['', /printed nothing on stdout \(it exited with code 1\)/],
    ['debug line\n{"error":"timeout"}', /printed a stdout that is not one JSON document/],
    ['{"result":1}\n{"result":2}', /printed a stdout that is not one JSON document/],
    ['[1]', /printed an array, not an object/],
    [
      '{"errcode":0,"errmsg":"ok","total_count":3,"functions":[]}',
      /printed an object that mixes "errcode", "errmsg", "functions", "total_count"/,
    ],
    ['{"data":1}', /with none of "result", "errcode" or "error"/],
  ])('%j is a protocol error', (stdout, message) => {
    const outcome = parseClientOutput(stdout, 1, 'x'.repeat(600));
    expect(outcome.kind).toBe('broken');
    expect((outcome as { message: string }).message).toMatch(message);
    expect(outcome.stderr).toMatch(/^x{500}… \(600 bytes in all\)$/);
  });
});

describe('the client contract decides as a client author would', () => {
  const verdict = async (bends: Bends, ids: string[], timeoutMs = 1000, strict = false) =>
    runClientContract(
      clientInvoker((context) => bentClient(context, bends)),
      { cases: ids, timeoutMs, strict },
    );

  it.each<[string, Bends, string[], 'pass' | 'warn']>([
    [
      'retrying a transient failure 3 times, then surfacing it',
      { retries: 3 },
      ['GSL-FAULT-001', 'GSL-FAULT-003', 'GSL-FAULT-007', 'GSL-RETRY-001'],
      'pass',
    ],
    ['refusing limit 101 without sending', { refuseLimitFrom: 101 }, ['GSL-PAGE-008', 'GSL-PAGE-007'], 'pass'],
    [
      'sending null for absent optionals (with a warning)',
      { nullOptionals: true },
      ['GSL-PAGE-001', 'GSL-PAGE-002'],
      'warn',
    ],
  ])('passes a client %s', async (_name, bends, ids, status) => {
    const results = await verdict(bends, ids);
    expect(results.map((r) => [r.id, r.status, r.problems]).sort()).toEqual(
      ids.map((id) => [id, status, undefined]).sort(),
    );
  });

  it('warns of null optionals, and fails them with strict', async () => {
    const [lenient] = await verdict({ nullOptionals: true }, ['GSL-PAGE-002']);
    expect(lenient.warnings).toEqual([
      'sent null for limit, searchkey where the caller gave no value; leaving the field out is safer (the mock reads null as absent)',
    ]);
    const [strict] = await verdict({ nullOptionals: true }, ['GSL-PAGE-002'], 1000, true);
    expect(strict.status).toBe('fail');
  });

  it.each<[string, Bends, string, RegExp]>([
    [
      'trimming searchkey',
      { searchkey: (k) => k.trim() },
      'GSL-SEARCH-026',
      /searchkey sent as "total", expected " total "/,
    ],
    [
      'escaping searchkey for SQL LIKE',
      { searchkey: (k) => k.replace(/[%_\\]/g, '\\$&') },
      'GSL-SEARCH-021',
      /searchkey sent as "r\\\\_t", expected "r_t"/,
    ],
    ['lower-casing searchkey', { searchkey: (k) => k.toLowerCase() }, 'GSL-SEARCH-027', /searchkey sent as "über"/],
    [
      'dropping backslashes from searchkey',
      { searchkey: (k) => k.replace(/\\/g, '') },
      'GSL-SEARCH-023',
      /sent as "np"/,
    ],
    ['percent-encoding searchkey', { searchkey: encodeURIComponent }, 'GSL-SEARCH-022', /sent as "k%25u"/],
    [
      'dropping characters beyond ASCII',
      { searchkey: (k) => k.replace(/[\u{80}-\u{10FFFF}]/gu, '') },
      'GSL-SEARCH-028',
      /sent as ""/,
    ],
  ])('fails a client %s, naming what it sent', async (_name, bends, id, problem) => {
    const [result] = await verdict(bends, [id]);
    expect(result.status).toBe('fail');
    expect(result.problems?.join('\n')).toMatch(problem);
  });

  it.each<[string, Bends, string, RegExp]>([
    [
      'refusing a valid limit (100)',
      { refuseLimitFrom: 100 },
      'GSL-PAGE-007',
      /the client sent no request to the mock/,
    ],
    [
      'retrying 4 times',
      { retries: 4 },
      'GSL-FAULT-001',
      /sent 5 requests; a transient failure may be retried at most 3 times/,
    ],
    [
      'retrying 40001 with the same token',
      { retries: 1, retryErrcodes: [40001] },
      'GSL-ERR-004',
      /sent 2 requests; errcode 40001 is not transient and must be sent once \(retrying 40001/,
    ],
    [
      'retrying 45011',
      { retries: 2, retryErrcodes: [45011] },
      'GSL-FAULT-002',
      /sent 3 requests; errcode 45011 is not transient and must be sent once/,
    ],
    [
      'retrying 40001 without end',
      { retries: 30, retryErrcodes: [40001] },
      'GSL-ERR-004',
      /kept sending: over 10 requests for one call, a retry loop without end/,
    ],
    [
      'treating only errcode > 0 as a failure',
      { positiveErrcodeOnly: true },
      'GSL-FAULT-001',
      /the client returned a result \(.*\) but the server answered errcode -1 \("system error rid: /,
    ],
    [
      'dropping the rid from errmsg',
      { stripRid: true },
      'GSL-ERR-004',
      /the client surfaced errmsg "invalid credential, access_token is invalid or not latest"; the server sent "invalid credential, access_token is invalid or not latest rid: [0-9a-f-]+"/,
    ],
    [
      'sending a token with the same prefix',
      { token: (t) => `${t.slice(0, 20)}x${t.slice(21)}` },
      'GSL-PAGE-001',
      /the access_token in the query is not the whole token the client was given/,
    ],
    [
      'serving a kept answer when a later call fails',
      { staleCache: true },
      'GSL-CACHE-002',
      /call 2 of 3: the client returned a result .* but the server answered errcode 45011/,
    ],
    [
      'serving kept answers without asking',
      { cacheFirst: true },
      'GSL-CACHE-005',
      /call 2 of 2: the client sent no request to the mock[\s\S]*without sending a request/,
    ],
    ['caching across tokens', { cacheFirst: true }, 'GSL-CACHE-007', /call 2 of 2: the client sent no request/],
  ])('fails a client %s', { timeout: 60_000 }, async (_name, bends, id, problem) => {
    const [result] = await verdict(bends, [id]);
    expect(result.status).toBe('fail');
    expect(result.problems?.join('\n')).toMatch(problem);
  });

  // Every timing rule is proven on synthetic journal entries in timing.test.ts; this one run in real time, at a
  // short timeout, proves the runner measures a client's times at the mock and runs a late case again.
  it('with a timeout of 150 ms, fails a client giving up after 5 times it in each of 3 runs, and passes a correct one', {
    timeout: 60_000,
  }, async () => {
    const [result] = await verdict({ timeoutFactor: 5 }, ['GSL-FAULT-008'], 150);
    expect(result.status).toBe('fail');
    expect(result.problems?.join('\n')).toMatch(/gave up \d+ ms after the request arrived; it was told 150 ms/);
    expect(result.problems?.at(-1)).toMatch(/^late in each of 3 runs of the case \(earlier: .* \| /);
    const correct = await verdict({}, ['GSL-FAULT-008', 'GSL-FAULT-009'], 150);
    expect(correct.map((r) => r.status)).toEqual(['pass', 'pass']);
  });
});

describe('the client contract catches broken clients', () => {
  const mutants: [ClientMutant, string, RegExp][] = [
    ['token in the body', 'GSL-PAGE-001', /access_token is in the body; it belongs in the query string only/],
    ['offset sent as a string', 'GSL-PAGE-002', /offset sent as "20", expected 20/],
    [
      'resolves on errcode != 0',
      'GSL-ERR-004',
      /the client returned a result .* but the server answered errcode 40001/,
    ],
    ['ignores limit', 'GSL-PAGE-003', /limit sent as undefined, expected 5/],
    [
      'resolves with data on a 5xx',
      'GSL-FAULT-003',
      /the client returned a result .* but the server answered HTTP 502/,
    ],
    [
      'no Content-Type and a form body',
      'GSL-PAGE-001',
      /the body is not JSON \(Content-Type "text\/plain;charset=UTF-8"\)/,
    ],
  ];
  it.each(mutants)('%s is caught by %s', async (mutant, id, problem) => {
    const results = await runClientContract(
      clientInvoker((context) => mutantClient(mutant, context)),
      { cases: [id] },
    );
    expect(results).toHaveLength(1);
    expect(results[0].status).toBe('fail');
    expect(results[0].problems?.join('\n')).toMatch(problem);
  });

  it('the same cases pass for the correct client', async () => {
    const { createScfClient } = await import('../../../examples/typescript-client/client.js');
    const ids = [...new Set(mutants.map(([, id]) => id))];
    const results = await runClientContract(
      clientInvoker((context) => createScfClient(context)),
      { cases: ids },
    );
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 'pass'));
  });
});
