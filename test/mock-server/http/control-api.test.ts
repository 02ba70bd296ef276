import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp, type MockApp } from '../../../mock-server/app.js';
import { asText, names, post, TEST_DATA } from '../../support/helpers.js';

let app: MockApp;
beforeEach(() => {
  app = createApp({ data: TEST_DATA, rid: false });
});

describe('GET /__mock/health, the public health endpoint', () => {
  const modes = [
    ['with the control API', {}],
    ['with a control token, sent none', { controlToken: 'health-token-1' }],
    ['with the control API off', { control: false }],
  ] as const;
  const hosts = ['localhost:4020', 'wechat-mock:4020', 'evil.example'];
  it.each(modes)('answers {"status":"ok"} and nothing more %s, whatever the Host', async (_mode, options) => {
    const mock = createApp({ data: TEST_DATA, ...options });
    for (const host of hosts) {
      const res = await request(mock).get('/__mock/health').set('Host', host);
      expect({ host, status: res.status, body: res.body }).toEqual({ host, status: 200, body: { status: 'ok' } });
    }
  });
});

describe('the request journal', () => {
  it('records each API request oldest first, with the token cut short', async () => {
    await post(app, { env: 'prod-1', limit: 2 }, 'tok-valid');
    await request(app).get('/componenttcb/getscflist?access_token=tok-valid');
    const res = await request(app).get('/__mock/requests');
    expect(res.body.dropped).toBe(0);
    expect(res.body.requests).toHaveLength(2);
    const [first, second] = res.body.requests;
    expect(first).toMatchObject({
      seq: 1,
      method: 'POST',
      path: '/componenttcb/getscflist',
      query: { access_token: 'tok-…' },
      body: '{"env":"prod-1","limit":2}',
      content_type: 'application/json',
      errcode: 0,
      status: 200,
    });
    expect(second).toMatchObject({
      seq: 2,
      method: 'GET',
      errcode: 43002,
      reason: 'method: GET is not POST',
      body: null,
    });
    expect(JSON.stringify(res.body)).not.toContain('tok-valid');
  });

  it('cuts a token sent in the body short too', async () => {
    await post(app, { env: 'prod-1', access_token: 'secret-token-123' }, null);
    const res = await request(app).get('/__mock/requests');
    expect(res.body.requests[0].body).toBe('{"env":"prod-1","access_token":"secret…"}');
  });

  it('does not record control requests', async () => {
    await request(app).get('/__mock/health');
    expect((await request(app).get('/__mock/requests')).body.requests).toEqual([]);
  });

  it('keeps the newest entries up to its cap and counts the dropped ones exactly', async () => {
    const small = createApp({ data: TEST_DATA, journalLimit: 3 });
    for (let i = 0; i < 5; i++) await post(small, { env: 'prod-1', offset: i });
    const res = await request(small).get('/__mock/requests');
    expect(res.body.dropped).toBe(2);
    expect(res.body.requests.map((r: { seq: number }) => r.seq)).toEqual([3, 4, 5]);
  });

  it('is emptied by DELETE', async () => {
    await post(app, { env: 'prod-1' });
    expect((await request(app).delete('/__mock/requests')).body).toEqual({ cleared: 1 });
    expect((await request(app).get('/__mock/requests')).body).toEqual({
      requests: [],
      dropped: 0,
      oldest: 1,
      first: 1,
      next: 1,
    });
  });
});

