import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { API_PATHS } from '../../../mock-server/api-facts.js';
import { createApp } from '../../../mock-server/app.js';

describe('GET and POST /__mock/clock', () => {
  it('starts at real time and moves forward by advance_s', async () => {
    const app = createApp();
    const before = (await request(app).get('/__mock/clock')).body;
    expect(before.offset_s).toBe(0);
    expect(Math.abs(before.unix - Date.now() / 1000)).toBeLessThan(5);
    const after = (await request(app).post('/__mock/clock').send({ advance_s: 86_400 })).body;
    expect(after.offset_s).toBe(86_400);
    expect(after.unix - before.unix).toBeGreaterThanOrEqual(86_400);
    expect(Date.parse(after.now) / 1000).toBeCloseTo(after.unix, -1);
    expect((await request(app).post('/__mock/clock').send({ advance_s: 0 })).body.offset_s).toBe(86_400);
  });

  it.each([
    ['a negative advance', { advance_s: -1 }],
    ['a fraction of a second', { advance_s: 1.5 }],
    ['a string', { advance_s: '60' }],
    ['no advance_s', {}],
    ['an unknown field', { advance_s: 1, rewind: true }],
  ])('refuses %s with 400 and the path, changing nothing', async (_name, body) => {
    const app = createApp();
    const res = await request(app).post('/__mock/clock').send(body);
    expect(res.status).toBe(400);
    expect(res.body.issues.length).toBeGreaterThan(0);
    expect((await request(app).get('/__mock/clock')).body.offset_s).toBe(0);
  });

  it('refuses a body that is not JSON with 400', async () => {
    const res = await request(createApp()).post('/__mock/clock').set('Content-Type', 'application/json').send('{');
    expect(res.status).toBe(400);
  });

  it("moves the first group of the rid: it stays the unix time of the answer as the mock's clock sees it", async () => {
    const app = createApp();
    await request(app).post('/__mock/clock').send({ advance_s: 1_000_000 });
    const res = await request(app).post(`${API_PATHS.getscflist}?access_token=t`).send('{');
    const seconds = Number.parseInt(/rid: ([0-9a-f]{8})-/.exec(JSON.parse(res.text).errmsg)?.[1] ?? '', 16);
    expect(Math.abs(seconds - (Date.now() / 1000 + 1_000_000))).toBeLessThan(5);
  });

  it('returns to real time on reset', async () => {
    const app = createApp();
    await request(app).post('/__mock/clock').send({ advance_s: 3600 });
    await request(app).post('/__mock/reset');
    expect((await request(app).get('/__mock/clock')).body.offset_s).toBe(0);
  });
});

describe('the clock is capped at 2100 (it went past 2106, where rids get 9 hex digits, and past the Date range with a 500)', () => {
  it('an advance past 2100-01-01 answers 400 naming how far it may go, and changes nothing', async () => {
    const app = createApp();
    for (let i = 0; i < 7; i++)
      expect((await request(app).post('/__mock/clock').send({ advance_s: 315_360_000 })).status).toBe(200);
    let refused = false;
    for (let i = 0; i < 30 && !refused; i++) {
      const before = (await request(app).get('/__mock/clock')).body.offset_s;
      const res = await request(app).post('/__mock/clock').send({ advance_s: 315_360_000 });
      refused = res.status === 400;
      if (refused) {
        expect(res.body.error).toMatch(/past 2100-01-01T00:00:00\.000Z.*it may move \d+ s more/);
        expect(res.body.issues[0].path).toBe('advance_s');
        expect((await request(app).get('/__mock/clock')).body.offset_s).toBe(before);
      } else expect(res.status).toBe(200);
    }
    expect(refused).toBe(true);
    expect(Date.parse((await request(app).get('/__mock/clock')).body.now)).toBeLessThanOrEqual(
      Date.UTC(2100, 0, 1) + 60_000,
    );
  });

  it('the mock’s own rids stay 8 hex digits and rid/get still finds them at the cap', async () => {
    const app = createApp();
    const left = Math.floor((Date.UTC(2100, 0, 1) - Date.now()) / 1000) - 10;
    for (let rest = left; rest > 0; rest -= 315_360_000) {
      expect(
        (
          await request(app)
            .post('/__mock/clock')
            .send({ advance_s: Math.min(rest, 315_360_000) })
        ).status,
      ).toBe(200);
    }
    const refused = await request(app).post(`${API_PATHS.getscflist}?access_token=tok-valid`).send({ env: 'nowhere' });
    const rid = /rid: (\S+)/.exec(refused.body.errmsg)?.[1] as string;
    expect(rid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
    const found = await request(app).post(`${API_PATHS.ridGet}?access_token=tok-valid`).send({ rid });
    expect(found.body.errcode).toBe(0);
    expect((await request(app).post('/__mock/clock').send({ advance_s: 3600 })).status).toBe(400);
  });
});
