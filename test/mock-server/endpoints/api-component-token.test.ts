import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MockDataFile } from '../../../generated/schemas.js';
import {
  API_PATHS,
  ISSUED_TOKENS_KEPT,
  TICKET_VALID_S,
  TOKEN_EXPIRES_S,
  TOKEN_OVERLAP_S,
} from '../../../mock-server/api-facts.js';
import { createApp, type MockApp } from '../../../mock-server/app.js';
import { type RunningMock, startMockServer } from '../../../mock-server/server.js';
import { MockClock } from '../../../mock-server/state/mock-clock.js';
import { makeToken, TokenRegistry } from '../../../mock-server/state/token-registry.js';
import { isComponentTokenSuccess, isWechatError } from '../../../mock-server/validation.js';

/** The body of an answer as JSON; the assertions check its shape. */
// biome-ignore lint/suspicious/noExplicitAny: a test reads whatever the server answered.
const json = async (res: Response | Promise<Response>): Promise<any> => (await res).json();

const COMPONENT = {
  component_appid: 'wxcomp0001',
  component_appsecret: 'secret-0001',
  component_verify_ticket: 'ticket@@@one',
};

const DATA: MockDataFile = {
  seed: 7,
  tokens: { 'tok-listed': 'valid' },
  components: { wxcomp0001: { secret: 'secret-0001', ticket: 'ticket@@@one' }, wxcomp0002: { secret: 'secret-0002' } },
  envs: { 'prod-1': { generate: 3 } },
};

