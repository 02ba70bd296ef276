import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATH_LIST, API_PATHS } from '../../../mock-server/api-facts.js';
import { createApp } from '../../../mock-server/app.js';
import { type RunningMock, startMockServer } from '../../../mock-server/server.js';

/** The body of an answer as JSON; the assertions check its shape. */
// biome-ignore lint/suspicious/noExplicitAny: a test reads whatever the server answered.
const json = async (res: Response | Promise<Response>): Promise<any> => (await res).json();

const DATA = { tokens: { good: 'valid' as const }, envs: { 'prod-1': { generate: 2 } } };

describe('the token query key on componenttcb routes', () => {
  const app = createApp({ data: DATA, rid: false });
  const cases: [string, string, number][] = [
    ['access_token', 'access_token=good', 0],
    ['component_access_token, as WxJava, wechatpy and fastwego send it', 'component_access_token=good', 0],
    ['both, access_token winning', 'access_token=bad&component_access_token=good', 40001],
    ['both, access_token winning when it is the good one', 'access_token=good&component_access_token=bad', 0],
    ['an empty access_token beside a component_access_token', 'access_token=&component_access_token=good', 0],
    ['both empty', 'access_token=&component_access_token=', 41001],
    ['neither', 'other=good', 41001],
  ];
  for (const path of [API_PATHS.getscflist, API_PATHS.describeenvs]) {
    it.each(cases)(`${path} with %s answers %i`, async (_name, query, errcode) => {
      const res = await request(app).post(`${path}?${query}`).send({ env: 'prod-1' });
      expect(JSON.parse(res.text).errcode).toBe(errcode);
    });
  }

  it('cuts component_access_token short in the journal', async () => {
    const fresh = createApp({ data: DATA });
    await request(fresh).post(`${API_PATHS.getscflist}?component_access_token=good-token-123`).send({ env: 'prod-1' });
    const { requests } = (await request(fresh).get('/__mock/requests')).body;
    expect(requests[0].query).toEqual({ component_access_token: 'good-t…' });
  });
});