describe('envs', () => {
  it('GET /__mock/envs lists every env with its size', async () => {
    const res = await request(app).get('/__mock/envs');
    expect(res.body.envs).toEqual([
      { env: 'prod-1', qbase: true, total_count: 25 },
      { env: 'legacy', qbase: false, total_count: 0 },
      { env: 'big', qbase: true, total_count: 250 },
    ]);
  });

  it('PUT creates an env that the API then serves, filled with fake values', async () => {
    const put = await request(app)
      .put('/__mock/envs/new-env')
      .send({ functions: [{ name: 'login' }, { name: 'logout' }] });
    expect(put.status).toBe(201);
    expect(put.body).toEqual({ env: 'new-env', qbase: true, total_count: 2 });
    const res = await post(app, { env: 'new-env' });
    expect(res.body.total_count).toBe(2);
    expect(names(res.body).sort()).toEqual(['login', 'logout']);
    const env = await request(app).get('/__mock/envs/new-env');
    expect(env.body.functions).toHaveLength(2);
  });

  it('PUT replaces an existing env whole', async () => {
    const put = await request(app).put('/__mock/envs/prod-1').send({ qbase: false });
    expect(put.status).toBe(200);
    expect((await post(app, { env: 'prod-1' })).body.errcode).toBe(85088);
  });

  it('DELETE removes an env, after which the API answers 40097', async () => {
    expect((await request(app).delete('/__mock/envs/prod-1')).body).toEqual({ deleted: 'prod-1' });
    expect((await post(app, { env: 'prod-1' })).body.errcode).toBe(40097);
    expect((await request(app).delete('/__mock/envs/prod-1')).status).toBe(404);
  });

  const badPuts: [string, string, unknown, RegExp][] = [
    ['a function without a name', 'prod-1', { functions: [{ runtime: 'Go1' }] }, /functions\[0\]\.name: is required/],
    [
      'a bad time',
      'prod-1',
      { functions: [{ name: 'a', mod_time: 'now' }] },
      /mod_time: must match YYYY-MM-DD HH:mm:ss/,
    ],
    ['duplicate names', 'prod-1', { functions: [{ name: 'a' }, { name: 'a' }] }, /duplicates functions\[0\]/],
    ['an unknown field', 'prod-1', { functions: [], color: 'red' }, /color: is not allowed here/],
    ['an env id with ..', '..', { functions: [] }, /env id "\.\." is not valid/],
    ['an env id with an encoded slash', 'a%2Fb', { functions: [] }, /env id "a\/b" is not valid/],
    ['no body', 'prod-1', undefined, /a JSON body is required/],
    ['generate too large', 'prod-1', { generate: 1e9 }, /generate: must be <= 200000/],
  ];
  it.each(badPuts)(
    'PUT with %s answers 400 saying what is wrong and changes nothing',
    async (_name, id, body, error) => {
      const before = (await post(app, { env: 'prod-1', limit: 100 })).text;
      const req = request(app).put(`/__mock/envs/${id}`);
      const res = await (body === undefined ? req : req.send(body as object));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.error).toMatch(error);
      expect((await post(app, { env: 'prod-1', limit: 100 })).text).toBe(before);
    },
  );

  it('PUT with malformed JSON answers 400', async () => {
    const res = await request(app)
      .put('/__mock/envs/prod-1')
      .set('Content-Type', 'application/json')
      .send('{"functions":');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/not valid JSON/);
  });
});

describe('tokens and data', () => {
  it('PUT /__mock/tokens replaces the token table', async () => {
    await request(app).put('/__mock/tokens').send({ fresh: 'valid' });
    expect((await post(app, { env: 'prod-1' }, 'tok-valid')).body.errcode).toBe(40001);
    expect((await post(app, { env: 'prod-1' }, 'fresh')).body.errcode).toBe(0);
  });

  it('PUT /__mock/tokens rejects an unknown state', async () => {
    const res = await request(app).put('/__mock/tokens').send({ t: 'revoked' });
    expect(res.status).toBe(400);
    expect(res.body.issues[0].path).toBe('t');
  });

  it('PUT /__mock/data replaces everything; reset returns to the start-up data', async () => {
    const put = await request(app)
      .put('/__mock/data')
      .send({ envs: { only: { generate: 2 } } });
    expect(put.status).toBe(200);
    expect((await post(app, { env: 'prod-1' }, 'anything')).body.errcode).toBe(40097);
    expect((await post(app, { env: 'only' }, 'anything')).body.total_count).toBe(2);
    await request(app).post('/__mock/reset');
    expect((await post(app, { env: 'prod-1' })).body.total_count).toBe(25);
    expect((await post(app, { env: 'prod-1' }, 'anything')).body.errcode).toBe(40001);
  });

  it('PUT /__mock/data with a bad document answers 400 with the path', async () => {
    const res = await request(app)
      .put('/__mock/data')
      .send({ envs: { e: { functions: [{ name: 1 }] } } });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([{ path: 'envs.e.functions[0].name', message: 'must be string' }]);
  });
});

