// The dashboard's server side: its page and files, and the control API additions it reads through.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { GETSCFLIST_PATH } from '../../../mock-server/api-facts.js';
import { createApp } from '../../../mock-server/app.js';
import { startMockServer } from '../../../mock-server/server.js';
import { asText, post, TEST_DATA } from '../../support/helpers.js';

const CONTROL_TOKEN = 'dashboard-secret-1';
const run = promisify(execFile);

describe('GET /__mock/', () => {
  it('serves the page without the control token, and says the token is needed', async () => {
    const app = createApp({ data: TEST_DATA, controlToken: CONTROL_TOKEN });
    const res = await request(app).get('/__mock/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('<meta name="control-token" content="token-required">');
    // The data behind it still needs the token.
    expect((await request(app).get('/__mock/requests')).status).toBe(401);
    expect((await request(app).get('/__mock/envs/prod-1/functions')).status).toBe(401);
  });

  it('tells the page no token is needed when the mock has none', async () => {
    const res = await request(createApp({ data: TEST_DATA })).get('/__mock/');
    expect(res.text).toContain('<meta name="control-token" content="token-not-required">');
  });

  it('forbids anything from another origin in its Content-Security-Policy', async () => {
    const res = await request(createApp()).get('/__mock/');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it.each([
    ['main.js', 'text/javascript; charset=utf-8'],
    ['dashboard.css', 'text/css; charset=utf-8'],
    ['favicon.svg', 'image/svg+xml'],
  ])('serves /__mock/assets/%s as %s, without the control token', async (file, type) => {
    const res = await request(createApp({ controlToken: CONTROL_TOKEN })).get(`/__mock/assets/${file}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
  });

  it.each(['index.html', 'nope.js', '..%2Fdashboard.ts', '..%2F..%2Fpackage.json'])(
    'answers /__mock/assets/%s with 404 JSON',
    async (file) => {
      const res = await request(createApp()).get(`/__mock/assets/${file}`);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    },
  );

  it('links only files it serves', async () => {
    const app = createApp();
    const page = (await request(app).get('/__mock/')).text;
    const links = [...page.matchAll(/(?:href|src)="(\/[^"]*)"/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThanOrEqual(3);
    for (const link of links) expect((await request(app).get(link)).status, link).toBe(200);
  });

  it('answers a short page saying how to turn the control API on when it is off', async () => {
    const app = createApp({ control: false });
    const res = await request(app).get('/__mock/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('The control API is off');
    expect(res.text).toContain('--no-control');
    expect(res.text).not.toContain('main.js');
    expect((await request(app).get('/__mock/requests')).status).toBe(404);
  });
});

describe('GET /__mock/requests?after=CURSOR', () => {
  it('gives only what was recorded since the cursor, and the next cursor', async () => {
    const app = createApp({ data: TEST_DATA });
    await post(app, { env: 'prod-1' });
    await post(app, { env: 'legacy' });
    const all = (await request(app).get('/__mock/requests')).body;
    expect(all).toMatchObject({ dropped: 0, oldest: 0, next: 2 });
    expect(all.requests).toHaveLength(2);
    expect((await request(app).get('/__mock/requests?after=2')).body.requests).toEqual([]);
    await post(app, { env: 'big' });
    const since = (await request(app).get('/__mock/requests?after=2')).body;
    expect(since.requests.map((r: { body: string }) => r.body)).toEqual(['{"env":"big"}']);
    expect(since.next).toBe(3);
  });

  it('moves oldest past what the ring buffer dropped, so a poller can drop it too', async () => {
    const app = createApp({ data: TEST_DATA, journalLimit: 2 });
    for (let i = 0; i < 5; i++) await post(app, { env: 'prod-1', offset: i });
    const snap = (await request(app).get('/__mock/requests?after=1')).body;
    expect(snap).toMatchObject({ dropped: 3, oldest: 3, next: 5 });
    expect(snap.requests.map((r: { seq: number }) => r.seq)).toEqual([4, 5]);
  });

  it('keeps counting after a clear, with nothing below the new oldest', async () => {
    const app = createApp({ data: TEST_DATA });
    await post(app, { env: 'prod-1' });
    await request(app).delete('/__mock/requests');
    await post(app, { env: 'legacy' });
    const snap = (await request(app).get('/__mock/requests?after=0')).body;
    expect(snap).toMatchObject({ dropped: 0, oldest: 1, next: 2 });
    expect(snap.requests).toHaveLength(1);
  });

  it('gives only the newest `limit` of them with limit', async () => {
    const app = createApp({ data: TEST_DATA });
    for (let i = 0; i < 5; i++) await post(app, { env: 'prod-1', offset: i });
    const snap = (await request(app).get('/__mock/requests?after=1&limit=2')).body;
    expect(snap.requests.map((r: { seq: number }) => r.seq)).toEqual([4, 5]);
    expect(snap).toMatchObject({ oldest: 0, next: 5 });
    expect((await request(app).get('/__mock/requests?limit=0')).status).toBe(400);
  });

  it('treats a cursor from a restarted mock (past next) as 0', async () => {
    const app = createApp({ data: TEST_DATA });
    await post(app, { env: 'prod-1' });
    expect((await request(app).get('/__mock/requests?after=99')).body.requests).toHaveLength(1);
  });

  it.each(['-1', '1.5', 'x', ''])('answers 400 naming after for after=%s', async (after) => {
    const res = await request(createApp()).get(`/__mock/requests?after=${after}`);
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([
      { path: 'after', message: expect.stringContaining('must be a whole number from 0 to') },
    ]);
  });
});

describe('answer bodies in the journal', () => {
  const lastResponse = async (app: ReturnType<typeof createApp>) => {
    const { requests } = (await request(app).get('/__mock/requests')).body;
    return requests.at(-1).answer ?? null;
  };

  it('keeps the exact answer of each request', async () => {
    const app = createApp({ data: TEST_DATA, rid: false });
    const ok = await post(app, { env: 'prod-1', limit: 1 });
    expect(await lastResponse(app)).toBe(ok.text);
    await post(app, { env: 'legacy' });
    expect(await lastResponse(app)).toBe('{"errcode":85088,"errmsg":"no qbase privilege"}');
  });

  it('keeps what a fault really sent: the cut JSON, the gateway page, nothing for a dropped connection', async () => {
    const app = createApp({ data: TEST_DATA, rid: false });
    await request(app).post('/__mock/faults').send({ body: 'truncated-json' });
    const cut = await request(app)
      .post(`${GETSCFLIST_PATH}?access_token=tok-valid`)
      .send({ env: 'prod-1' })
      .buffer(true)
      .parse(asText);
    expect(await lastResponse(app)).toBe(cut.body);
    expect(cut.body).toMatch(/^\{"errcode":0,/);
    await request(app).post('/__mock/faults').send({ http_status: 502 });
    await post(app, { env: 'prod-1' });
    expect(await lastResponse(app)).toContain('<title>502 Bad Gateway</title>');
    await request(app).post('/__mock/faults').send({ drop: true });
    await post(app, { env: 'prod-1' }).catch(() => undefined);
    expect(await lastResponse(app)).toBeNull();
  });

  it('keeps the 404 answer of a path the mock does not serve', async () => {
    const app = createApp();
    await request(app).get('/nope');
    expect(JSON.parse(await lastResponse(app)).error).toContain('no such API');
  });

  it('cuts a large answer to 16 kB like request bodies', async () => {
    const app = createApp({ data: { envs: { big: { generate: 300 } } }, maxLimit: 300 });
    const res = await post(app, { env: 'big', limit: 300 }, 't');
    expect(res.text.length).toBeGreaterThan(16 * 1024);
    const kept = await lastResponse(app);
    expect(kept).toBe(`${res.text.slice(0, 16 * 1024)}… [${res.text.length} characters in all]`);
  });
});

describe('GET /__mock/envs/:env/functions', () => {
  const app = createApp({ data: TEST_DATA });

  it.each([
    { name: 'the first page', query: '', body: { env: 'big' } },
    { name: 'a deep page', query: '?offset=240&limit=20', body: { env: 'big', offset: 240, limit: 20 } },
    { name: 'a search', query: '?searchkey=ER&limit=5', body: { env: 'prod-1', searchkey: 'ER', limit: 5 } },
    { name: 'an offset past the end', query: '?offset=999', body: { env: 'prod-1', offset: 999 } },
  ])('gives $name exactly as the API pages it', async ({ query, body }) => {
    const listing = await request(app).get(`/__mock/envs/${body.env}/functions${query}`);
    const api = await post(app, body);
    expect(listing.status).toBe(200);
    expect(listing.body.total_count).toBe(api.body.total_count);
    expect(listing.body.functions).toEqual(api.body.functions);
  });

  it('lists a qbase-false env, which the API refuses, and records nothing in the journal', async () => {
    const fresh = createApp({ data: { envs: { legacy: { qbase: false, generate: 3 } } } });
    const res = await request(fresh).get('/__mock/envs/legacy/functions');
    expect(res.body).toMatchObject({ env: 'legacy', qbase: false, total_count: 3, offset: 0, limit: 20 });
    expect((await request(fresh).get('/__mock/requests')).body.requests).toEqual([]);
  });

  it.each([
    ['offset=-1', 'offset'],
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['searchkey=a&searchkey=b', 'searchkey'],
  ])('answers 400 for %s naming %s', async (query, path) => {
    const res = await request(app).get(`/__mock/envs/prod-1/functions?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.issues[0].path).toBe(path);
  });

  it('answers 404 for an env not in the data', async () => {
    const res = await request(app).get('/__mock/envs/nope/functions');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('env nope is not in the data');
  });
});

describe('around the dashboard', () => {
  it("is behind the control API's Host check like every /__mock/ route", async () => {
    const res = await request(createApp()).get('/__mock/').set('Host', 'rebound.example:4020');
    expect(res.status).toBe(403);
  });

  it('is behind the Host check with the control API off too (its page and files answered any Host)', async () => {
    const app = createApp({ control: false });
    for (const path of ['/__mock/', '/__mock/assets/main.js', '/__mock/assets/favicon.svg']) {
      const res = await request(app).get(path).set('Host', 'rebound.example:4020');
      expect(res.status).toBe(403);
      expect(res.body.error).toMatch(/--allowed-host NAME/);
      expect((await request(app).get(path).set('Host', 'localhost:4020')).status).toBe(200);
    }
  });

  it('does not log the reads an open dashboard polls with, but logs changes and refusals', async () => {
    const lines: string[] = [];
    const app = createApp({ data: TEST_DATA, log: (line) => lines.push(line) });
    await request(app).get('/__mock/');
    await request(app).get('/__mock/requests?after=0');
    await request(app).get('/__mock/faults');
    expect(lines).toEqual([]);
    await request(app).post('/__mock/reset');
    await request(app).get('/__mock/envs/nope/functions');
    expect(lines.map((line) => line.split(' ').slice(0, 3).join(' '))).toEqual([
      'POST /__mock/reset HTTP',
      'GET /__mock/envs/nope/functions HTTP',
    ]);
  });

  it('has docs/dashboard.md show a 1280x800 screenshot and name the folder each run writes them to', () => {
    const page = readFileSync(new URL('../../../docs/dashboard.md', import.meta.url), 'utf8');
    const image = /!\[[^\]]+\]\(([^)]+\.png)\)/.exec(page)?.[1];
    expect(image).toBeDefined();
    const png = readFileSync(new URL(`../../../docs/${image}`, import.meta.url));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1280, 800]);
    expect(page).toContain('`test-results/screenshots/`');
    expect(page).toContain('http://127.0.0.1:4020/__mock/');
  });
});

