// api_authorizer_token: the component token, the fields in their order, the authorizers listed or not, expiry and overlap on the mock clock.
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MockDataFile } from '../../../generated/schemas.js';
import {
  API_PATHS,
  AUTHORIZER_TOKEN_EXPIRES_S,
  ISSUED_TOKENS_KEPT,
  MAX_AUTHORIZERS,
  TOKEN_OVERLAP_S,
} from '../../../mock-server/api-facts.js';
import { createApp, type MockApp } from '../../../mock-server/app.js';
import { AuthorizerRegistry, AuthorizersFull } from '../../../mock-server/state/authorizer-registry.js';
import { MockClock } from '../../../mock-server/state/mock-clock.js';
import { isAuthorizerTokenSuccess, isWechatError } from '../../../mock-server/validation.js';

const REFRESH = 'refreshtoken@@@aaaaBBBBccccDDDD';
const COMPONENT = { component_appid: 'wxcomp0001', component_appsecret: 's1', component_verify_ticket: 'ticket@@@1' };
const GRANT = { component_appid: 'wxcomp0001', authorizer_appid: 'wxauth0001', authorizer_refresh_token: REFRESH };

const DATA: MockDataFile = {
  seed: 3,
  components: {
    wxcomp0001: {
      secret: 's1',
      ticket: 'ticket@@@1',
      authorizers: { wxauth0001: { refresh_token: REFRESH, envs: ['prod-1'] } },
    },
    wxcomp0002: { secret: 's2' },
  },
  envs: { 'prod-1': { functions: [{ name: 'hello', status: 'Active' }] } },
};

async function componentToken(app: MockApp, body: object = COMPONENT): Promise<string> {
  const res = await request(app).post(API_PATHS.componentToken).send(body);
  return JSON.parse(res.text).component_access_token;
}

async function authorizerToken(app: MockApp, token: string, body: unknown = GRANT, key = 'component_access_token') {
  const res = await request(app)
    .post(`${API_PATHS.authorizerToken}?${key}=${encodeURIComponent(token)}`)
    .send(typeof body === 'string' ? body : JSON.stringify(body));
  return JSON.parse(res.text);
}

