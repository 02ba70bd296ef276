import { describe, expect, it } from 'vitest';
import type { ClientOutcome } from '../../../contracts/client/adapter.js';
import {
  LIFECYCLE_CASES,
  type LifecycleCall,
  type LifecycleContext,
  runLifecycleCase,
  runLifecycleContract,
} from '../../../contracts/client/token-lifecycle.js';
import { WechatApiError } from '../../../examples/typescript-client/client.js';
import { createComponentClient } from '../../../examples/typescript-client/component-client.js';
import { runCli } from '../../support/cli-process.js';

/** A client object per case (the mock's URL differs per case), as a long-lived program keeps one. */
function inProcess(
  make: (context: LifecycleContext) => { getCloudFunctionList(p: object): Promise<unknown> },
): LifecycleCall {
  const clients = new Map<string, ReturnType<typeof make>>();
  return async (context, params) => {
    // A pushed ticket reaches a long-lived program as new configuration: a new client object.
    const key = `${context.baseUrl} ${context.component.appid} ${context.component.ticket}`;
    let client = clients.get(key);
    if (!client) {
      client = make(context);
      clients.set(key, client);
    }
    try {
      return { kind: 'result', value: await client.getCloudFunctionList(params) };
    } catch (error) {
      if (error instanceof WechatApiError)
        return { kind: 'wechat-failure', errcode: error.errcode, errmsg: error.errmsg };
      return { kind: 'transport-failure', message: (error as Error).message } satisfies ClientOutcome;
    }
  };
}

const example = inProcess((context) =>
  createComponentClient({ baseUrl: context.baseUrl, component: context.component, timeoutMs: context.timeoutMs }),
);

