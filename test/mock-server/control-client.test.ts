// mockControl and mockScope against a real mock: typed calls, clear refusals, and a clean-up that leaves the mock as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockControlError, mockControl } from '../../mock-server/control-client.js';
import { mockScope } from '../../mock-server/mock-scope.js';
import { type RunningMock, startMockServer } from '../../mock-server/server.js';

let mock: RunningMock;
beforeAll(async () => {
  mock = await startMockServer({ data: { envs: { 'shared-env': { generate: 1 } } } });
});
afterAll(() => mock.close());

describe('mockControl', () => {
  it('refuses a bad call with MockControlError carrying the status and issues', async () => {
    const control = mockControl(mock.url);
    const error = await control.putEnv('bad id!', {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MockControlError);
    expect((error as MockControlError).status).toBe(400);
    expect((error as MockControlError).message).toMatch(/PUT \/__mock\/envs\/bad%20id! answered HTTP 400: env id/);
    expect((error as MockControlError).issues[0].path).toBe('env');
  });

  it('answers false for removing what is not there', async () => {
    const control = mockControl(mock.url);
    expect(await control.deleteEnv('never-there')).toBe(false);
    expect(await control.deleteToken('never-there')).toBe(false);
  });

  it('says what it waited for when the requests never come', async () => {
    const control = mockControl(mock.url);
    await expect(control.waitForRequests({ env: 'nobody' }, { timeoutMs: 60 })).rejects.toThrow(
      /waited 60 ms for 1 request\(s\) matching \{"env":"nobody"\}; saw 0/,
    );
  });

  it('needs a URL when WECHAT_API_BASE_URL is not set', () => {
    const saved = process.env.WECHAT_API_BASE_URL;
    delete process.env.WECHAT_API_BASE_URL;
    try {
      expect(() => mockControl()).toThrow(/needs the mock URL/);
    } finally {
      if (saved !== undefined) process.env.WECHAT_API_BASE_URL = saved;
    }
  });
});

describe('mockScope', () => {
  it('arranges its own env, token, fault and clock, sees its requests, and cleans all of it up', async () => {
    const cleanups: (() => Promise<void>)[] = [];
    const scope = await mockScope({ url: mock.url, onCleanup: (fn) => cleanups.push(fn) });
    expect(scope.env).toMatch(/^test-[0-9a-z]+-env$/);
    expect(scope.componentAppid).toMatch(/^wx[0-9a-f]{16}$/);
    await scope.fault({ errcode: 45009 });
    await scope.fault({ errcode: 45011, path: '/cgi-bin/component/api_component_token' });
    await scope.advanceClock(60);
    const call = await fetch(`${scope.url}/componenttcb/getscflist?access_token=${scope.token}`, {
      method: 'POST',
      body: JSON.stringify({ env: scope.env }),
    });
    expect(((await call.json()) as { errcode: number }).errcode).toBe(45009);
    expect((await scope.waitForRequests(1)).map((entry) => entry.errcode)).toEqual([45009]);
    expect(cleanups).toHaveLength(1);
    await cleanups[0]();
    expect(mock.faults.size).toBe(0);
    expect(mock.store.tokens()).toEqual({});
    expect(mock.store.envs().map((env) => env.id)).toEqual(['shared-env']);
    expect(mock.clock.components).toBe(0);
  });

  it('refuses a prefix that would make a bad env id', async () => {
    await expect(mockScope({ url: mock.url, prefix: 'no spaces' })).rejects.toThrow(/prefix "no spaces"/);
  });
});
