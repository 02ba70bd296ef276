// The same isolation through the bare HTTP control API, as a test in another language would use it.
import { randomUUID } from 'node:crypto';
import { expect, inject, onTestFinished, test } from 'vitest';

const base = inject('wechatApiBaseUrl');

async function control(method: string, path: string, body?: unknown): Promise<number> {
  const res = await fetch(`${base}/__mock${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  await res.arrayBuffer();
  return res.status;
}

test.each(['a', 'b', 'c', 'd'])('test %s arranges, uses and removes its own env, token and fault', async () => {
  const id = randomUUID().slice(0, 8);
  const env = `raw-${id}`;
  const token = `raw-token-${id}`;
  onTestFinished(async () => {
    await control('DELETE', `/faults?access_token=${token}`);
    await control('DELETE', `/tokens/${token}`);
    await control('DELETE', `/envs/${env}`);
  });
  expect(await control('PUT', `/envs/${env}`, { generate: 2 })).toBe(201);
  expect(await control('PUT', `/tokens/${token}`, { state: 'valid' })).toBe(201);
  expect(await control('POST', '/faults', { errcode: -1, times: 2, match: { access_token: token } })).toBe(201);
  const codes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${base}/componenttcb/getscflist?access_token=${token}`, {
      method: 'POST',
      body: JSON.stringify({ env }),
    });
    codes.push(((await res.json()) as { errcode: number }).errcode);
  }
  expect(codes).toEqual([-1, -1, 0]);
});