describe("copy as curl (the page's own curlFor, run by a real shell)", () => {
  const bodies = [
    '{"env":"prod-1"}',
    `{"env":"it's","searchkey":"$HOME \`id\` \\"q\\""}`,
    '{"env":"prod-1",\n  "searchkey": "登录 ✓"}',
    // Control bytes that act in a terminal: a raw one in the copied command ran a command with no Enter.
    '{"env":"\u001b[201~\rtouch /tmp/pwned\n\u001b]0;x\u0007\u001b[200~"}',
    '{"env":"a\u0000b","searchkey":"100% \\\\ \'q\'"}',
    '{"env":"\u009b31m\u2028\u202e"}',
  ];

  it.each(bodies)(
    'resends %j byte for byte in one printable ASCII line, with ACCESS_TOKEN in place of the token',
    async (body) => {
      const { curlFor } = await import(
        new URL('../../../mock-server/http/dashboard/static/format.js', import.meta.url).href
      );
      const mock = await startMockServer({ data: TEST_DATA });
      try {
        await fetch(`${mock.url}${GETSCFLIST_PATH}?access_token=tok-valid&x=a%20b&x=c`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body,
        });
        const [first] = mock.journal.snapshot().requests;
        const curl: string = curlFor(first, mock.url);
        expect(curl).toContain('access_token=ACCESS_TOKEN');
        expect(curl).not.toContain('tok-va');
        // Nothing a terminal acts on: no ESC, CR, LF, NUL or other byte outside printable ASCII.
        expect(curl).toMatch(/^[\x20-\x7e]+$/);
        // bash, as a user pastes into ($'…' quoting is bash's, zsh's and ksh's).
        await run('bash', ['-c', curl.replace('ACCESS_TOKEN', 'tok-valid')], {
          env: { PATH: process.env.PATH, HOME: '/nowhere' },
        });
        const [, again] = mock.journal.snapshot().requests;
        expect(again.body).toBe(first.body);
        expect(again.query).toEqual(first.query);
        expect(again.content_type).toBe('application/json');
        expect(again.access_token_sha256).toBe(first.access_token_sha256);
      } finally {
        await mock.close();
      }
    },
  );

  it('puts ACCESS_TOKEN in place of a component_access_token in the query too (it kept the cut token)', async () => {
    const { curlFor } = await import(
      new URL('../../../mock-server/http/dashboard/static/format.js', import.meta.url).href
    );
    const app = createApp({ data: TEST_DATA });
    await request(app)
      .post('/componenttcb/describeenvs?component_access_token=secret-component-token')
      .set('Content-Type', 'application/json')
      .send('{}');
    const [entry] = (await request(app).get('/__mock/requests')).body.requests;
    expect(curlFor(entry, 'http://127.0.0.1:4020')).toBe(
      `curl -s -X POST 'http://127.0.0.1:4020/componenttcb/describeenvs?component_access_token=ACCESS_TOKEN' -H 'Content-Type: application/json' --data-raw '{}'`,
    );
  });

  it('puts ACCESS_TOKEN in place of a token sent in the body too', async () => {
    const { curlFor } = await import(
      new URL('../../../mock-server/http/dashboard/static/format.js', import.meta.url).href
    );
    const app = createApp({ data: TEST_DATA });
    await post(app, { env: 'prod-1', access_token: 'secret-in-body' }, null);
    const [entry] = (await request(app).get('/__mock/requests')).body.requests;
    const curl: string = curlFor(entry, 'http://127.0.0.1:4020');
    expect(curl).toBe(
      `curl -s -X POST 'http://127.0.0.1:4020/componenttcb/getscflist' -H 'Content-Type: application/json' --data-raw '{"env":"prod-1","access_token":"ACCESS_TOKEN"}'`,
    );
  });
});
