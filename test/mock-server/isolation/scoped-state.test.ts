// Scoped state through the control API: matched faults, one token at a time, a clock per component, a filtered journal.
import { createHash } from 'node:crypto';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { API_PATHS } from '../../../mock-server/api-facts.js';
import { createApp, type MockApp } from '../../../mock-server/app.js';

let app: MockApp;
beforeEach(() => {
  app = createApp({ data: { envs: { 'env-a': { generate: 2 }, 'env-b': { generate: 3 } } }, rid: false });
});

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** getscflist for an env with a token under a query key; the errcode answered (null for a broken body). */
async function list(env: string, token: string, key = 'access_token'): Promise<number | null> {
  const res = await request(app).post(`${API_PATHS.getscflist}?${key}=${token}`).send({ env });
  try {
    return JSON.parse(res.text).errcode;
  } catch {
    return null;
  }
}

async function issue(appid: string): Promise<{ errcode?: number; component_access_token?: string }> {
  const res = await request(app)
    .post(API_PATHS.componentToken)
    .send({ component_appid: appid, component_appsecret: 's', component_verify_ticket: 't' });
  return JSON.parse(res.text);
}

const addFault = (fault: object) => request(app).post('/__mock/faults').send(fault);

/** api_authorizer_token for an authorizer of a component (any listed token is a component token here). */
async function authorize(
  component: string,
  authorizer = 'wx-app',
  token = 'tok-c',
): Promise<{ errcode?: number; authorizer_access_token?: string }> {
  const res = await request(app)
    .post(`${API_PATHS.authorizerToken}?component_access_token=${token}`)
    .send({ component_appid: component, authorizer_appid: authorizer, authorizer_refresh_token: 'refreshtoken@@@r' });
  return JSON.parse(res.text);
}

/** invokecloudfunction of an Active function of env-a with a token; the errcode answered. */
async function invoke(token: string, event: object = {}): Promise<number> {
  await request(app)
    .put('/__mock/envs/env-a')
    .send({ functions: [{ name: 'fn-a', status: 'Active' }] });
  const name = 'fn-a';
  const res = await request(app)
    .post(`${API_PATHS.invokeCloudFunction}?access_token=${token}&env=env-a&name=${name}`)
    .send(event);
  return JSON.parse(res.text).errcode;
}