describe('reset', () => {
  it('restores the data, clears the journal and the faults', async () => {
    await request(app).delete('/__mock/envs/prod-1');
    await request(app).post('/__mock/faults').send({ errcode: -1, times: 5 });
    await request(app).post('/__mock/reset');
    expect((await request(app).get('/__mock/faults')).body.faults).toEqual([]);
    expect((await post(app, { env: 'prod-1' })).body.total_count).toBe(25);
    expect((await request(app).get('/__mock/requests')).body.requests).toHaveLength(1);
  });
});

describe('faults', () => {
  it('errcode -1 for the next 2 requests, then normal service', async () => {
    expect((await request(app).post('/__mock/faults').send({ errcode: -1, times: 2 })).status).toBe(201);
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await post(app, { env: 'prod-1' })).text);
    expect(answers[0]).toBe('{"errcode":-1,"errmsg":"system error"}');
    expect(answers[1]).toBe('{"errcode":-1,"errmsg":"system error"}');
    expect(JSON.parse(answers[2]).errcode).toBe(0);
  });

  it('latency delays the answer by at least the given time', async () => {
    await request(app).post('/__mock/faults').send({ latency_ms: 300 });
    const started = Date.now();
    const res = await post(app, { env: 'prod-1' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(res.body.errcode).toBe(0);
  });

  it('http_status answers a gateway HTML page', async () => {
    await request(app).post('/__mock/faults').send({ http_status: 502 });
    const res = await post(app, { env: 'prod-1' });
    expect(res.status).toBe(502);
    expect(res.text).toContain('502 Bad Gateway');
    expect((await post(app, { env: 'prod-1' })).status).toBe(200);
  });

  it('body truncated-json answers JSON cut short', async () => {
    await request(app).post('/__mock/faults').send({ body: 'truncated-json' });
    const res = await post(app, { env: 'prod-1' }).buffer(true).parse(asText);
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.body)).toThrow();
    expect(res.body.startsWith('{"errcode":0,"errmsg":"ok"')).toBe(true);
  });

  const badFaults: [string, unknown, RegExp][] = [
    ['times -1', { errcode: -1, times: -1 }, /times: must be >= 1/],
    ['errcode 0', { errcode: 0 }, /errcode/],
    ['two kinds at once', { errcode: -1, drop: true }, /drop: cannot be combined with errcode/],
    ['nothing to do', { times: 2 }, /must set one of/],
    ['min above max', { latency_ms: { min: 5, max: 1 } }, /latency_ms.min: must not be greater/],
    ['an unknown field', { errcode: -1, when: 'now' }, /when: is not allowed here/],
  ];
  it.each(badFaults)('a fault with %s answers 400 and queues nothing', async (_name, body, error) => {
    const res = await request(app)
      .post('/__mock/faults')
      .send(body as object);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(error);
    expect((await request(app).get('/__mock/faults')).body.faults).toEqual([]);
  });

  it('DELETE clears the queue', async () => {
    await request(app).post('/__mock/faults').send({ errcode: 45009, times: 3 });
    expect((await request(app).delete('/__mock/faults')).body).toEqual({ cleared: 1 });
    expect((await post(app, { env: 'prod-1' })).body.errcode).toBe(0);
  });
});

describe('the control API itself', () => {
  it('answers 404 JSON for an unknown control route', async () => {
    const res = await request(app).get('/__mock/nothing');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('no control route GET /__mock/nothing');
  });

  it('is absent with control: false', async () => {
    const closed = createApp({ data: TEST_DATA, control: false });
    const res = await request(closed).get('/__mock/requests');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatch(/no such API/);
  });
});
