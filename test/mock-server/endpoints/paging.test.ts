import { describe, expect, it, vi } from 'vitest';
import { createApp } from '../../../mock-server/app.js';
import { names, PROD_NAMES, post, TEST_DATA } from '../../support/helpers.js';

const app = createApp({ data: TEST_DATA });

interface PageCase {
  name: string;
  body: Record<string, unknown>;
  total: number;
  expected: string[];
}

const pages: PageCase[] = [
  { name: 'the default page is the first 20', body: {}, total: 25, expected: PROD_NAMES.slice(0, 20) },
  { name: 'offset 0 with limit 5', body: { offset: 0, limit: 5 }, total: 25, expected: PROD_NAMES.slice(0, 5) },
  { name: 'offset 20 gives the last 5', body: { offset: 20 }, total: 25, expected: PROD_NAMES.slice(20) },
  { name: 'offset equal to the total gives an empty page', body: { offset: 25 }, total: 25, expected: [] },
  { name: 'offset past the end gives an empty page', body: { offset: 1000 }, total: 25, expected: [] },
  { name: 'a huge offset gives an empty page', body: { offset: 2 ** 53 }, total: 25, expected: [] },
  { name: 'limit 1', body: { offset: 3, limit: 1 }, total: 25, expected: [PROD_NAMES[3]] },
  { name: 'limit at the maximum', body: { limit: 100 }, total: 25, expected: PROD_NAMES },
  {
    name: 'offset 24 limit 10 gives the one left',
    body: { offset: 24, limit: 10 },
    total: 25,
    expected: ['healthCheck'],
  },
  {
    name: 'searchkey is case-insensitive',
    body: { searchkey: 'USER' },
    total: 4,
    expected: ['getUser', 'GetUserInfo', 'user-login', 'userLogout'],
  },
  { name: 'searchkey matches a substring anywhere', body: { searchkey: 'ogin' }, total: 1, expected: ['user-login'] },
  { name: 'searchkey with no match', body: { searchkey: 'zzz' }, total: 0, expected: [] },
  { name: 'searchkey with regex characters is literal', body: { searchkey: '.*(' }, total: 0, expected: [] },
  { name: 'searchkey "." matches only a literal dot', body: { searchkey: '.' }, total: 1, expected: ['order.sync'] },
  {
    name: 'searchkey "_" matches only a literal underscore',
    body: { searchkey: '_' },
    total: 1,
    expected: ['order_refund'],
  },
  {
    name: 'an empty searchkey matches everything',
    body: { searchkey: '' },
    total: 25,
    expected: PROD_NAMES.slice(0, 20),
  },
  {
    name: 'searchkey with paging counts every match',
    body: { searchkey: 'user', offset: 1, limit: 2 },
    total: 4,
    expected: ['GetUserInfo', 'user-login'],
  },
  { name: 'searchkey with offset past its matches', body: { searchkey: 'cart', offset: 2 }, total: 2, expected: [] },
  { name: 'Chinese searchkey with no match', body: { searchkey: '用户' }, total: 0, expected: [] },
];

describe('paging and search', () => {
  it.each(pages)('$name', async ({ body, total, expected }) => {
    const res = await post(app, { env: 'prod-1', ...body });
    expect(res.body.errcode).toBe(0);
    expect(res.body.total_count).toBe(total);
    expect(names(res.body)).toEqual(expected);
  });

  it('orders by add_time descending, then by name', async () => {
    const tied = createApp({
      data: {
        envs: {
          e: {
            functions: [
              { name: 'b', add_time: '2024-01-01 00:00:00' },
              { name: 'c', add_time: '2024-02-01 00:00:00' },
              { name: 'a', add_time: '2024-01-01 00:00:00' },
            ],
          },
        },
      },
    });
    expect(names((await post(tied, { env: 'e' })).body)).toEqual(['c', 'a', 'b']);
  });

  it('pages of a generated env tile it exactly, in served order', async () => {
    const all = (await post(app, { env: 'big', limit: 100 })).body;
    expect(all.total_count).toBe(250);
    const seen: string[] = [];
    for (let offset = 0; offset < 250; offset += 7) {
      seen.push(...names((await post(app, { env: 'big', offset, limit: 7 })).body));
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(seen.slice(0, 100)).toEqual(names(all));
    const times = (await post(app, { env: 'big', limit: 100, offset: 100 })).body.functions.map(
      (f: { add_time: string }) => f.add_time,
    );
    expect([...times].sort().reverse()).toEqual(times);
  });
});

describe('seeded data', () => {
  it('gives byte-identical responses for the same seed', async () => {
    const a = await post(createApp({ data: TEST_DATA }), { env: 'big', limit: 100, offset: 50 });
    const b = await post(createApp({ data: TEST_DATA }), { env: 'big', limit: 100, offset: 50 });
    expect(a.text).toBe(b.text);
  });

  it('gives other functions for another seed', async () => {
    const a = await post(createApp({ data: TEST_DATA }), { env: 'big' });
    const b = await post(createApp({ data: TEST_DATA, seed: 43 }), { env: 'big' });
    expect(a.text).not.toBe(b.text);
  });

  it('does not depend on the clock', async () => {
    // Only Date is faked (timers stay real for the HTTP round trip): two apps built years apart.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2021-03-04T05:06:07Z'));
      const a = await post(createApp({ data: TEST_DATA }), { env: 'big' });
      vi.setSystemTime(new Date('2033-11-12T13:14:15Z'));
      const b = await post(createApp({ data: TEST_DATA }), { env: 'big' });
      expect(Date.now()).toBeGreaterThan(Date.UTC(2033, 0, 1));
      expect(a.text).toBe(b.text);
    } finally {
      vi.useRealTimers();
    }
  });
});
