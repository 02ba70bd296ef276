// The deploy cases (verify-client --deploy): the Python example passes them all, and each case fails a client with its bug.
import { describe, expect, it } from 'vitest';
import { DEPLOY_CASES, deployCall, runDeployCase, runDeployContract } from '../../../contracts/client/deploy-client.js';
import { processClient } from '../../../contracts/client/process-client.js';
import { runCli } from '../../support/cli-process.js';

describe('verify-client --deploy', () => {
  it('passes the Python example on every deploy case', { timeout: 120_000 }, async () => {
    const { code, stdout } = await runCli(
      ['verify-client', '--deploy', '--', 'python3', 'examples/deploy-client/main.py'],
      { timeoutMs: 110_000 },
    );
    for (const c of DEPLOY_CASES) expect(stdout).toContain(`✓ ${c.id} ${c.title}`);
    expect(stdout.trim().split('\n').at(-1)).toBe(`${DEPLOY_CASES.length} passed, 0 failed, 0 skipped`);
    expect(code).toBe(0);
  });

  it.each([
    [
      'refuses a deploy case id without the flag',
      ['--case', 'GSL-DEPLOY-001'],
      'GSL-DEPLOY-001: deploy cases run only with --deploy',
    ],
    [
      'refuses a standard case id with it',
      ['--deploy', '--case', 'GSL-PAGE-001'],
      'GSL-PAGE-001: only the deploy cases run with --deploy',
    ],
    ['refuses it beside --invoke', ['--deploy', '--invoke'], '--deploy runs on its own: not with --invoke'],
    [
      'refuses it beside --token-lifecycle',
      ['--deploy', '--token-lifecycle'],
      '--deploy runs on its own: not with --token-lifecycle',
    ],
  ])('%s, in one line', async (_name, flags, message) => {
    const { code, stderr } = await runCli(['verify-client', ...flags, '--', 'node', 'x.mjs']);
    expect(stderr.trim()).toBe(`wechat-scf-kit: ${message}`);
    expect(code).toBe(2);
  });
});

describe('each deploy case fails a client with its bug', () => {
  const bugs: [string, string, RegExp][] = [
    ['GSL-DEPLOY-001', 'extra-field', /runtime, a field not given; expected exactly \{functionname, envs, zipfile\}/],
    ['GSL-DEPLOY-002', 'tight-loop', /polled env deploy-a \d+ times in a change of 2 s, at most 24 expected/],
    [
      'GSL-DEPLOY-003',
      'ignore-fail-list',
      /polled env deploy-missing once, but deploy-missing failed in the call's list/,
    ],
    ['GSL-DEPLOY-004', 'reason-dropped', /env deploy-a is \{"status":"CreateFailed"\}; expected .*"status_reason"/],
    [
      'GSL-DEPLOY-005',
      'left-transition-is-done',
      /env deploy-a is \{"status":"Active"\}; expected \{"status":"CreateFailed"/,
    ],
    ['GSL-DEPLOY-006', 'poll-after-end', /kept polling env deploy-a after the function left Updating: 2 polls/],
    ['GSL-DEPLOY-007', 'errmsg-field', /env deploy-b is \{\}; expected \{"failed":"当前函数处于Updating状态/],
    [
      'GSL-DEPLOY-008',
      'left-transition-is-done',
      /env deploy-a is \{"status":"Active"\}; expected \{"status":"UpdateFailed"/,
    ],
    ['GSL-DEPLOY-009', 'no-poll', /never polled env deploy-a: an env's outcome is what getscflist shows/],
    [
      'GSL-DEPLOY-010',
      'left-transition-is-done',
      /env deploy-a is \{"status":"Deleted"\}; expected \{"status":"DeleteFailed"/,
    ],
    [
      'GSL-DEPLOY-011',
      'substring-match',
      /env deploy-big is \{"status":"UpdateFailed".*expected \{"status":"Active"\}/,
    ],
    [
      'GSL-DEPLOY-012',
      'first-page-only',
      /reported env deploy-big after its last poll .* while the function was still Deleting/,
    ],
    ['GSL-DEPLOY-013', 'retry-errors', /3 \/componenttcb\/batchuploadscf requests, expected 1/],
    ['GSL-DEPLOY-014', 'retry-errors', /3 \/componenttcb\/deletescf requests, expected 1/],
    ['GSL-DEPLOY-015', 'no-deadline', /kept polling past WECHAT_DEPLOY_TIMEOUT_MS \(1000 ms\)/],
  ];

  it('names a bug for every case', () => {
    expect(bugs.map(([id]) => id)).toEqual(DEPLOY_CASES.map((c) => c.id));
  });

  it.each(bugs)('%s fails the client with the bug %s', { timeout: 60_000 }, async (id, bug, message) => {
    const c = DEPLOY_CASES.find((one) => one.id === id);
    if (!c) throw new Error(`no case ${id}`);
    const invoker = processClient('node', ['test/fixtures/clients/deploy-bugs.mjs', bug]);
    try {
      const result = await runDeployCase(c, deployCall(invoker));
      expect(result.status).toBe('fail');
      expect(result.problems?.join('\n')).toMatch(message);
    } finally {
      await invoker.close?.();
    }
  });

  it('the same client without a bug passes every case', { timeout: 120_000 }, async () => {
    const invoker = processClient('node', ['test/fixtures/clients/deploy-bugs.mjs', 'none']);
    try {
      const results = await runDeployContract(deployCall(invoker));
      expect(results.map((r) => [r.id, r.status, r.problems])).toEqual(
        DEPLOY_CASES.map((c) => [c.id, 'pass', undefined]),
      );
    } finally {
      await invoker.close?.();
    }
  });
});