describe('a fault with match', () => {
  it.each([
    ['an env', { env: 'env-a' }, ['env-a', 'tok-1'], ['env-b', 'tok-1']],
    ['a token', { access_token: 'tok-1' }, ['env-b', 'tok-1'], ['env-b', 'tok-2']],
    ['an env and a token', { env: 'env-a', access_token: 'tok-1' }, ['env-a', 'tok-1'], ['env-a', 'tok-2']],
  ])('naming %s is taken by a request carrying it, never by one that does not', async (_n, match, hit, miss) => {
    expect((await addFault({ errcode: 45009, match, times: 2 })).status).toBe(201);
    expect(await list(miss[0], miss[1])).toBe(0);
    expect(await list(hit[0], hit[1])).toBe(45009);
    expect(await list(miss[0], miss[1])).toBe(0);
    expect(await list(hit[0], hit[1])).toBe(45009);
    expect(await list(hit[0], hit[1])).toBe(0);
  });

  it('matches a token sent as component_access_token', async () => {
    await addFault({ errcode: -1, match: { access_token: 'tok-c' } });
    expect(await list('env-a', 'tok-c', 'component_access_token')).toBe(-1);
  });

  it("matches a component_appid in api_component_token's body", async () => {
    await addFault({ errcode: 45009, match: { component_appid: 'wx-mine' } });
    expect((await issue('wx-other')).component_access_token).toBeDefined();
    expect((await issue('wx-mine')).errcode).toBe(45009);
    expect((await issue('wx-mine')).component_access_token).toBeDefined();
  });

  it("matches a component_appid in api_authorizer_token's body", async () => {
    await addFault({ errcode: 45009, match: { component_appid: 'wx-mine' } });
    expect((await authorize('wx-other')).authorizer_access_token).toBeDefined();
    expect((await authorize('wx-mine')).errcode).toBe(45009);
    expect((await authorize('wx-mine')).authorizer_access_token).toBeDefined();
  });

  it("matches invokecloudfunction's env in its query, not an env field of the event it sends", async () => {
    const token = (await authorize('wx-mine')).authorizer_access_token as string;
    await addFault({ errcode: -1, match: { env: 'env-b' } });
    expect(await invoke(token, { env: 'env-b' })).toBe(0);
    await addFault({ errcode: -1, match: { env: 'env-a' } });
    expect(await invoke(token)).toBe(-1);
  });

  it('matches an authorizer token sent to invokecloudfunction', async () => {
    const mine = (await authorize('wx-mine')).authorizer_access_token as string;
    const theirs = (await authorize('wx-theirs')).authorizer_access_token as string;
    await addFault({ errcode: -1, match: { access_token: mine } });
    expect(await invoke(theirs)).toBe(0);
    expect(await invoke(mine)).toBe(-1);
  });

  it('keeps the order of the faults a request matches, unmatched ones included', async () => {
    await addFault({ errcode: 40001 + 0, match: { access_token: 'tok-1' } });
    await addFault({ errcode: -1 });
    await addFault({ errcode: 45011, match: { env: 'env-a' } });
    expect(await list('env-a', 'tok-1')).toBe(40001);
    expect(await list('env-a', 'tok-1')).toBe(-1);
    expect(await list('env-a', 'tok-1')).toBe(45011);
    expect(await list('env-a', 'tok-1')).toBe(0);
  });

  it('with a path applies only on that path', async () => {
    await addFault({ errcode: -1, path: API_PATHS.describeenvs, match: { access_token: 'tok-1' } });
    expect(await list('env-a', 'tok-1')).toBe(0);
    const res = await request(app).post(`${API_PATHS.describeenvs}?access_token=tok-1`).send({});
    expect(JSON.parse(res.text).errcode).toBe(-1);
  });

  it('of another test never delays or bends this one (latency, drop, broken body, 5xx)', async () => {
    await addFault({ latency_ms: 5000, match: { access_token: 'other' } });
    await addFault({ drop: true, match: { access_token: 'other' } });
    await addFault({ body: 'malformed-json', match: { env: 'env-b' } });
    await addFault({ http_status: 502, match: { component_appid: 'wx-other' } });
    const started = Date.now();
    expect(await list('env-a', 'mine')).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await request(app).get('/__mock/faults')).body.faults).toHaveLength(4);
  });

  it.each([
    ['an empty match', { errcode: -1, match: {} }, 'match'],
    ['an unknown key', { errcode: -1, match: { appid: 'x' } }, 'match.appid'],
    ['an empty token', { errcode: -1, match: { access_token: '' } }, 'match.access_token'],
  ])('with %s is refused with 400 naming it', async (_n, fault, path) => {
    const res = await addFault(fault);
    expect(res.status).toBe(400);
    expect(res.body.issues.map((issue: { path: string }) => issue.path)).toContain(path);
  });
});

describe('DELETE and GET /__mock/faults with a filter', () => {
  it('clear and list only the faults whose match carries the keys given', async () => {
    await addFault({ errcode: -1 });
    await addFault({ errcode: -1, match: { access_token: 'tok-1' } });
    await addFault({ errcode: -1, match: { access_token: 'tok-1', env: 'env-a' } });
    await addFault({ errcode: -1, match: { access_token: 'tok-2' } });
    expect((await request(app).get('/__mock/faults?access_token=tok-1')).body.faults).toHaveLength(2);
    expect((await request(app).delete('/__mock/faults?access_token=tok-1&env=env-a')).body).toEqual({ cleared: 1 });
    expect((await request(app).delete('/__mock/faults?access_token=tok-1')).body).toEqual({ cleared: 1 });
    const left = (await request(app).get('/__mock/faults')).body.faults;
    expect(left.map((f: { match?: object }) => f.match)).toEqual([undefined, { access_token: 'tok-2' }]);
    expect((await request(app).delete('/__mock/faults')).body).toEqual({ cleared: 2 });
  });

  it.each([
    ['an empty value', '?env='],
    ['a repeated key', '?env=a&env=b'],
    ['a token over 512 characters', `?access_token=${'x'.repeat(513)}`],
  ])('refuses %s with 400', async (_n, query) => {
    const res = await request(app).delete(`/__mock/faults${query}`);
    expect(res.status).toBe(400);
    expect(res.body.issues).toHaveLength(1);
  });
});

