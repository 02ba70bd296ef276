// The invoke cases (verify-client --invoke): the Python example passes them all, and each realistic bug is caught by its case.
import { describe, expect, it } from 'vitest';
import { INVOKE_CASES, invokeCall, runInvokeCase, runInvokeContract } from '../../../contracts/client/invoke-client.js';
import { processClient } from '../../../contracts/client/process-client.js';
import { runCli } from '../../support/cli-process.js';

describe('verify-client --invoke', () => {
  it('passes the Python example on every invoke case', { timeout: 120_000 }, async () => {
    const { code, stdout } = await runCli(
      ['verify-client', '--invoke', '--', 'python3', 'examples/invoke-client/main.py'],
      { timeoutMs: 110_000 },
    );
    for (const c of INVOKE_CASES) expect(stdout).toContain(`✓ ${c.id} ${c.title}`);
    expect(stdout.trim().split('\n').at(-1)).toBe(`${INVOKE_CASES.length} passed, 0 failed, 0 skipped`);
    expect(code).toBe(0);
  });

  it.each([
    [
      'refuses an invoke case id without the flag',
      ['--case', 'GSL-CALLFN-001'],
      'GSL-CALLFN-001: invoke cases run only with --invoke',
    ],
    [
      'refuses a standard case id with it',
      ['--invoke', '--case', 'GSL-PAGE-001'],
      'GSL-PAGE-001: only the invoke cases run with --invoke',
    ],
    [
      'refuses it beside --token-lifecycle',
      ['--invoke', '--token-lifecycle'],
      '--invoke runs on its own: not with --token-lifecycle',
    ],
  ])('%s, in one line', async (_name, flags, message) => {
    const { code, stderr } = await runCli(['verify-client', ...flags, '--', 'node', 'x.mjs']);
    expect(stderr.trim()).toBe(`wechat-scf-kit: ${message}`);
    expect(code).toBe(2);
  });
});

describe('the invoke cases catch clients written wrong', () => {
  const bugs: [string, string, string, RegExp][] = [
    [
      'the event wrapped as {"req_data": …}',
      'req-data',
      'GSL-CALLFN-001',
      /sent the event \{"req_data":.*expected .* as the body/,
    ],
    ['resp_data returned undecoded', 'raw-resp-data', 'GSL-CALLFN-001', /gave the result "\{\\"order/],
    ['42001 surfaced instead of refreshed', 'no-refresh', 'GSL-CALLFN-006', /errcode 42001, expected the result/],
    ['a token fetched on every run', 'token-per-run', 'GSL-CALLFN-003', /3 api_authorizer_token requests, expected 1/],
  ];
  it.each(bugs)('%s fails %s', { timeout: 60_000 }, async (_name, bug, id, message) => {
    const c = INVOKE_CASES.find((one) => one.id === id);
    if (!c) throw new Error(`no case ${id}`);
    const invoker = processClient('node', ['test/fixtures/clients/invoke-bugs.mjs', bug]);
    try {
      const result = await runInvokeCase(c, invokeCall(invoker));
      expect(result.status).toBe('fail');
      expect(result.problems?.join('\n')).toMatch(message);
    } finally {
      await invoker.close?.();
    }
  });

  it('the same client without a bug passes those cases', { timeout: 60_000 }, async () => {
    const invoker = processClient('node', ['test/fixtures/clients/invoke-bugs.mjs', 'none']);
    try {
      const ids = [...new Set(bugs.map(([, , id]) => id))].sort();
      const results = await runInvokeContract(invokeCall(invoker), { cases: ids });
      expect(results.map((r) => [r.id, r.status, r.problems])).toEqual(ids.map((id) => [id, 'pass', undefined]));
    } finally {
      await invoker.close?.();
    }
  });
});
