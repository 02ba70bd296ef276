// Unknown paths: 40066 invalid url under the API's own prefixes (as WeChat documents it), a plain 404 elsewhere, /__mock/ its own.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { API_PATHS, API_PREFIXES, WECHAT_CONTENT_TYPE } from '../../../mock-server/api-facts.js';
import { createApp } from '../../../mock-server/app.js';
import { RID } from '../../support/helpers.js';

describe('a path the mock does not serve', () => {
  it('knows the API prefixes from the paths it serves', () => {
    expect([...API_PREFIXES].sort()).toEqual(['/cgi-bin/', '/componenttcb/', '/tcb/']);
  });

  it.each([
    ['POST', '/cgi-bin/component/api_query_auth'],
    ['POST', '/cgi-bin/token'],
    ['GET', '/cgi-bin/component/api_authorizer_token/extra'],
    ['POST', '/componenttcb/batchcreateenv'],
    ['POST', '/COMPONENTTCB/nope'],
    ['POST', '/tcb/databasequery'],
  ])('answers %s %s as WeChat does: HTTP 200, errcode 40066 invalid url with a rid', async (method, path) => {
    const app = createApp();
    const res = await request(app)[method === 'GET' ? 'get' : 'post'](`${path}?access_token=t`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(WECHAT_CONTENT_TYPE);
    const body = JSON.parse(res.text);
    expect(body.errcode).toBe(40066);
    expect(body.errmsg).toMatch(RID);
    expect(RID.exec(body.errmsg)?.groups?.text).toBe('invalid url');
  });

  it('records a 40066 in the journal with the reason naming the paths served, and rid/get finds it', async () => {
    const app = createApp();
    const answer = JSON.parse((await request(app).post('/tcb/nope?access_token=secret-token-1').send('{}')).text);
    const [entry] = (await request(app).get('/__mock/requests')).body.requests;
    expect(entry).toMatchObject({ path: '/tcb/nope', errcode: 40066, status: 200 });
    expect(entry.reason).toContain(API_PATHS.invokeCloudFunction);
    const rid = RID.exec(answer.errmsg)?.[0].split(' rid: ')[1];
    const found = JSON.parse((await request(app).post(`${API_PATHS.ridGet}?access_token=t`).send({ rid })).text);
    expect(found.request.request_url).not.toContain('secret-token-1');
    expect(found.request.response_body).toContain('40066');
    expect(found.request.request_body).toBe('{}');
    expect(entry.body).toBe('{}');
  });

  it.each(['/', '/v1/cgi-bin/token', '/cgi-binx/token', '/favicon.ico'])(
    'keeps a clear HTTP 404 for %s, outside the prefixes',
    async (path) => {
      const res = await request(createApp()).get(path);
      expect(res.status).toBe(404);
      expect(res.body.error).toMatch(/no such API/);
    },
  );

  it('leaves /__mock/ its own answers', async () => {
    const res = await request(createApp()).get('/__mock/nope');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatch(/no control route/);
  });
});
