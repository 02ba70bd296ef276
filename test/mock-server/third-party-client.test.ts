// A third-party-platform library nobody here wrote (co-wechat-open-api) runs its own authorizer flow against the mock.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MockDataFile } from '../../generated/schemas.js';
import { API_PATHS, TOKEN_OVERLAP_S } from '../../mock-server/api-facts.js';
import { type RunningMock, startMockServer } from '../../mock-server/server.js';
import type { JournalEntry } from '../../mock-server/state/journal.js';

// biome-ignore lint/suspicious/noExplicitAny: the library is plain JavaScript without types.
const { API, ComponentAPI } = createRequire(import.meta.url)('co-wechat-open-api') as any;

const REFRESH = 'refreshtoken@@@0123456789abcdefABCDEF';
const DATA: MockDataFile = {
  seed: 11,
  components: {
    wxcomponent00001: {
      secret: 'component-secret',
      ticket: 'ticket@@@current',
      authorizers: { wxminiprogram0001: { refresh_token: REFRESH, envs: ['prod-1'] } },
    },
  },
  envs: {
    'prod-1': {
      functions: [{ name: 'getOrder', status: 'Active' }],
      scripts: { getOrder: { result: { order: '$event.id', paid: true } } },
    },
  },
};

describe('co-wechat-open-api 2.0.8 against the mock', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({ data: DATA });
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(async () => {
    await fetch(`${mock.url}/__mock/reset`, { method: 'POST' });
  });

  /** The library's two objects, as its README wires them, their prefix pointed at the mock. */
  // biome-ignore lint/suspicious/noExplicitAny: the library's objects are untyped.
  function platform(refreshToken = REFRESH, shared?: any) {
    let componentToken: unknown;
    const componentApi =
      shared ??
      new ComponentAPI({
        componentAppId: 'wxcomponent00001',
        componentAppSecret: 'component-secret',
        getComponentTicket: async () => 'ticket@@@current',
        getComponentToken: async () => componentToken,
        saveComponentToken: async (token: unknown) => {
          componentToken = token;
        },
      });
    componentApi.prefix = `${mock.url}/cgi-bin/`;
    let stored: { accessToken?: unknown; refreshToken: string } = { refreshToken };
    const api = new API({
      componentApi,
      authorizerAppId: 'wxminiprogram0001',
      getToken: async () => stored,
      saveToken: async (accessToken: unknown, refresh?: string) => {
        stored = { accessToken, refreshToken: refresh ?? stored.refreshToken };
      },
    });
    api.prefix = `${mock.url}/cgi-bin/`;
    /** invokecloudfunction through the library's own request(), which refreshes the token on 40001/42001. */
    const invoke = async (event: unknown) => {
      const token = await api.ensureAccessToken();
      const url = `${mock.url}${API_PATHS.invokeCloudFunction}?access_token=${token.accessToken}&env=prod-1&name=getOrder`;
      return api.request(url, {
        method: 'post',
        data: JSON.stringify(event),
        headers: { 'Content-Type': 'application/json' },
      });
    };
    return { api, invoke, componentApi };
  }

  const journal = async (): Promise<JournalEntry[]> =>
    ((await (await fetch(`${mock.url}/__mock/requests`)).json()) as { requests: JournalEntry[] }).requests;

  it('gets the component token, then the authorizer token, then invokes a function and reads resp_data', async () => {
    const { invoke } = platform();
    const answer = await invoke({ id: 'A-1001' });
    expect(answer.errcode).toBe(0);
    expect(JSON.parse(answer.resp_data)).toEqual({ order: 'A-1001', paid: true });
    expect((await journal()).map((e) => [e.path, e.errcode])).toEqual([
      [API_PATHS.componentToken, 0],
      [API_PATHS.authorizerToken, 0],
      [API_PATHS.invokeCloudFunction, 0],
    ]);
  });

  it('refreshes its authorizer token through api_authorizer_token when the mock answers 40001, and retries', async () => {
    const { invoke, componentApi } = platform();
    await invoke({ id: 'A-1' });
    // Another process of the platform (sharing the component token cache) refreshes the authorizer
    // token; 5 minutes of mock time later the first process's token is cut off.
    const second = platform(REFRESH, componentApi);
    await second.api.getAccessToken();
    await fetch(`${mock.url}/__mock/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ advance_s: TOKEN_OVERLAP_S }),
    });
    const answer = await invoke({ id: 'A-2' });
    expect(JSON.parse(answer.resp_data)).toEqual({ order: 'A-2', paid: true });
    const invokes = (await journal()).filter((e) => e.path === API_PATHS.invokeCloudFunction);
    expect(invokes.map((e) => e.errcode)).toEqual([0, 40001, 0]);
    expect(invokes.at(-1)?.invocation?.event).toEqual({ id: 'A-2' });
  });

  it('throws the 61023 the mock answers for a wrong refresh token, instead of taking the body for a token', async () => {
    const { invoke } = platform('refreshtoken@@@stale');
    await expect(invoke({ id: 'A-3' })).rejects.toMatchObject({ name: 'WeChatAPIError', code: 61023 });
  });

  it('throws 40066 for an API the mock does not serve, instead of reading a 404 body as data', async () => {
    const { api } = platform();
    const token = await api.ensureAccessToken();
    await expect(
      api.request(`${mock.url}/cgi-bin/component/api_get_authorizer_info?access_token=${token.accessToken}`, {
        method: 'post',
        data: '{}',
      }),
    ).rejects.toMatchObject({ name: 'WeChatAPIError', code: 40066 });
  });
});