describe('POST /cgi-bin/component/api_authorizer_token', () => {
  let app: MockApp;
  let token: string;
  beforeEach(async () => {
    app = createApp({ data: DATA, rid: false });
    token = await componentToken(app);
  });

  it('gives a listed authorizer a token valid 7200 s and the same refresh token back, with no errcode', async () => {
    const answer = await authorizerToken(app, token);
    expect(isAuthorizerTokenSuccess(answer)).toBe(true);
    expect(answer).toEqual({
      authorizer_access_token: expect.stringMatching(/^\d{2}_[\w-]{136}$/),
      expires_in: AUTHORIZER_TOKEN_EXPIRES_S,
      authorizer_refresh_token: REFRESH,
    });
    expect(answer.authorizer_access_token).not.toBe(token);
  });

  it('keeps the refresh token sent cut short in the journal', async () => {
    await authorizerToken(app, token);
    const entries = (await request(app).get('/__mock/requests')).body.requests;
    expect(entries.at(-1).body).not.toContain(REFRESH);
    expect(entries.at(-1).body).toContain('"authorizer_refresh_token":"refres…"');
  });

  it('reads the component token from access_token as well (the newer page)', async () => {
    expect((await authorizerToken(app, token, GRANT, 'access_token')).authorizer_access_token).toBeDefined();
  });

  it.each([
    ['no component token', '', GRANT, 41001],
    ['a token the data does not know, when components are listed and tokens issued', 'nope', GRANT, 0],
    ['an empty body', 'TOKEN', '', 44002],
    ['a body that is not JSON', 'TOKEN', '{', 47001],
    ['a field that is a number', 'TOKEN', { ...GRANT, authorizer_appid: 7 }, 47001],
    ['no component_appid', 'TOKEN', { authorizer_appid: 'wxauth0001', authorizer_refresh_token: REFRESH }, 41018],
    ['an empty component_appid', 'TOKEN', { ...GRANT, component_appid: '' }, 41018],
    ['no authorizer_appid', 'TOKEN', { component_appid: 'wxcomp0001', authorizer_refresh_token: REFRESH }, 40101],
    [
      'no authorizer_refresh_token key',
      'TOKEN',
      { component_appid: 'wxcomp0001', authorizer_appid: 'wxauth0001' },
      40101,
    ],
    ['a component_appid not in components', 'TOKEN', { ...GRANT, component_appid: 'wxother' }, 40013],
    ['another component than the token was issued to', 'TOKEN', { ...GRANT, component_appid: 'wxcomp0002' }, 40013],
    ['an authorizer the component does not list', 'TOKEN', { ...GRANT, authorizer_appid: 'wxauth9999' }, 61003],
    ['a wrong refresh token', 'TOKEN', { ...GRANT, authorizer_refresh_token: 'refreshtoken@@@wrong' }, 61023],
    ['a null refresh token', 'TOKEN', { ...GRANT, authorizer_refresh_token: null }, 61023],
    ['an empty refresh token', 'TOKEN', { ...GRANT, authorizer_refresh_token: '' }, 61023],
  ])('answers %s with the documented errcode', async (_name, sent, body, errcode) => {
    const answer = await authorizerToken(app, sent === 'TOKEN' ? token : sent, body);
    if (errcode === 0) {
      // An unlisted token passes the token table (the data lists none), so the fields decide: they are fine.
      expect(answer.authorizer_access_token).toBeDefined();
      return;
    }
    expect(isWechatError(answer)).toBe(true);
    expect(answer.errcode).toBe(errcode);
  });

  it('answers 43002 for GET before anything else', async () => {
    const res = await request(app).get(API_PATHS.authorizerToken);
    expect(JSON.parse(res.text).errcode).toBe(43002);
  });

  it('answers 61014 for an authorizer token sent in place of the component token', async () => {
    const first = await authorizerToken(app, token);
    expect((await authorizerToken(app, first.authorizer_access_token)).errcode).toBe(61014);
  });

  it('answers 42001 for a component token past its 7200 s, and 40001 for one superseded over 5 minutes ago', async () => {
    await componentToken(app);
    app.mock.clock.advance(TOKEN_OVERLAP_S);
    expect((await authorizerToken(app, token)).errcode).toBe(40001);
    app.mock.clock.advance(AUTHORIZER_TOKEN_EXPIRES_S);
    expect((await authorizerToken(app, token)).errcode).toBe(42001);
  });

  it('lets a component that lists no authorizers give any authorizer and refresh token a token', async () => {
    const other = await componentToken(app, { ...COMPONENT, component_appid: 'wxcomp0002', component_appsecret: 's2' });
    const answer = await authorizerToken(app, other, {
      component_appid: 'wxcomp0002',
      authorizer_appid: 'wxanything',
      authorizer_refresh_token: 'anything',
    });
    expect(answer).toMatchObject({ expires_in: 7200, authorizer_refresh_token: 'anything' });
  });

  it('answers 61003 for unlisted authorizers once the control API authorizes one', async () => {
    const other = await componentToken(app, { ...COMPONENT, component_appid: 'wxcomp0002', component_appsecret: 's2' });
    const added = await request(app)
      .post('/__mock/components/wxcomp0002/authorizers')
      .send({ authorizer_appid: 'wxnew', envs: ['prod-1'] });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      component_appid: 'wxcomp0002',
      authorizer_appid: 'wxnew',
      refresh_token: expect.stringMatching(/^refreshtoken@@@[\w-]{43}$/),
      envs: ['prod-1'],
    });
    const grant = { component_appid: 'wxcomp0002', authorizer_appid: 'wxnew' };
    expect(
      (await authorizerToken(app, other, { ...grant, authorizer_refresh_token: added.body.refresh_token })).expires_in,
    ).toBe(7200);
    expect(
      (await authorizerToken(app, other, { ...grant, authorizer_appid: 'wxelse', authorizer_refresh_token: 'x' }))
        .errcode,
    ).toBe(61003);
  });

  it('expires authorizer tokens on the mock clock and leaves the previous one a 5-minute overlap', async () => {
    const invoke = async (authorizer: string) =>
      JSON.parse(
        (
          await request(app)
            .post(`${API_PATHS.invokeCloudFunction}?access_token=${authorizer}&env=prod-1&name=hello`)
            .send('{}')
        ).text,
      ).errcode;
    const first = (await authorizerToken(app, token)).authorizer_access_token;
    const second = (await authorizerToken(app, token)).authorizer_access_token;
    expect(second).not.toBe(first);
    app.mock.clock.advance(TOKEN_OVERLAP_S - 1);
    expect(await invoke(first)).toBe(0);
    app.mock.clock.advance(1);
    expect(await invoke(first)).toBe(40001);
    expect(await invoke(second)).toBe(0);
    app.mock.clock.advance(AUTHORIZER_TOKEN_EXPIRES_S);
    expect(await invoke(second)).toBe(42001);
  });

  it('lists authorizers and issued authorizer tokens at GET /__mock/authorizers', async () => {
    const issued = (await authorizerToken(app, token)).authorizer_access_token;
    const res = await request(app).get('/__mock/authorizers');
    expect(res.body.components.wxcomp0001.wxauth0001).toEqual({ refresh_token: REFRESH, envs: ['prod-1'] });
    expect(res.body.issued).toEqual([
      expect.objectContaining({
        authorizer_access_token: issued,
        component_appid: 'wxcomp0001',
        authorizer_appid: 'wxauth0001',
        state: 'valid',
      }),
    ]);
  });

  it.each([
    ['no authorizer_appid', {}, 400],
    ['an unknown field', { authorizer_appid: 'wxa', secret: 'x' }, 400],
    ['an env not in the data', { authorizer_appid: 'wxa', envs: ['nope-env'] }, 400],
  ])('refuses an authorizer with %s, with HTTP %i and details', async (_name, body, status) => {
    const res = await request(app).post('/__mock/components/wxcomp0001/authorizers').send(body);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatch(/authorizer/);
  });

  it('forgets authorizers added by the control API on reset', async () => {
    await request(app).post('/__mock/components/wxcomp0001/authorizers').send({ authorizer_appid: 'wxnew' });
    await request(app).post('/__mock/reset');
    expect(Object.keys((await request(app).get('/__mock/authorizers')).body.components.wxcomp0001)).toEqual([
      'wxauth0001',
    ]);
  });

  it('refuses a data file whose component lists an authorizer without a refresh token, naming the path', async () => {
    const res = await request(app)
      .put('/__mock/data')
      .send({ components: { wx1: { secret: 's', authorizers: { wxa: { envs: [] } } } } });
    expect(res.status).toBe(400);
    expect(res.body.issues).toContainEqual({
      path: 'components.wx1.authorizers.wxa.refresh_token',
      message: 'is required',
    });
  });
});