describe('the token-lifecycle cases', () => {
  it('all pass for the example client written as the SDKs are', { timeout: 60_000 }, async () => {
    const results = await runLifecycleContract(example);
    expect(results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(results.map((r) => r.id)).toEqual(LIFECYCLE_CASES.map((c) => c.id));
  });
});

/** A deliberately naive client, one bug at a time. */
interface Bugs {
  noCache?: boolean;
  refreshOn?: readonly number[];
  retries?: number;
  retryTokenRequest?: boolean;
  /** The retry uses the new token, but the cache keeps the old one (a cache file not rewritten). */
  refreshNotKept?: boolean;
  /** The first ticket seen for an appid is used ever after (a ticket cached across runs). */
  ticketKept?: boolean;
  /** Only the documented 40001 text means "refresh" (the errmsg compared, not the errcode). */
  refreshByText?: boolean;
}

/** What a buggy client keeps across client objects, as a program keeps files across runs. */
const kept = { tokens: new Map<string, string>(), tickets: new Map<string, string>() };

function buggyClient(context: LifecycleContext, bugs: Bugs) {
  let cached: string | undefined;
  const post = async (url: string, body: object) => {
    const res = await fetch(url, {
      method: 'POST',
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(context.timeoutMs),
    });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    const answer = (await res.json()) as { errcode?: number; errmsg?: string; component_access_token?: string };
    if (answer.errcode) throw new WechatApiError(answer.errcode, String(answer.errmsg));
    return answer;
  };
  const token = async (): Promise<string> => {
    if (cached && !bugs.noCache) return cached;
    const { appid, secret } = context.component;
    if (bugs.ticketKept && !kept.tickets.has(`${context.baseUrl} ${appid}`))
      kept.tickets.set(`${context.baseUrl} ${appid}`, context.component.ticket);
    const ticket = bugs.ticketKept
      ? (kept.tickets.get(`${context.baseUrl} ${appid}`) as string)
      : context.component.ticket;
    const body = { component_appid: appid, component_appsecret: secret, component_verify_ticket: ticket };
    try {
      cached = (await post(`${context.baseUrl}/cgi-bin/component/api_component_token`, body)).component_access_token;
    } catch (error) {
      if (!bugs.retryTokenRequest) throw error;
      cached = (await post(`${context.baseUrl}/cgi-bin/component/api_component_token`, body)).component_access_token;
    }
    return cached as string;
  };
  const keptKey = `${context.baseUrl} ${context.component.appid}`;
  if (bugs.refreshNotKept) cached = kept.tokens.get(keptKey);
  return {
    async getCloudFunctionList(params: object) {
      let override: string | undefined;
      for (let attempt = 0; ; attempt++) {
        const current = override ?? (await token());
        if (bugs.refreshNotKept && !kept.tokens.has(keptKey)) kept.tokens.set(keptKey, current);
        const url = `${context.baseUrl}/componenttcb/getscflist?access_token=${current}`;
        try {
          return await post(url, params);
        } catch (error) {
          const refresh =
            error instanceof WechatApiError &&
            (bugs.refreshOn ?? [40001, 40014, 42001]).includes(error.errcode) &&
            !(bugs.refreshByText && error.errcode === 40001 && error.errmsg.split(' rid: ')[0] !== TEXT_40001);
          if (!refresh || attempt >= (bugs.retries ?? 1)) throw error;
          const old = cached;
          cached = undefined;
          if (bugs.refreshNotKept) {
            override = await token();
            cached = old;
          }
        }
      }
    },
  };
}

const TEXT_40001 = 'invalid credential, access_token is invalid or not latest';

describe('the token-lifecycle cases catch clients written wrong', () => {
  const mutants: [string, Bugs, string, RegExp][] = [
    [
      'a refreshed token used for the retry but not kept for the next run',
      { refreshNotKept: true },
      'GSL-LIFE-002',
      /getscflist request \d+ carried an older token than the one the client last fetched/,
    ],
    [
      'a refreshed token not kept, after another process refreshed',
      { refreshNotKept: true },
      'GSL-LIFE-003',
      /3 token requests, expected 2/,
    ],
    [
      'a ticket cached from the first run, used after WeChat pushed a newer one',
      { ticketKept: true },
      'GSL-LIFE-009',
      /the WeChat failure errcode 61006, expected a result/,
    ],
    [
      'a refresh decided by the errmsg text, not the errcode',
      { refreshByText: true },
      'GSL-LIFE-010',
      /the WeChat failure errcode 40001, expected a result/,
    ],
    ['a token fetched for every call', { noCache: true }, 'GSL-LIFE-001', /3 token requests, expected 1/],
    [
      '42001 not handled',
      { refreshOn: [40001] },
      'GSL-LIFE-002',
      /the WeChat failure errcode 42001, expected a result/,
    ],
    [
      '40001 after another process refreshed not handled',
      { refreshOn: [42001] },
      'GSL-LIFE-003',
      /errcode 40001, expected a result/,
    ],
    ['a refresh loop with no cap', { retries: 1000 }, 'GSL-LIFE-004', /getscflist requests, expected 2/],
    ['a refresh loop with no cap (40001)', { retries: 1000 }, 'GSL-LIFE-005', /getscflist requests, expected 2/],
    ['a refused token request retried', { retryTokenRequest: true }, 'GSL-LIFE-006', /2 token requests, expected 1/],
    [
      'a new token for any error',
      { refreshOn: [40001, 40014, 42001, 40097] },
      'GSL-LIFE-007',
      /2 token requests, expected 1/,
    ],
  ];
  it.each(mutants)('%s fails %s', async (_name, bugs, id, message) => {
    const c = LIFECYCLE_CASES.find((x) => x.id === id);
    if (!c) throw new Error(`no case ${id}`);
    const result = await runLifecycleCase(
      c,
      inProcess((context) => buggyClient(context, bugs)),
    );
    expect(result.status).toBe('fail');
    expect(result.problems?.join('\n')).toMatch(message);
  });

  it('the same naive client without a bug passes those cases', { timeout: 60_000 }, async () => {
    const correct = inProcess((context) => buggyClient(context, {}));
    const results = await runLifecycleContract(correct, { cases: mutants.map(([, , id]) => id) });
    expect(results.map((r) => [r.id, r.status, r.problems])).toEqual(
      LIFECYCLE_CASES.filter((c) => mutants.some(([, , id]) => id === c.id)).map((c) => [c.id, 'pass', undefined]),
    );
  });
});

describe('verify-client --token-lifecycle', () => {
  it.each([
    ['the Python example', ['python3', 'examples/python-client/main.py']],
    ['the TypeScript example', ['node', 'examples/typescript-client/dist/main.js']],
  ])(
    'passes %s on every lifecycle case (the standard ones: verify-client.test.ts)',
    { timeout: 120_000 },
    async (_name, command) => {
      const only = LIFECYCLE_CASES.flatMap((c) => ['--case', c.id]);
      const { code, stdout } = await runCli(['verify-client', '--token-lifecycle', ...only, '--', ...command], {
        timeoutMs: 110_000,
      });
      for (const c of LIFECYCLE_CASES) expect(stdout).toContain(`✓ ${c.id} ${c.title}`);
      expect(stdout.trim().split('\n').at(-1)).toBe(`${LIFECYCLE_CASES.length} passed, 0 failed, 0 skipped`);
      expect(code).toBe(0);
    },
  );

  it('passes a correct program whose disk cache is one file, not one per appid (regression: the cache of an earlier case was reused)', {
    timeout: 120_000,
  }, async () => {
    const only = LIFECYCLE_CASES.flatMap((c) => ['--case', c.id]);
    const { code, stdout } = await runCli(
      ['verify-client', '--token-lifecycle', ...only, '--', 'node', 'test/fixtures/clients/one-cache-file.mjs'],
      { timeoutMs: 110_000 },
    );
    expect(stdout.trim().split('\n').at(-1)).toBe(`${LIFECYCLE_CASES.length} passed, 0 failed, 0 skipped`);
    expect(code).toBe(0);
  });

  it('fails a program that fetches a token on every run, naming the count', { timeout: 60_000 }, async () => {
    const { code, stdout } = await runCli([
      'verify-client',
      '--token-lifecycle',
      '--case',
      'GSL-LIFE-001',
      '--',
      'node',
      'test/fixtures/clients/token-per-run.mjs',
    ]);
    expect(stdout).toContain('GSL-LIFE-001');
    expect(stdout).toContain('the client sent 3 token requests, expected 1');
    expect(code).toBe(1);
  });

  it.each([
    ['refresh-not-saved', 'GSL-LIFE-002', 'carried an older token than the one the client last fetched'],
    ['ticket-saved', 'GSL-LIFE-009', 'the WeChat failure errcode 61006, expected a result'],
  ])('fails a program whose disk cache has the bug %s, on %s', { timeout: 60_000 }, async (bug, id, message) => {
    const { code, stdout } = await runCli([
      'verify-client',
      '--token-lifecycle',
      '--case',
      id,
      '--',
      'node',
      'test/fixtures/clients/lifecycle-bug.mjs',
      bug,
    ]);
    expect(stdout).toContain(`✗ ${id}`);
    expect(stdout).toContain(message);
    expect(code).toBe(1);
  });

  it('refuses a lifecycle case id without the flag, in one line', async () => {
    const { code, stderr } = await runCli(['verify-client', '--case', 'GSL-LIFE-001', '--', 'node', 'x.mjs']);
    expect(stderr.trim()).toBe('wechat-scf-kit: GSL-LIFE-001: token-lifecycle cases run only with --token-lifecycle');
    expect(code).toBe(2);
  });
});
