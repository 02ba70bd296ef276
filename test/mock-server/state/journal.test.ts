import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GETSCFLIST_PATH } from '../../../mock-server/api-facts.js';
import { type RunningMock, startMockServer } from '../../../mock-server/server.js';

const TOKEN = 'tok-a-0123456789-secret';
let mock: RunningMock;

beforeAll(async () => {
  mock = await startMockServer({ data: { tokens: { [TOKEN]: 'valid' }, envs: { e: { generate: 3 } } } });
});
afterAll(async () => {
  await mock.close();
});

const post = (body: string, signal?: AbortSignal) =>
  fetch(`${mock.url}${GETSCFLIST_PATH}?access_token=${TOKEN}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body,
    signal,
  });

async function journal() {
  const res = await fetch(`${mock.url}/__mock/requests`, { headers: { 'Content-Type': 'application/json' } });
  return (await res.json()) as { requests: Record<string, unknown>[] };
}

describe('the journal entry of an API request', () => {
  it('holds a SHA-256 of the whole token, never the token itself', async () => {
    mock.journal.clear();
    await (await post('{"env":"e"}')).text();
    const text = JSON.stringify(await journal());
    expect(text).not.toContain(TOKEN);
    const [entry] = (await journal()).requests;
    expect(entry.access_token_sha256).toBe(createHash('sha256').update(TOKEN).digest('hex'));
    expect(entry.query).toEqual({ access_token: 'tok-a-…' });
  });

  it('holds the answer exactly as sent', async () => {
    mock.journal.clear();
    const sent = await (await post('{"env":"missing"}')).text();
    const [entry] = (await journal()).requests;
    expect(entry.answer).toBe(sent);
    expect(entry.answer).toMatch(/^\{"errcode":40097,"errmsg":"invalid args rid: /);
  });

  it('says when a client gave up on a slow answer, and is written as it leaves', async () => {
    mock.journal.clear();
    mock.faults.add({ latency_ms: 5000 });
    const started = performance.now();
    await expect(post('{"env":"e"}', AbortSignal.timeout(300))).rejects.toThrow();
    const until = performance.now() + 3000;
    while (mock.journal.snapshot().requests.length === 0 && performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const [entry] = mock.journal.snapshot().requests;
    expect(entry.client_closed_ms).toBeGreaterThanOrEqual(250);
    expect(entry.client_closed_ms).toBeLessThan(2000);
    // Recorded when the client left, not after the 5 s delay.
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it('has no client_closed_ms when the answer was delivered', async () => {
    mock.journal.clear();
    await (await post('{"env":"e"}')).text();
    expect(mock.journal.snapshot().requests[0]).not.toHaveProperty('client_closed_ms');
    expect(mock.journal.lastSeq).toBeGreaterThan(0);
  });
});
