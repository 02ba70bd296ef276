// What the journal and rid/get keep of a request: secrets cut wherever they appear, texts bounded.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { API_PATHS } from '../../../mock-server/api-facts.js';
import { createApp } from '../../../mock-server/app.js';
import { asText, post, TEST_DATA } from '../../support/helpers.js';

const TOKEN_PATH = '/cgi-bin/component/api_component_token';

describe('an issued component token (the journal kept it whole in the answer)', () => {
  it('is cut in the journal, which keeps its SHA-256 instead', async () => {
    const app = createApp({ data: TEST_DATA });
    const res = await request(app)
      .post(TOKEN_PATH)
      .send({ component_appid: 'wx-any', component_appsecret: 'secret-any', component_verify_ticket: 'ticket-any' });
    const token: string = res.body.component_access_token;
    expect(token).toMatch(/^\d\d_/);
    const entry = app.mock.journal.snapshot().requests.at(-1);
    expect(JSON.stringify(entry)).not.toContain(token.slice(6));
    expect(entry?.answer).toContain(`"component_access_token":"${token.slice(0, 6)}…"`);
    const { createHash } = await import('node:crypto');
    expect(entry?.issued_token_sha256).toBe(createHash('sha256').update(token).digest('hex'));
  });
});

describe('the rid map (it kept each full URL, up to 45 kB an entry)', () => {
  it('keeps a rid request URL cut like the journal, and a token in it cut', async () => {
    const app = createApp({ data: TEST_DATA });
    const long = 'q'.repeat(12_000);
    const res = await request(app)
      .post(`/componenttcb/getscflist?access_token=tok-valid-0123456789&pad=${long}`)
      .send({ env: 'nowhere' });
    const rid = /rid: ([0-9a-f-]+)/.exec(res.body.errmsg)?.[1] as string;
    const kept = app.mock.rids.get(rid);
    expect(kept?.request_url.length).toBeLessThan(1100);
    expect(kept?.request_url).toMatch(/characters in all\]$/);
    expect(kept?.request_url).not.toContain('0123456789');
  });
});

describe('a listing page in the journal (kept as what makes it again, not as its text)', () => {
  it('is the text sent, even after the functions on it were deleted, changed or added to', async () => {
    const app = createApp({ data: TEST_DATA });
    const sent = await post(app, { env: 'big', offset: 3, limit: 5 });
    const onPage: string[] = sent.body.functions.map((fn: { name: string }) => fn.name);
    const deleted = await request(app)
      .post(`${API_PATHS.deletescf}?access_token=tok-valid`)
      .send({ env: 'big', functionname: onPage[0] });
    expect(deleted.body.errcode).toBe(0);
    expect((await post(app, { env: 'big', offset: 3, limit: 5 })).text).not.toBe(sent.text);
    const entries = app.mock.journal.snapshot().requests;
    const listed = entries.filter((entry) => entry.path === API_PATHS.getscflist);
    expect(listed[0].answer).toBe(sent.text);
    expect(listed[1].answer).not.toBe(sent.text);
  });

  it('is the text sent when a fault cut it short', async () => {
    const app = createApp({ data: TEST_DATA });
    await request(app).post('/__mock/faults').send({ body: 'truncated-json' });
    const sent = await post(app, { env: 'big', limit: 5 }).buffer(true).parse(asText);
    expect(sent.body.startsWith('{"errcode":0,"errmsg":"ok"')).toBe(true);
    expect(() => JSON.parse(sent.body)).toThrow();
    expect(app.mock.journal.snapshot().requests.at(-1)?.answer).toBe(sent.body);
  });
});