describe('POST /cgi-bin/component/api_component_token over HTTP', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({ data: DATA, rid: false });
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(async () => {
    await fetch(`${mock.url}/__mock/reset`, { method: 'POST' });
  });

  const issue = (body: unknown = COMPONENT) =>
    fetch(`${mock.url}${API_PATHS.componentToken}`, { method: 'POST', body: JSON.stringify(body) });
  const list = (token: string, key = 'access_token') =>
    fetch(`${mock.url}${API_PATHS.getscflist}?${key}=${encodeURIComponent(token)}`, {
      method: 'POST',
      body: '{"env":"prod-1"}',
    }).then((res) => res.json() as Promise<{ errcode: number; errmsg: string }>);
  const advance = (seconds: number) =>
    fetch(`${mock.url}/__mock/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ advance_s: seconds }),
    });
  const tokenOf = async (res: Response) =>
    ((await json(res)) as { component_access_token: string }).component_access_token;

  it("answers a token and its lifetime with no errcode, as WeChat documents it, HTTP 200 and WeChat's Content-Type", async () => {
    const res = await issue();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; encoding=utf-8');
    const body = await json(res);
    expect(isComponentTokenSuccess(body)).toBe(true);
    expect(Object.keys(body)).toEqual(['component_access_token', 'expires_in']);
    expect(body.expires_in).toBe(TOKEN_EXPIRES_S);
    expect(body.component_access_token).toMatch(/^\d{2}_[A-Za-z0-9_-]{136}$/);
  });

  it('issues a different token each time, the same sequence for the same seed after a reset', async () => {
    const first = [await tokenOf(await issue()), await tokenOf(await issue())];
    expect(first[0]).not.toBe(first[1]);
    await fetch(`${mock.url}/__mock/reset`, { method: 'POST' });
    expect([await tokenOf(await issue()), await tokenOf(await issue())]).toEqual(first);
  });

  it('an issued token joins the token table as valid, through either query key', async () => {
    const token = await tokenOf(await issue());
    expect((await list(token)).errcode).toBe(0);
    expect((await list(token, 'component_access_token')).errcode).toBe(0);
    expect((await list('tok-unlisted')).errcode).toBe(40001);
  });

  it('a token expires after expires_in seconds of mock time, then answers 42001', async () => {
    const token = await tokenOf(await issue());
    await advance(TOKEN_EXPIRES_S - 1);
    expect((await list(token)).errcode).toBe(0);
    await advance(1);
    expect(await list(token)).toEqual({ errcode: 42001, errmsg: 'access_token expired' });
  });

  it('a newer token leaves the previous one 5 minutes of mock time, then the previous one answers 40001', async () => {
    const old = await tokenOf(await issue());
    const fresh = await tokenOf(await issue());
    await advance(TOKEN_OVERLAP_S - 1);
    expect((await list(old)).errcode).toBe(0);
    await advance(1);
    expect((await list(old)).errcode).toBe(40001);
    expect((await list(fresh)).errcode).toBe(0);
  });

  it('expiry wins over being superseded: a superseded token past its expires_in answers 42001', async () => {
    const old = await tokenOf(await issue());
    await advance(TOKEN_EXPIRES_S - 60);
    await issue();
    await advance(120);
    expect((await list(old)).errcode).toBe(42001);
  });

  it('tokens of another component are not superseded', async () => {
    const first = await tokenOf(await issue());
    await issue({ component_appid: 'wxcomp0002', component_appsecret: 'secret-0002', component_verify_ticket: 'any' });
    await advance(TOKEN_OVERLAP_S + 1);
    expect((await list(first)).errcode).toBe(0);
  });

  it('GET /__mock/tokens shows each issued token with its expiry and state', async () => {
    const old = await tokenOf(await issue());
    const fresh = await tokenOf(await issue());
    await advance(TOKEN_OVERLAP_S);
    const { issued, tokens } = await json(fetch(`${mock.url}/__mock/tokens`));
    expect(tokens).toEqual({ 'tok-listed': 'valid' });
    expect(issued).toHaveLength(2);
    expect(issued[0]).toMatchObject({
      component_access_token: old,
      component_appid: 'wxcomp0001',
      state: 'superseded',
    });
    expect(issued[1]).toMatchObject({ component_access_token: fresh, state: 'valid' });
    expect(Date.parse(issued[1].expires_at) - Date.parse(issued[1].issued_at)).toBe(TOKEN_EXPIRES_S * 1000);
    expect(issued[1].superseded_at).toBeUndefined();
  });

  it('a data-file ticket is valid 12 hours of mock time, then answers 61005', async () => {
    await advance(TICKET_VALID_S - 1);
    expect((await issue()).status).toBe(200);
    expect(isComponentTokenSuccess(await json(issue()))).toBe(true);
    await advance(1);
    expect(await json(issue())).toEqual({ errcode: 61005, errmsg: 'component ticket is expired' });
  });

  it('a pushed ticket replaces the previous one (which then answers 61006) and counts its 12 hours from the push', async () => {
    await advance(TICKET_VALID_S - 10);
    const push = await fetch(`${mock.url}/__mock/components/wxcomp0001/ticket`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ component_verify_ticket: 'ticket@@@two' }),
    });
    expect(push.status).toBe(201);
    expect((await issue()).status).toBe(200);
    expect((await json(issue())).errcode).toBe(61006);
    const pushed = { ...COMPONENT, component_verify_ticket: 'ticket@@@two' };
    await advance(TICKET_VALID_S - 1);
    expect(isComponentTokenSuccess(await json(issue(pushed)))).toBe(true);
    await advance(1);
    expect((await json(issue(pushed))).errcode).toBe(61005);
  });

  it('reset returns the clock to real time and forgets issued tokens and pushed tickets', async () => {
    const token = await tokenOf(await issue());
    await fetch(`${mock.url}/__mock/components/wxcomp0001/ticket`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ component_verify_ticket: 'ticket@@@two' }),
    });
    await advance(3600);
    await fetch(`${mock.url}/__mock/reset`, { method: 'POST' });
    const clock = await json(fetch(`${mock.url}/__mock/clock`));
    expect(clock.offset_s).toBe(0);
    expect((await json(fetch(`${mock.url}/__mock/tokens`))).issued).toEqual([]);
    expect((await list(token)).errcode).toBe(40001);
    expect(isComponentTokenSuccess(await json(issue()))).toBe(true);
  });
});

describe('the checks of api_component_token, first failure wins', () => {
  let app: MockApp;
  beforeEach(() => {
    app = createApp({ data: DATA, rid: false });
  });
  const { component_appid: appid, component_appsecret: secret, component_verify_ticket: ticket } = COMPONENT;
  const cases: { name: string; method?: string; body?: string | object; errcode: number }[] = [
    { name: 'GET', method: 'GET', body: COMPONENT, errcode: 43002 },
    { name: 'no body', errcode: 44002 },
    { name: 'a body of white space', body: '  \n', errcode: 44002 },
    { name: 'a body that is not JSON', body: '{"component_appid":', errcode: 47001 },
    { name: 'a JSON array', body: '[]', errcode: 47001 },
    { name: 'a number for the appid', body: { ...COMPONENT, component_appid: 1 }, errcode: 47001 },
    { name: 'no appid (and no secret)', body: { component_verify_ticket: ticket }, errcode: 41002 },
    { name: 'an empty appid', body: { ...COMPONENT, component_appid: '' }, errcode: 41002 },
    {
      name: 'no secret (and an unknown appid)',
      body: { component_appid: 'wxnope', component_verify_ticket: ticket },
      errcode: 41004,
    },
    {
      name: 'an unknown appid (and a wrong secret)',
      body: { ...COMPONENT, component_appid: 'wxnope', component_appsecret: 'x' },
      errcode: 40013,
    },
    {
      name: 'a wrong secret (and a wrong ticket)',
      body: { component_appid: appid, component_appsecret: 'x', component_verify_ticket: 'y' },
      errcode: 40125,
    },
    {
      name: 'an unknown appid and no ticket (regression: the missing ticket was checked first)',
      body: { component_appid: 'wxnope', component_appsecret: secret },
      errcode: 40013,
    },
    {
      name: 'a wrong secret and no ticket (regression: the missing ticket was checked first)',
      body: { component_appid: appid, component_appsecret: 'x' },
      errcode: 40125,
    },
    { name: 'a wrong ticket', body: { ...COMPONENT, component_verify_ticket: 'ticket@@@old' }, errcode: 61006 },
    { name: 'no ticket', body: { component_appid: appid, component_appsecret: secret }, errcode: 61006 },
    {
      name: 'any ticket for a component listed without one',
      body: { component_appid: 'wxcomp0002', component_appsecret: 'secret-0002', component_verify_ticket: 'whatever' },
      errcode: 0,
    },
    { name: 'the right credentials', body: COMPONENT, errcode: 0 },
  ];
  it.each(cases)('$name answers $errcode', async ({ method = 'POST', body, errcode }) => {
    let req = request(app)[method === 'GET' ? 'get' : 'post'](API_PATHS.componentToken);
    if (body !== undefined)
      req = req.set('Content-Type', 'application/json').send(typeof body === 'string' ? body : JSON.stringify(body));
    const res = await req;
    expect(res.status).toBe(200);
    const answer = JSON.parse(res.text);
    if (errcode === 0) expect(isComponentTokenSuccess(answer)).toBe(true);
    else {
      expect(isWechatError(answer)).toBe(true);
      expect(answer.errcode).toBe(errcode);
      expect(res.headers['x-mock-reason']).toBeTruthy();
    }
  });

  it('with no components listed, any appid, secret and ticket is accepted, and token checking stays as it was', async () => {
    const open = createApp({ data: { envs: { 'prod-1': { generate: 1 } } }, rid: false });
    const res = await request(open)
      .post(API_PATHS.componentToken)
      .send({ component_appid: 'a', component_appsecret: 'b', component_verify_ticket: 'c' });
    expect(isComponentTokenSuccess(JSON.parse(res.text))).toBe(true);
    const other = await request(open).post(`${API_PATHS.getscflist}?access_token=not-issued`).send({ env: 'prod-1' });
    expect(JSON.parse(other.text).errcode).toBe(0);
  });

  it('the errmsg carries a rid, and the journal cuts the secret and the ticket short', async () => {
    const withRid = createApp({ data: DATA });
    const res = await request(withRid)
      .post(API_PATHS.componentToken)
      .send({ ...COMPONENT, component_appsecret: 'wrong-secret-value' });
    expect(JSON.parse(res.text).errmsg).toMatch(/^invalid appsecret rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
    const journal = (await request(withRid).get('/__mock/requests')).body;
    expect(journal.requests[0].body).not.toContain('wrong-secret-value');
    expect(journal.requests[0].body).not.toContain('ticket@@@one');
  });
});

describe('the control API for components', () => {
  const app = createApp({ data: DATA, rid: false });
  it('refuses a ticket push for an appid that is not listed, naming the listed ones', async () => {
    const res = await request(app).post('/__mock/components/wxnope/ticket').send({ component_verify_ticket: 't' });
    expect(res.status).toBe(404);
    expect(res.body.error).toContain('wxcomp0001');
  });
  it.each([
    ['no ticket', {}],
    ['an empty ticket', { component_verify_ticket: '' }],
    ['an unknown field', { component_verify_ticket: 't', extra: 1 }],
  ])('refuses a push with %s (400, with the path)', async (_name, body) => {
    const res = await request(app).post('/__mock/components/wxcomp0001/ticket').send(body);
    expect(res.status).toBe(400);
    expect(res.body.issues.length).toBeGreaterThan(0);
  });
  it('refuses a component without a secret in the data, naming the path', async () => {
    const res = await request(app)
      .put('/__mock/data')
      .send({ components: { wx1: { ticket: 't' } } });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('components');
    expect(res.body.error).toContain('secret');
  });
  it('PUT /__mock/data takes components and forgets tokens issued before', async () => {
    const fresh = createApp({ data: DATA, rid: false });
    const token = JSON.parse(
      (await request(fresh).post(API_PATHS.componentToken).send(COMPONENT)).text,
    ).component_access_token;
    await request(fresh)
      .put('/__mock/data')
      .send({ tokens: { t: 'valid' }, components: { wx9: { secret: 's' } } });
    expect((await request(fresh).get('/__mock/tokens')).body.issued).toEqual([]);
    const old = await request(fresh).post(`${API_PATHS.getscflist}?access_token=${token}`).send({ env: 'prod-1' });
    expect(JSON.parse(old.text).errcode).toBe(40001);
    const refused = await request(fresh).post(API_PATHS.componentToken).send(COMPONENT);
    expect(JSON.parse(refused.text).errcode).toBe(40013);
  });
});

describe('the token registry stays bounded and never forgets a valid token (a flood of 10,000 evicted a client’s valid one)', () => {
  const ask = (registry: TokenRegistry, appid: string) =>
    registry.issue({ component_appid: appid, component_appsecret: 's', component_verify_ticket: 't' });
  const tokenOf = (result: ReturnType<TokenRegistry['issue']>) =>
    (result as { component_access_token: string }).component_access_token;

  it(`keeps a client's token through a flood, and refuses the ${ISSUED_TOKENS_KEPT + 1}th valid token with 45009`, () => {
    const registry = new TokenRegistry(new MockClock(), 1);
    registry.load({});
    const client = tokenOf(ask(registry, 'wx-client'));
    for (let i = 1; i < ISSUED_TOKENS_KEPT; i++) ask(registry, 'wx-flood');
    const refused = ask(registry, 'wx-flood');
    expect(refused).toMatchObject({ errcode: 45009, reason: expect.stringMatching(/10000 valid component tokens/) });
    expect(registry.size.issued).toBe(ISSUED_TOKENS_KEPT);
    expect(registry.state(client)).toBe('valid');
  });

  it('forgets superseded tokens first, keeping every component’s current one', () => {
    const clock = new MockClock();
    const registry = new TokenRegistry(clock, 1);
    registry.load({});
    const client = tokenOf(ask(registry, 'wx-client'));
    for (let i = 1; i < ISSUED_TOKENS_KEPT; i++) ask(registry, 'wx-flood');
    const floodCurrent = registry.list().at(-1)?.component_access_token as string;
    clock.advance(301); // past the 5-minute overlap: all but the flood's newest are superseded
    for (let i = 0; i < 50; i++) expect(ask(registry, `wx-new${i}`)).toHaveProperty('component_access_token');
    expect(registry.size.issued).toBe(ISSUED_TOKENS_KEPT);
    expect(registry.state(client)).toBe('valid');
    expect(registry.state(floodCurrent)).toBe('valid');
    expect(registry.list().every((t) => t.state === 'valid' || t.state === 'superseded')).toBe(true);
  });

  it('forgets expired current tokens when nothing else can go, and never holds more than the cap', () => {
    const clock = new MockClock();
    const registry = new TokenRegistry(clock, 1);
    registry.load({});
    for (let i = 0; i < ISSUED_TOKENS_KEPT; i++) ask(registry, `wx${i}`);
    clock.advance(7200);
    const fresh = tokenOf(ask(registry, 'wx-late'));
    expect(registry.state(fresh)).toBe('valid');
    expect(registry.size).toEqual({ issued: ISSUED_TOKENS_KEPT, components: ISSUED_TOKENS_KEPT });
  });

  it('a refusal changes nothing: the next token issued after room is made is the one that was due', () => {
    const clock = new MockClock();
    const a = new TokenRegistry(clock, 1);
    a.load({});
    for (let i = 0; i < ISSUED_TOKENS_KEPT; i++) ask(a, 'wx');
    expect(ask(a, 'wx')).toHaveProperty('errcode', 45009);
    clock.advance(301);
    expect(tokenOf(ask(a, 'wx'))).toBe(makeToken(1, ISSUED_TOKENS_KEPT + 1));
  });
});
