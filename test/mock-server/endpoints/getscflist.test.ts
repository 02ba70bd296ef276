import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { GETSCFLIST_PATH, WECHAT_CONTENT_TYPE } from '../../../mock-server/api-facts.js';
import { createApp } from '../../../mock-server/app.js';
import { ERROR_CODES } from '../../../mock-server/error-codes.js';
import { isGetScfListSuccess, isWechatError } from '../../../mock-server/validation.js';
import { PROD_NAMES, post, RID, TEST_DATA } from '../../support/helpers.js';

const app = createApp({ data: TEST_DATA });
const url = (token?: string) => (token === undefined ? GETSCFLIST_PATH : `${GETSCFLIST_PATH}?access_token=${token}`);

interface RuleCase {
  name: string;
  send: () => request.Test;
  errcode: number;
  reason?: RegExp;
}

const rules: RuleCase[] = [
  { name: 'GET answers 43002', send: () => request(app).get(url('tok-valid')), errcode: 43002 },
  { name: 'PUT answers 43002', send: () => request(app).put(url('tok-valid')).send({ env: 'prod-1' }), errcode: 43002 },
  {
    name: 'GET without a token still answers 43002 (method first)',
    send: () => request(app).get(url()),
    errcode: 43002,
  },
  { name: 'no access_token answers 41001', send: () => post(app, { env: 'prod-1' }, null), errcode: 41001 },
  { name: 'an empty access_token answers 41001', send: () => post(app, { env: 'prod-1' }, ''), errcode: 41001 },
  {
    name: 'a token only in the body answers 41001',
    send: () => post(app, { env: 'prod-1', access_token: 'tok-valid' }, null),
    errcode: 41001,
  },
  { name: 'an unlisted token answers 40001', send: () => post(app, { env: 'prod-1' }, 'tok-who'), errcode: 40001 },
  { name: 'an expired token answers 42001', send: () => post(app, { env: 'prod-1' }, 'tok-old'), errcode: 42001 },
  { name: 'a no-qbase token answers 85088', send: () => post(app, { env: 'prod-1' }, 'tok-nq'), errcode: 85088 },
  { name: 'the token is checked before the body', send: () => post(app, '', 'tok-old'), errcode: 42001 },
  { name: 'an empty body answers 44002', send: () => post(app, ''), errcode: 44002 },
  { name: 'no body at all answers 44002', send: () => request(app).post(url('tok-valid')), errcode: 44002 },
  { name: 'a white-space body answers 44002', send: () => post(app, '  \n'), errcode: 44002 },
  {
    name: 'a body that is not JSON answers 47001',
    send: () => post(app, '{env:'),
    errcode: 47001,
    reason: /not valid JSON/,
  },
  { name: 'a JSON array answers 47001', send: () => post(app, '[]'), errcode: 47001, reason: /JSON object/ },
  { name: 'JSON null answers 47001', send: () => post(app, 'null'), errcode: 47001, reason: /JSON object/ },
  { name: 'a JSON string answers 47001', send: () => post(app, '"prod-1"'), errcode: 47001 },
  {
    name: 'a missing env answers 47001',
    send: () => post(app, { offset: 0 }),
    errcode: 47001,
    reason: /^env: is required/,
  },
  { name: 'an empty env answers 47001', send: () => post(app, { env: '' }), errcode: 47001, reason: /^env:/ },
  { name: 'env null answers 47001', send: () => post(app, { env: null }), errcode: 47001, reason: /^env:/ },
  {
    name: 'offset as a string answers 47001',
    send: () => post(app, { env: 'prod-1', offset: '1' }),
    errcode: 47001,
    reason: /^offset: must be integer/,
  },
  { name: 'a negative offset answers 47001', send: () => post(app, { env: 'prod-1', offset: -1 }), errcode: 47001 },
  { name: 'a fractional offset answers 47001', send: () => post(app, { env: 'prod-1', offset: 1.5 }), errcode: 47001 },
  { name: 'offset 1e309 answers 47001', send: () => post(app, '{"env":"prod-1","offset":1e309}'), errcode: 47001 },
  { name: 'limit 0 answers 47001', send: () => post(app, { env: 'prod-1', limit: 0 }), errcode: 47001 },
  {
    name: 'limit over the maximum answers 47001',
    send: () => post(app, { env: 'prod-1', limit: 101 }),
    errcode: 47001,
    reason: /^limit: must be <= 100/,
  },
  { name: 'a numeric searchkey answers 47001', send: () => post(app, { env: 'prod-1', searchkey: 5 }), errcode: 47001 },
  {
    name: 'a body that is not UTF-8 answers 47001',
    send: () =>
      request(app)
        .post(url('tok-valid'))
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
    errcode: 47001,
    reason: /UTF-8/,
  },
  { name: 'an env with qbase false answers 85088', send: () => post(app, { env: 'legacy' }), errcode: 85088 },
  { name: 'an env not in the data answers 40097', send: () => post(app, { env: 'nowhere' }), errcode: 40097 },
];

describe('the rules of POST /componenttcb/getscflist', () => {
  it.each(rules)('$name', async ({ send, errcode, reason }) => {
    const res = await send();
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(WECHAT_CONTENT_TYPE);
    const body = JSON.parse(res.text);
    expect(body.errcode).toBe(errcode);
    expect(isWechatError(body)).toBe(true);
    expect(Object.keys(body)).toEqual(['errcode', 'errmsg']);
    const match = RID.exec(body.errmsg);
    expect(match?.groups?.text).toBe(ERROR_CODES[String(errcode) as keyof typeof ERROR_CODES].errmsg);
    expect(res.headers['x-mock-reason']).toBeTruthy();
    if (reason) expect(res.headers['x-mock-reason']).toMatch(reason);
  });
});

