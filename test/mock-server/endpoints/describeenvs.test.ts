import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockDataFile } from '../../../generated/schemas.js';
import { API_PATHS } from '../../../mock-server/api-facts.js';
import { createApp } from '../../../mock-server/app.js';
import { type RunningMock, startMockServer } from '../../../mock-server/server.js';
import { isDescribeEnvsSuccess, isEnvInfo } from '../../../mock-server/validation.js';

/** The body of an answer as JSON; the assertions check its shape. */
// biome-ignore lint/suspicious/noExplicitAny: a test reads whatever the server answered.
const json = async (res: Response | Promise<Response>): Promise<any> => (await res).json();

const DATA: MockDataFile = {
  seed: 3,
  envs: {
    'prod-5g7k2m9x3d': { generate: 2 },
    'test-3g2k': {
      alias: 'test',
      create_time: '2021-06-22 14:40:52',
      update_time: '2021-06-22 14:41:09',
      status: 'NORMAL',
      package_id: 'baas_1',
      package_name: '基础版1',
      dbinstance_id: 'tnt-6pu9fsz7u',
      bucket_id: '7465-test-3g2k-1258016615',
    },
    legacy: { qbase: false },
  },
};

describe('POST /componenttcb/describeenvs over HTTP', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({ data: DATA, rid: false });
  });
  afterAll(async () => {
    await mock.close();
  });
  const describeEnvs = (init: RequestInit = { method: 'POST', body: '{}' }, query = 'access_token=t') =>
    fetch(`${mock.url}${API_PATHS.describeenvs}?${query}`, init);

  it("lists every env with cloud development, in the data's order, valid against the schema", async () => {
    const res = await describeEnvs();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; encoding=utf-8');
    const body = await json(res);
    expect(isDescribeEnvsSuccess(body), JSON.stringify(body)).toBe(true);
    expect(body.info_list.map((env: { env: string }) => env.env)).toEqual(['prod-5g7k2m9x3d', 'test-3g2k']);
  });

  it('keeps the fields the data gives, and seeds realistic ones for the rest', async () => {
    const { info_list } = await json(describeEnvs());
    expect(info_list[1]).toEqual({ env: 'test-3g2k', ...DATA.envs?.['test-3g2k'] });
    const seeded = info_list[0];
    expect(isEnvInfo(seeded)).toBe(true);
    expect(seeded).toMatchObject({ alias: 'prod', status: 'NORMAL' });
    expect(seeded.dbinstance_id).toMatch(/^tnt-[a-z0-9]{9}$/);
    expect(seeded.bucket_id).toMatch(/^7072-prod-5g7k2m9x3d-\d{10}$/);
    expect(seeded.update_time >= seeded.create_time).toBe(true);
  });

  it('gives the same seeded values on every start with the same seed', async () => {
    const again = createApp({ data: DATA, rid: false });
    const res = await request(again).post(`${API_PATHS.describeenvs}?access_token=t`).send({});
    expect(res.text).toBe(await (await describeEnvs()).text());
  });

  it.each([
    ['no body at all', { method: 'POST' }],
    [
      'an empty body with a JSON Content-Type',
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '' },
    ],
    ['{}', { method: 'POST', body: '{}' }],
    ['an object with unknown fields', { method: 'POST', body: '{"env":"x"}' }],
  ])('answers with %s', async (_name, init) => {
    expect((await json(describeEnvs(init as RequestInit))).errcode).toBe(0);
  });

  it.each([
    ['a GET', { method: 'GET' }, 'access_token=t', 43002],
    ['no token', { method: 'POST', body: '{}' }, '', 41001],
    ['empty tokens under both keys', { method: 'POST', body: '{}' }, 'access_token=&component_access_token=', 41001],
    ['a body that is not JSON', { method: 'POST', body: '{' }, 'access_token=t', 47001],
    ['a body that is a JSON array', { method: 'POST', body: '[]' }, 'access_token=t', 47001],
  ])('answers %s with its errcode', async (_name, init, query, errcode) => {
    expect((await json(describeEnvs(init as RequestInit, query))).errcode).toBe(errcode);
  });

  it('follows the token table and accepts component_access_token as the key', async () => {
    const strict = createApp({
      data: { ...DATA, tokens: { good: 'valid', old: 'expired', nq: 'no-qbase' } },
      rid: false,
    });
    const answer = async (query: string) =>
      JSON.parse((await request(strict).post(`${API_PATHS.describeenvs}?${query}`).send({})).text).errcode;
    expect(await answer('access_token=good')).toBe(0);
    expect(await answer('component_access_token=good')).toBe(0);
    expect(await answer('access_token=bad')).toBe(40001);
    expect(await answer('access_token=old')).toBe(42001);
    expect(await answer('access_token=nq')).toBe(85088);
  });

  it('lists an env added through the control API, which getscflist then serves too', async () => {
    const put = await fetch(`${mock.url}/__mock/envs/added-9x`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ alias: 'added', functions: [{ name: 'hello' }] }),
    });
    expect(put.status).toBe(201);
    const { info_list } = await json(describeEnvs());
    expect(info_list.at(-1)).toMatchObject({ env: 'added-9x', alias: 'added' });
    const list = await fetch(`${mock.url}${API_PATHS.getscflist}?access_token=t`, {
      method: 'POST',
      body: '{"env":"added-9x"}',
    });
    expect((await json(list)).total_count).toBe(1);
    await fetch(`${mock.url}/__mock/reset`, { method: 'POST' });
  });
});
