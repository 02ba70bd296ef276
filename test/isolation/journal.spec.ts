// Each test reads back its own requests from the journal, and only those, while the others fill it too.
import { createHash } from 'node:crypto';
import { describe, expect } from 'vitest';
import { list, post, test } from './helpers.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('a journal per test', () => {
  test.for([3, 7, 12])('%i requests of this test are exactly its journal', async (count, { scope }) => {
    const { next } = await scope.control.requests({ limit: 1 });
    for (let i = 0; i < count; i++) await list(scope);
    const entries = await scope.control.waitForRequests({ access_token: scope.token }, { count, after: next });
    expect(entries).toHaveLength(count);
    expect(new Set(entries.map((entry) => entry.access_token_sha256))).toEqual(new Set([sha256(scope.token)]));
    expect((await scope.control.requests({ env: scope.env, after: next })).requests).toHaveLength(count);
  });

  test("the scope's journal joins its env, token and appid, oldest first", async ({ scope }) => {
    await list(scope);
    await post(`${scope.url}/cgi-bin/component/api_component_token`, {
      component_appid: scope.componentAppid,
      component_appsecret: 's',
    });
    await post(`${scope.url}/componenttcb/getscflist?access_token=${scope.token}-unlisted`, { env: scope.env });
    const entries = await scope.waitForRequests(3);
    expect(entries.map((entry) => entry.errcode)).toEqual([0, 61006, 40001]);
    expect(entries.map((entry) => entry.seq)).toEqual([...entries.map((entry) => entry.seq)].sort((a, b) => a - b));
  });
});