describe('requests the real server accepts', () => {
  const accepted: [string, () => request.Test][] = [
    [
      'JSON sent as text/plain',
      () => request(app).post(url('tok-valid')).set('Content-Type', 'text/plain').send('{"env":"prod-1"}'),
    ],
    [
      'JSON sent as a form content type',
      () =>
        request(app)
          .post(url('tok-valid'))
          .set('Content-Type', 'application/x-www-form-urlencoded')
          .send('{"env":"prod-1"}'),
    ],
    ['null for every optional field', () => post(app, { env: 'prod-1', offset: null, limit: null, searchkey: null })],
    ['unknown fields (ignored)', () => post(app, { env: 'prod-1', version: 2 })],
    ['offset -0', () => post(app, '{"env":"prod-1","offset":-0}')],
    ['a UTF-8 byte order mark', () => post(app, '\ufeff{"env":"prod-1"}')],
  ];
  it.each(accepted)('%s answers errcode 0 with the default page', async (_name, send) => {
    const res = await send();
    expect(res.status).toBe(200);
    expect(res.body.errcode).toBe(0);
    expect(res.body.total_count).toBe(PROD_NAMES.length);
    expect(res.body.functions.map((f: { name: string }) => f.name)).toEqual(PROD_NAMES.slice(0, 20));
  });

  it('searchKey (camelCase) is an alias of searchkey', async () => {
    const res = await post(app, { env: 'prod-1', searchKey: 'cart' });
    expect(res.body.functions.map((f: { name: string }) => f.name)).toEqual(['cartAdd', 'cartList']);
  });

  it('searchkey wins over searchKey when both are sent', async () => {
    const res = await post(app, { env: 'prod-1', searchkey: 'coupon', searchKey: 'cart' });
    expect(res.body.total_count).toBe(2);
    expect(res.body.functions[0].name).toBe('couponGrant');
  });
});

describe('the success body', () => {
  it('is exactly errcode, errmsg, total_count, functions with no rid, functions keys in upstream order', async () => {
    const res = await post(app, { env: 'prod-1', limit: 1 });
    expect(res.headers['content-type']).toBe(WECHAT_CONTENT_TYPE);
    expect(res.text.startsWith('{"errcode":0,"errmsg":"ok","total_count":25,"functions":[{"mod_time":')).toBe(true);
    expect(Object.keys(res.body.functions[0])).toEqual([
      'mod_time',
      'add_time',
      'runtime',
      'name',
      'status',
      'status_reason',
    ]);
    expect(isGetScfListSuccess(res.body)).toBe(true);
    expect(res.headers['x-mock-reason']).toBeUndefined();
    expect(res.headers.etag).toBeUndefined();
  });
});

describe('the rid suffix', () => {
  it('starts with the current unix time in hex', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await post(app, {}, null);
    const seconds = Number.parseInt(RID.exec(res.body.errmsg)?.groups?.time ?? '', 16);
    expect(seconds).toBeGreaterThanOrEqual(before);
    expect(seconds).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
  });

  it('is left off with rid: false, for snapshot tests', async () => {
    const res = await post(createApp({ data: TEST_DATA, rid: false }), {}, null);
    expect(res.text).toBe('{"errcode":41001,"errmsg":"access_token missing"}');
  });
});

describe('options', () => {
  it('strict answers 47001 for an unknown field and names it', async () => {
    const res = await post(createApp({ data: TEST_DATA, strict: true }), { env: 'prod-1', version: 2 });
    expect(res.body.errcode).toBe(47001);
    expect(res.headers['x-mock-reason']).toMatch(/^version: unknown field/);
  });

  it('strict still accepts the searchKey alias and nulls', async () => {
    const res = await post(createApp({ data: TEST_DATA, strict: true }), {
      env: 'prod-1',
      searchKey: 'a',
      limit: null,
    });
    expect(res.body.errcode).toBe(0);
  });

  it('maxLimit moves the largest accepted limit', async () => {
    const small = createApp({ data: TEST_DATA, maxLimit: 10 });
    expect((await post(small, { env: 'prod-1', limit: 10 })).body.functions).toHaveLength(10);
    expect((await post(small, { env: 'prod-1', limit: 11 })).body.errcode).toBe(47001);
  });

  it.each([
    ['invalid-args', 40097],
    ['no-qbase', 85088],
    ['empty', 0],
  ] as const)('unknownEnv %s answers %s for an env not in the data', async (mode, errcode) => {
    const res = await post(createApp({ data: TEST_DATA, unknownEnv: mode }), { env: 'nowhere' });
    expect(res.body.errcode).toBe(errcode);
    if (errcode === 0) expect(res.body).toEqual({ errcode: 0, errmsg: 'ok', total_count: 0, functions: [] });
  });

  it('any non-empty token is accepted when the data lists none', async () => {
    const open = createApp({ data: { envs: { e: { generate: 3 } } } });
    expect((await post(open, { env: 'e' }, 'whatever')).body.total_count).toBe(3);
  });

  it.each([
    [{ maxLimit: 0 }, /maxLimit/],
    [{ journalLimit: -1 }, /journalLimit/],
    [{ unknownEnv: 'ignore' as 'empty' }, /unknownEnv/],
  ])('a bad option %o is refused with its name', (options, message) => {
    expect(() => createApp(options)).toThrow(message);
  });
});

describe('paths that are not the API', () => {
  it('answer 404 with JSON naming the API, never an HTML page', async () => {
    const res = await request(app).post('/api/token');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error).toMatch(/POST \/componenttcb\/getscflist/);
  });
});