describe('one token at a time', () => {
  it.each(['any', 'listed'] as const)(
    'in token_check %s, adding, changing and removing one token never changes how another is answered',
    async (mode) => {
      expect((await request(app).put('/__mock/token-check').send({ token_check: mode })).status).toBe(200);
      await request(app).put('/__mock/tokens/other').send({ state: 'valid' });
      const before = [await list('env-a', 'other'), await list('env-a', 'stranger')];
      expect(before).toEqual([0, mode === 'any' ? 0 : 40001]);
      expect((await request(app).put('/__mock/tokens/mine').send({ state: 'expired' })).status).toBe(201);
      expect(await list('env-a', 'mine')).toBe(42001);
      expect((await request(app).put('/__mock/tokens/mine').send({ state: 'no-qbase' })).status).toBe(200);
      expect(await list('env-a', 'mine')).toBe(85088);
      expect([await list('env-a', 'other'), await list('env-a', 'stranger')]).toEqual(before);
      expect((await request(app).delete('/__mock/tokens/mine')).body).toEqual({ deleted: 'mine', token_check: mode });
      expect(await list('env-a', 'mine')).toBe(before[1]);
      expect([await list('env-a', 'other'), await list('env-a', 'stranger')]).toEqual(before);
    },
  );

  it('shows the mode with the table, and PUT /__mock/tokens sets it from the table as a data file does', async () => {
    expect((await request(app).get('/__mock/tokens')).body).toMatchObject({ tokens: {}, token_check: 'any' });
    expect((await request(app).put('/__mock/tokens').send({ t: 'valid' })).body.token_check).toBe('listed');
    expect((await request(app).put('/__mock/tokens').send({})).body.token_check).toBe('any');
  });

  it('takes token_check from the data file, over the default its table gives', async () => {
    app = createApp({ data: { tokens: { t: 'expired' }, token_check: 'any', envs: { e: {} } } });
    expect(await list('e', 'unlisted')).toBe(0);
    expect(await list('e', 't')).toBe(42001);
  });

  it.each([
    ['PUT with an unknown state', 'put', '/__mock/tokens/t', { state: 'revoked' }, 400, /token state/],
    ['PUT without a body', 'put', '/__mock/tokens/t', undefined, 400, /JSON body is required/],
    ['DELETE of a token not listed', 'delete', '/__mock/tokens/nope', undefined, 404, /not in the token table/],
    [
      'PUT /token-check with another mode',
      'put',
      '/__mock/token-check',
      { token_check: 'some' },
      400,
      /any" \| "listed/,
    ],
  ] as const)('answers %s with its status and a message', async (_n, method, path, body, status, message) => {
    const res = await request(app)[method](path).send(body);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatch(message);
  });
});

