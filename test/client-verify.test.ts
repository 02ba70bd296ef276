import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseClientOutput } from '../contracts/process-client.js';
import { clientCases, runClientContract } from '../contracts/verify-client.js';
import { clientInvoker } from '../contracts/vitest.js';
import { runCli, tempDir } from './cli-process.js';
import { type ClientMutant, mutantClient } from './mutants.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLIENT_CASES = clientCases().length;

describe('wechat-scf-kit verify-client runs the example clients through stdin/stdout', () => {
  it.each([
    ['the TypeScript client', ['node', join(root, 'examples/typescript-client/dist/main.js')]],
    ['the Python client (standard library only)', ['python3', join(root, 'examples/python-client/main.py')]],
  ])('%s passes every client case', { timeout: 120_000 }, async (_name, command) => {
    const dir = await tempDir('scf-client-');
    const output = join(dir, 'junit.xml');
    const { code, stdout } = await runCli(
      ['verify-client', '--reporter', 'junit', '--output', output, '--', ...command],
      {
        timeoutMs: 110_000,
      },
    );
    expect(stdout.trim().split('\n').at(-1)).toBe(`${CLIENT_CASES} passed, 0 failed, 0 skipped`);
    expect(code).toBe(0);
    expect(await readFile(output, 'utf8')).toContain(`tests="${CLIENT_CASES}" failures="0"`);
  });

  it('reports a client that cannot run as failures, with its stderr', async () => {
    const { code, stdout } = await runCli([
      'verify-client',
      '--case',
      'GSL-PAGE-001',
      '--',
      'python3',
      '-c',
      'import sys; sys.exit("boom")',
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain('✗ GSL-PAGE-001');
    expect(stdout).toContain('exited with code 1');
    expect(stdout).toContain('boom');
  });
});

describe('parseClientOutput', () => {
  it.each([
    ['{"errcode":0,"errmsg":"ok","total_count":1,"functions":[]}', 0, { kind: 'resolved' }],
    ['{"errcode":40001,"errmsg":"x"}', 0, { kind: 'rejected', errcode: 40001 }],
    ['{"errcode":"40001","errmsg":"x"}', 0, { kind: 'rejected', errcode: '40001' }],
    ['{"error":"HTTP 502"}', 0, { kind: 'rejected', message: 'HTTP 502' }],
    ['debug line\n{"error":"timeout"}\n', 0, { kind: 'rejected', message: 'timeout' }],
    ['', 3, { kind: 'rejected', message: 'exited with code 3 and printed no JSON object' }],
  ])('%j with exit %i reads as %o', (stdout, code, expected) => {
    expect(parseClientOutput(stdout, code, '')).toMatchObject(expected);
  });
});

describe('the client contract catches broken clients', () => {
  const mutants: [ClientMutant, string, RegExp][] = [
    ['token in the body', 'GSL-PAGE-001', /access_token is in the body; it belongs in the query string only/],
    ['offset sent as a string', 'GSL-PAGE-002', /offset sent as "20", expected 20/],
    ['resolves on errcode != 0', 'GSL-ERR-004', /resolved with .* although the server answered errcode 40001/],
    ['ignores limit', 'GSL-PAGE-003', /limit sent as undefined, expected 5/],
    ['resolves with data on a 5xx', 'GSL-FAULT-003', /resolved with .* although the server answered HTTP 502/],
    [
      'no Content-Type and a form body',
      'GSL-PAGE-001',
      /Content-Type "text\/plain;charset=UTF-8", expected application\/json[\s\S]*the body is not JSON/,
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
    const { createScfClient } = await import('../examples/typescript-client/client.js');
    const ids = [...new Set(mutants.map(([, id]) => id))];
    const results = await runClientContract(
      clientInvoker((context) => createScfClient(context)),
      { cases: ids },
    );
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 'pass'));
  });
});
