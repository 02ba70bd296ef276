import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATHS, RID_KEPT_S } from '../../../mock-server/api-facts.js';
import { createApp } from '../../../mock-server/app.js';
import { type RunningMock, startMockServer } from '../../../mock-server/server.js';
import { isRidGetSuccess } from '../../../mock-server/validation.js';

const DATA = { tokens: { 'tok-valid-123456': 'valid' as const }, envs: { 'prod-1': { generate: 2 } } };
const TOKEN = 'tok-valid-123456';

const ridOf = (errmsg: string) => /rid: ([0-9a-f-]+)$/.exec(errmsg)?.[1] as string;

describe('POST /cgi-bin/openapi/rid/get over HTTP', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({ data: DATA });
  });
  afterAll(async () => {
    await mock.close();
  });
  const post = (path: string, body: string, query = `access_token=${TOKEN}`) =>
    fetch(`${mock.url}${path}?${query}`, { method: 'POST', body }).then(async (res) => ({
      text: await res.text(),
      status: res.status,
    }));
  const lookUp = async (rid: unknown, query?: string) =>
    JSON.parse((await post(API_PATHS.ridGet, JSON.stringify({ rid }), query)).text);

  it('finds the request behind a rid of getscflist, the token cut short and the answer as sent', async () => {
    const answer = await post(API_PATHS.getscflist, '{"env":"nope-env"}');
    const rid = ridOf(JSON.parse(answer.text).errmsg);
    const found = await lookUp(rid);
    expect(isRidGetSuccess(found), JSON.stringify(found)).toBe(true);
    expect(found.request).toMatchObject({
      request_url: `${API_PATHS.getscflist}?access_token=tok-va…`,
      request_body: '{"env":"nope-env"}',
      response_body: answer.text,
      client_ip: expect.stringMatching(/127\.0\.0\.1/),
    });
    expect(found.request.invoke_time).toBe(Number.parseInt(rid.slice(0, 8), 16));
    expect(JSON.stringify(found)).not.toContain(TOKEN);
  });

  it.each([
    ['describeenvs', API_PATHS.describeenvs, '[]', `access_token=${TOKEN}`],
    ['api_component_token', API_PATHS.componentToken, '{"component_appid":"a"}', ''],
    ['rid/get itself', API_PATHS.ridGet, '{"rid":"zz"}', `access_token=${TOKEN}`],
  ])('finds the rids of %s too', async (_name, path, body, query) => {
    const answer = await post(path, body, query);
    const found = await lookUp(ridOf(JSON.parse(answer.text).errmsg));
    expect(found.errcode).toBe(0);
    expect(found.request.response_body).toBe(answer.text);
  });

  it('cuts a component secret and ticket short in request_body', async () => {
    const body = JSON.stringify({ component_appid: 'wx1', component_verify_ticket: 'ticket@@@secret-ticket' });
    const answer = await post(API_PATHS.componentToken, body, '');
    expect(JSON.parse(answer.text).errcode).toBe(41004);
    const found = await lookUp(ridOf(JSON.parse(answer.text).errmsg));
    expect(found.request.request_body).not.toContain('secret-ticket');
    expect(found.request.request_body).toContain('"component_appid":"wx1"');
  });

  it.each([
    ['a malformed rid', 'not-a-rid', 76002],
    ['upper-case hex', '6AAC0064-355B48AB-4C5B487E', 76002],
    ['a well-formed rid this mock never issued', '00000000-00000000-00000000', 76001],
    ['a number', 12, 47001],
    ['an empty rid', '', 40101],
  ])('answers %s with %i', async (_name, rid, errcode) => {
    expect((await lookUp(rid)).errcode).toBe(errcode);
  });

  it.each([
    ['no rid', '{}', 40101],
    ['an empty body', '', 44002],
    ['a body that is not JSON', '{"rid"', 47001],
  ])('answers %s with %i', async (_name, body, errcode) => {
    expect(JSON.parse((await post(API_PATHS.ridGet, body)).text).errcode).toBe(errcode);
  });

  it('reads the token from access_token only, as upstream documents it', async () => {
    expect((await lookUp('00000000-00000000-00000000', `component_access_token=${TOKEN}`)).errcode).toBe(41001);
    expect((await lookUp('00000000-00000000-00000000', 'access_token=unlisted')).errcode).toBe(40001);
  });

  it('forgets a rid after 7 days of mock time', async () => {
    const answer = await post(API_PATHS.getscflist, '{}');
    const rid = ridOf(JSON.parse(answer.text).errmsg);
    await fetch(`${mock.url}/__mock/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ advance_s: RID_KEPT_S - 60 }),
    });
    expect((await lookUp(rid)).errcode).toBe(0);
    await fetch(`${mock.url}/__mock/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ advance_s: 60 }),
    });
    expect((await lookUp(rid)).errcode).toBe(76001);
    await fetch(`${mock.url}/__mock/reset`, { method: 'POST' });
  });
});

describe('the rid map', () => {
  it('keeps the newest --journal-limit rids, forgetting the oldest first', async () => {
    const app = createApp({ data: DATA, journalLimit: 2 });
    const fail = async () =>
      ridOf(
        JSON.parse((await request(app).post(`${API_PATHS.getscflist}?access_token=${TOKEN}`).send('{')).text).errmsg,
      );
    const first = await fail();
    const second = await fail();
    expect(app.mock.rids.get(first)).toBeDefined();
    await fail();
    expect(app.mock.rids.get(first)).toBeUndefined();
    expect(app.mock.rids.get(second)).toBeDefined();
    expect(app.mock.rids.size).toBe(2);
  });

  it('is emptied by reset', async () => {
    const app = createApp({ data: DATA });
    await request(app).post(`${API_PATHS.getscflist}?access_token=${TOKEN}`).send('{');
    expect(app.mock.rids.size).toBe(1);
    await request(app).post('/__mock/reset');
    expect(app.mock.rids.size).toBe(0);
  });

  it('holds nothing with --no-rid, as no answer carries a rid', async () => {
    const app = createApp({ data: DATA, rid: false });
    await request(app).post(`${API_PATHS.getscflist}?access_token=${TOKEN}`).send('{');
    expect(app.mock.rids.size).toBe(0);
  });
});