describe('one component at a time', () => {
  const credentials = (appid: string, secret: string, ticket?: string) =>
    request(app)
      .post(API_PATHS.componentToken)
      .send({ component_appid: appid, component_appsecret: secret, component_verify_ticket: ticket });
  const errcode = async (res: Promise<{ text: string }> | { text: string }) =>
    JSON.parse((await res).text).errcode ?? 0;

  it.each(['any', 'listed'] as const)(
    'in component_check %s, listing and removing one component never changes how another appid is answered',
    async (mode) => {
      await request(app).put('/__mock/component-check').send({ component_check: mode });
      const stranger = () => errcode(credentials('wx-stranger', 's', 't'));
      const before = await stranger();
      expect(before).toBe(mode === 'any' ? 0 : 40013);
      const put = await request(app).put('/__mock/components/wx-mine').send({ secret: 'mine', ticket: 'tk' });
      expect(put.status).toBe(201);
      expect(await errcode(credentials('wx-mine', 'wrong', 'tk'))).toBe(40125);
      expect(await errcode(credentials('wx-mine', 'mine', 'old'))).toBe(61006);
      expect(await errcode(credentials('wx-mine', 'mine', 'tk'))).toBe(0);
      expect(await stranger()).toBe(before);
      const removed = await request(app).delete('/__mock/components/wx-mine');
      expect(removed.body.removed).toMatchObject({ listed: true, issued_tokens: 1 });
      expect(await errcode(credentials('wx-mine', 'wrong', 'tk'))).toBe(before);
      expect(await stranger()).toBe(before);
      expect((await request(app).get('/__mock/component-check')).body).toEqual({
        component_check: mode,
        components: [],
      });
    },
  );

  it('takes component_check from the data, listed by default when the data lists components', async () => {
    app = createApp({ data: { components: { wxa: { secret: 's' } } } });
    expect((await request(app).get('/__mock/component-check')).body.component_check).toBe('listed');
    app = createApp({ data: { components: { wxa: { secret: 's' } }, component_check: 'any' } });
    expect(await errcode(credentials('wx-other', 'x', 't'))).toBe(0);
  });

  it('refuses a component without a secret with 400 naming it', async () => {
    const res = await request(app).put('/__mock/components/wx-mine').send({ ticket: 't' });
    expect(res.status).toBe(400);
    expect(res.body.issues[0]).toEqual({ path: 'secret', message: 'is required' });
  });
});