describe('faults on every API endpoint', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({ data: DATA, rid: false });
  });
  afterAll(async () => {
    await mock.close();
  });
  const addFault = (fault: object) =>
    fetch(`${mock.url}/__mock/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(fault),
    });
  const call = (path: string) =>
    fetch(`${mock.url}${path}?access_token=good`, {
      method: 'POST',
      body: JSON.stringify({
        env: 'prod-1',
        component_appid: 'a',
        component_appsecret: 'b',
        component_verify_ticket: 'c',
        rid: 'x',
      }),
    });

  it.each(API_PATH_LIST)('a fault without a path applies to %s', async (path) => {
    await addFault({ errcode: -1 });
    expect(await json(call(path))).toEqual({ errcode: -1, errmsg: 'system error' });
    expect((await json(call(path))).errcode).not.toBe(-1);
  });

  it('a fault naming a path applies only there, and waits for it', async () => {
    await addFault({ errcode: 45009, path: API_PATHS.getscflist });
    expect((await json(call(API_PATHS.componentToken))).component_access_token).toBeDefined();
    expect((await json(call(API_PATHS.describeenvs))).errcode).toBe(0);
    expect((await json(call(API_PATHS.getscflist))).errcode).toBe(45009);
    expect((await json(call(API_PATHS.getscflist))).errcode).toBe(0);
  });

  it('a later fault for another path is not held up by an earlier one waiting for its path', async () => {
    await addFault({ http_status: 502, path: API_PATHS.ridGet });
    await addFault({ errcode: -1 });
    expect((await json(call(API_PATHS.componentToken))).errcode).toBe(-1);
    expect((await call(API_PATHS.ridGet)).status).toBe(502);
    await fetch(`${mock.url}/__mock/faults`, { method: 'DELETE' });
  });

  it('refuses a fault naming a path the mock does not serve', async () => {
    const res = await addFault({ errcode: -1, path: '/cgi-bin/token' });
    expect(res.status).toBe(400);
    expect((await json(res)).error).toContain('path');
  });
});

describe('paths that are not an API', () => {
  it("answer 404 naming every API this mock serves, outside the API's prefixes", async () => {
    const res = await request(createApp()).post('/v1/token');
    expect(res.status).toBe(404);
    for (const path of API_PATH_LIST) expect(res.body.error).toContain(path);
  });
});

// An API path exactly as written skips Express's router (the hot path); any other spelling Express
// also routes (a trailing slash, another case, a fragment) goes through it. Both must answer alike.
describe('the hot path and the Express route answer alike', () => {
  const spellings: [string, string][] = [
    ['a trailing slash', '/componenttcb/getscflist/'],
    ['upper case', '/COMPONENTTCB/GETSCFLIST'],
  ];
  const requests: [string, string, string | undefined][] = [
    ['a page', 'access_token=good&x=1&x=2', '{"env":"prod-1","limit":1}'],
    ['a bad token', 'access_token=bad', '{"env":"prod-1"}'],
    ['no token', '', '{"env":"prod-1"}'],
    ['an empty body', 'access_token=good', undefined],
    ['a body that is not JSON', 'access_token=good', '{"env":'],
    ['a wrong field', 'access_token=good', '{"env":"prod-1","limit":"20"}'],
  ];
  const strip = (entry: Record<string, unknown>) => {
    const { seq, time, duration_ms, path, ...rest } = entry;
    return rest;
  };
  for (const [spelling, other] of spellings) {
    it.each(requests)(
      `%s: the exact path and ${spelling} get the same answer and journal entry`,
      async (_n, query, body) => {
        const app = createApp({ data: DATA, rid: false });
        const send = (path: string) => {
          const req = request(app).post(`${path}${query ? `?${query}` : ''}`);
          return body === undefined ? req : req.set('Content-Type', 'application/json').send(body);
        };
        const hot = await send(API_PATHS.getscflist);
        const routed = await send(other);
        expect({ status: routed.status, type: routed.headers['content-type'], text: routed.text }).toEqual({
          status: hot.status,
          type: hot.headers['content-type'],
          text: hot.text,
        });
        const { requests: journal } = (await request(app).get('/__mock/requests')).body;
        expect(journal.map((entry: { path: string }) => entry.path)).toEqual([API_PATHS.getscflist, other]);
        expect(strip(journal[1])).toEqual(strip(journal[0]));
      },
    );
  }

  it('reads the query only up to a fragment, as Express does', async () => {
    const app = createApp({ data: DATA, rid: false });
    const res = await request(app).post(`${API_PATHS.getscflist}?access_token=good#tail`).send({ env: 'prod-1' });
    expect(JSON.parse(res.text).errcode).toBe(0);
  });

  it('answers a bug of its own with WeChat -1, as the Express route does, and goes on serving', async () => {
    const app = createApp({ data: DATA, rid: false });
    const store = app.mock.store as unknown as { getEnv: (env: string) => unknown };
    const getEnv = store.getEnv.bind(store);
    store.getEnv = () => {
      throw new Error('a bug of the test');
    };
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args.join(' '));
    try {
      for (const path of [API_PATHS.getscflist, '/componenttcb/getscflist/']) {
        const res = await request(app).post(`${path}?access_token=good`).send({ env: 'prod-1' });
        expect({ status: res.status, body: JSON.parse(res.text) }).toEqual({
          status: 200,
          body: { errcode: -1, errmsg: 'system error' },
        });
      }
    } finally {
      console.error = original;
      store.getEnv = getEnv;
    }
    expect(errors).toEqual([
      `wechat-scf-kit: internal error on POST ${API_PATHS.getscflist}: a bug of the test`,
      'wechat-scf-kit: internal error on POST /componenttcb/getscflist/: a bug of the test',
    ]);
    const res = await request(app).post(`${API_PATHS.getscflist}?access_token=good`).send({ env: 'prod-1' });
    expect(JSON.parse(res.text).errcode).toBe(0);
  });
});