describe('the authorizer registry stays bounded', () => {
  // A flood of authorizer tokens (one test refreshing in a loop) evicted another test's valid token,
  // which then answered 40001: the registry forgets only tokens no client may still use.
  it('keeps every valid token: past ISSUED_TOKENS_KEPT valid ones a new one answers 45009 and changes nothing', () => {
    const clock = new MockClock();
    const registry = new AuthorizerRegistry(clock, 1);
    registry.load({});
    const grant = (i: number) => ({
      component_appid: 'wx1',
      authorizer_appid: `wxa${i}`,
      authorizer_refresh_token: 'r',
    });
    const first = registry.issue(grant(0)) as { authorizer_access_token: string };
    for (let i = 1; i < ISSUED_TOKENS_KEPT; i++) registry.issue(grant(i));
    const refused = registry.issue(grant(ISSUED_TOKENS_KEPT));
    expect(refused).toMatchObject({ errcode: 45009, reason: expect.stringContaining('valid authorizer tokens') });
    expect(registry.lookup(first.authorizer_access_token)?.state).toBe('valid');
    expect(registry.list().issued).toHaveLength(ISSUED_TOKENS_KEPT);
    // Once they have expired, the oldest is forgotten to make room.
    clock.advance(7200);
    const next = registry.issue(grant(ISSUED_TOKENS_KEPT)) as { authorizer_access_token: string };
    expect(registry.lookup(next.authorizer_access_token)?.state).toBe('valid');
    expect(registry.lookup(first.authorizer_access_token)).toBeUndefined();
    expect(registry.list().issued).toHaveLength(ISSUED_TOKENS_KEPT);
  });

  it('forgets a superseded token past its overlap before refusing', () => {
    const clock = new MockClock();
    const registry = new AuthorizerRegistry(clock, 1);
    registry.load({});
    const grant = (i: number) => ({
      component_appid: 'wx1',
      authorizer_appid: `wxa${i}`,
      authorizer_refresh_token: 'r',
    });
    const old = registry.issue(grant(0)) as { authorizer_access_token: string };
    registry.issue(grant(0));
    clock.advance(301);
    for (let i = 1; i < ISSUED_TOKENS_KEPT - 1; i++) registry.issue(grant(i));
    const fresh = registry.issue(grant(ISSUED_TOKENS_KEPT));
    expect(fresh).toHaveProperty('authorizer_access_token');
    expect(registry.lookup(old.authorizer_access_token)).toBeUndefined();
  });

  it('refuses a new authorizer past MAX_AUTHORIZERS but replaces an existing one', () => {
    const registry = new AuthorizerRegistry(new MockClock(), 1);
    registry.load({});
    for (let i = 0; i < MAX_AUTHORIZERS; i++) registry.add('wx1', { authorizer_appid: `wxa${i}`, refresh_token: 'r' });
    expect(() => registry.add('wx1', { authorizer_appid: 'wxone-more' })).toThrow(AuthorizersFull);
    expect(registry.add('wx1', { authorizer_appid: 'wxa0', refresh_token: 'r2' }).refresh_token).toBe('r2');
  });
});