describe('a clock per component', () => {
  it("ages one component's issued tokens, not another's", async () => {
    const mine = (await issue('wx-mine')).component_access_token as string;
    const theirs = (await issue('wx-theirs')).component_access_token as string;
    const moved = await request(app).post('/__mock/clock').send({ advance_s: 7200, component_appid: 'wx-mine' });
    expect(moved.body).toMatchObject({ component_appid: 'wx-mine', component_offset_s: 7200, offset_s: 7200 });
    expect(await list('env-a', mine)).toBe(42001);
    expect(await list('env-a', theirs)).toBe(0);
    expect((await request(app).get('/__mock/clock')).body.offset_s).toBe(0);
    expect((await request(app).get('/__mock/clock?component_appid=wx-mine')).body.component_offset_s).toBe(7200);
    expect((await request(app).get('/__mock/clock?component_appid=wx-theirs')).body.component_offset_s).toBe(0);
  });

  it("moves a component's overlap window: a newer token cuts the old one 300 s later on that clock only", async () => {
    const first = (await issue('wx-mine')).component_access_token as string;
    const other = (await issue('wx-theirs')).component_access_token as string;
    await issue('wx-mine');
    await issue('wx-theirs');
    await request(app).post('/__mock/clock').send({ advance_s: 301, component_appid: 'wx-mine' });
    expect(await list('env-a', first)).toBe(40001);
    expect(await list('env-a', other)).toBe(0);
  });

  it("ages a listed component's ticket, not another's", async () => {
    app = createApp({
      data: { components: { wxa: { secret: 's', ticket: 't' }, wxb: { secret: 's', ticket: 't' } } },
    });
    await request(app)
      .post('/__mock/clock')
      .send({ advance_s: 12 * 3600, component_appid: 'wxa' });
    expect((await issue('wxa')).errcode).toBe(61005);
    expect((await issue('wxb')).component_access_token).toBeDefined();
  });

  it('DELETE /__mock/components/:appid forgets its clock and issued tokens only', async () => {
    await issue('wx-mine');
    const theirs = (await issue('wx-theirs')).component_access_token as string;
    await request(app).post('/__mock/clock').send({ advance_s: 60, component_appid: 'wx-mine' });
    const res = await request(app).delete('/__mock/components/wx-mine');
    expect(res.body).toEqual({
      component_appid: 'wx-mine',
      removed: { listed: false, clock: true, issued_tokens: 1, authorizers: 0, authorizer_tokens: 0 },
    });
    expect((await request(app).get('/__mock/clock?component_appid=wx-mine')).body.component_offset_s).toBe(0);
    const issued = (await request(app).get('/__mock/tokens')).body.issued;
    expect(issued.map((t: { component_access_token: string }) => t.component_access_token)).toEqual([theirs]);
  });

  it("ages an authorizer token on its component's clock only", async () => {
    const mine = (await authorize('wx-mine')).authorizer_access_token as string;
    const theirs = (await authorize('wx-theirs')).authorizer_access_token as string;
    await request(app).post('/__mock/clock').send({ advance_s: 7200, component_appid: 'wx-mine' });
    expect(await invoke(mine)).toBe(42001);
    expect(await invoke(theirs)).toBe(0);
    const issued = (await request(app).get('/__mock/authorizers')).body.issued as { state: string }[];
    expect(issued.map((t) => t.state)).toEqual(['expired', 'valid']);
  });

  it('DELETE /__mock/components/:appid forgets its authorizers and the authorizer tokens issued under it only', async () => {
    await request(app)
      .put('/__mock/components/wx-mine')
      .send({
        secret: 's',
        authorizers: { 'wx-app': { refresh_token: 'refreshtoken@@@r' } },
      });
    const mine = (await authorize('wx-mine')).authorizer_access_token as string;
    const theirs = (await authorize('wx-theirs')).authorizer_access_token as string;
    const res = await request(app).delete('/__mock/components/wx-mine');
    expect(res.body.removed).toMatchObject({ listed: true, authorizers: 1, authorizer_tokens: 1 });
    const after = (await request(app).get('/__mock/authorizers')).body;
    const kept = after.issued.map((t: { authorizer_access_token: string }) => t.authorizer_access_token);
    expect(kept).toEqual([theirs]);
    expect(kept).not.toContain(mine);
    expect(after.components).toEqual({});
  });

  it('PUT /__mock/components/:appid lists its authorizers for api_authorizer_token', async () => {
    await request(app)
      .put('/__mock/components/wx-mine')
      .send({
        secret: 's',
        authorizers: { 'wx-app': { refresh_token: 'refreshtoken@@@r' } },
      });
    expect((await authorize('wx-mine', 'wx-other')).errcode).toBe(61003);
    expect((await authorize('wx-mine')).authorizer_access_token).toBeDefined();
  });

  it('POST /__mock/reset puts every component back on real time', async () => {
    await request(app).post('/__mock/clock').send({ advance_s: 60, component_appid: 'wx-mine' });
    await request(app).post('/__mock/reset');
    expect((await request(app).get('/__mock/clock?component_appid=wx-mine')).body.offset_s).toBe(0);
  });
});

describe('GET /__mock/requests with a filter', () => {
  beforeEach(async () => {
    await list('env-a', 'tok-1');
    await list('env-b', 'tok-1');
    await list('env-a', 'tok-2');
    await issue('wx-mine');
    await list('env-a', 'tok-2');
  });

  it.each([
    ['env', 'env=env-a', [1, 3, 5]],
    ['the token hash', `access_token_sha256=${sha('tok-1')}`, [1, 2]],
    ['the token hash in capitals', `access_token_sha256=${sha('tok-1').toUpperCase()}`, [1, 2]],
    ['env and token hash', `env=env-a&access_token_sha256=${sha('tok-2')}`, [3, 5]],
    ['component_appid', 'component_appid=wx-mine', [4]],
    ['env from a cursor', 'env=env-a&after=2', [3, 5]],
    ['env, the newest 2', 'env=env-a&limit=2', [3, 5]],
  ])('by %s answers only the matching entries', async (_n, query, seqs) => {
    const res = await request(app).get(`/__mock/requests?${query}`);
    expect(res.body.requests.map((entry: { seq: number }) => entry.seq)).toEqual(seqs);
    expect(res.body.next).toBe(5);
  });

  it('refuses a token hash that is not 64 hex digits with 400', async () => {
    const res = await request(app).get('/__mock/requests?access_token_sha256=tok-1');
    expect(res.status).toBe(400);
    expect(res.body.issues[0].path).toBe('access_token_sha256');
  });
});
