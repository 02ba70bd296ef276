import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WechatApiError } from '../../examples/typescript-client/client.js';
import { createComponentClient, FileTokenStore } from '../../examples/typescript-client/component-client.js';
import { FLOW_DATA, runFlow } from '../../examples/typescript-client/flow.js';
import { API_PATHS } from '../../mock-server/api-facts.js';
import { type RunningMock, startMockServer } from '../../mock-server/server.js';
import type { JournalEntry } from '../../mock-server/state/journal.js';

const COMPONENT = { appid: 'wx5f1c2b9a4e7d3c01', secret: 'flow-example-secret', ticket: 'ticket@@@flow-example' };
const run = promisify(execFile);

let mock: RunningMock;
beforeAll(async () => {
  mock = await startMockServer({ data: FLOW_DATA });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(async () => {
  await fetch(`${mock.url}/__mock/reset`, { method: 'POST' });
});

const requests = () => mock.journal.snapshot().requests;
const tokenRequests = (entries: JournalEntry[]) => entries.filter((e) => e.path === API_PATHS.componentToken);
const addFault = (fault: object) =>
  fetch(`${mock.url}/__mock/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(fault),
  });

describe('the SDK-style example client runs its whole flow offline', () => {
  it('lists every env and function, survives the token expiring, and looks up a rid', async () => {
    const report = await runFlow(mock.url, COMPONENT);
    expect(report.envs).toEqual(['prod-4f9a2c', 'test-8d1e7b']);
    expect(report.functions).toEqual({ 'prod-4f9a2c': 230, 'test-8d1e7b': 12 });
    expect(report.afterTwoHours).toBe(230);
    expect(report.failure.errcode).toBe(40097);
    expect(report.failure.requestUrl).toMatch(/^\/componenttcb\/getscflist\?component_access_token=\d{2}_/);
  });

  it('fetches one token for the first two hours, and one more only when WeChat says 42001', async () => {
    await runFlow(mock.url, COMPONENT);
    const entries = requests();
    expect(tokenRequests(entries)).toHaveLength(2);
    const [first, second] = mock.registry.list();
    const sha = async (token: string) =>
      Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))).toString('hex');
    const firstSha = await sha(first.component_access_token);
    const secondSha = await sha(second.component_access_token);
    // Every API call before the refusal used the first token; the 42001 came back once; then the second token.
    const api = entries.filter((e) => e.path !== API_PATHS.componentToken);
    const refused = api.findIndex((e) => e.errcode === 42001);
    expect(refused).toBeGreaterThan(3);
    expect(api.filter((e) => e.errcode === 42001)).toHaveLength(1);
    expect(api.slice(0, refused + 1).every((e) => e.access_token_sha256 === firstSha)).toBe(true);
    expect(api.slice(refused + 1).every((e) => e.access_token_sha256 === secondSha)).toBe(true);
  });

  it('runs as a program, as docs/api-behaviour.md says, starting and stopping its own mock', async () => {
    const { stdout } = await run('node', ['examples/typescript-client/dist/flow.js'], { timeout: 30_000 });
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ functions: { 'prod-4f9a2c': 230, 'test-8d1e7b': 12 }, tokenRequests: 2 });
  });
});

describe('the example client never loops', () => {
  const client = () => createComponentClient({ baseUrl: mock.url, component: COMPONENT, timeoutMs: 2000 });

  it.each([42001, 40001, 40014])('a fresh token refused again with %i is surfaced after one retry', async (errcode) => {
    await addFault({ errcode, path: API_PATHS.getscflist, times: 50 });
    await expect(client().getCloudFunctionList({ env: 'prod-4f9a2c' })).rejects.toMatchObject({ errcode });
    const entries = requests();
    expect(tokenRequests(entries)).toHaveLength(2);
    expect(entries.filter((e) => e.path === API_PATHS.getscflist)).toHaveLength(2);
  });

  it('a token request refused (a stale ticket) is surfaced, and no API call is made', async () => {
    const stale = createComponentClient({ baseUrl: mock.url, component: { ...COMPONENT, ticket: 'ticket@@@old' } });
    const error = await stale.describeEnvs().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatApiError);
    expect((error as WechatApiError).errcode).toBe(61006);
    expect(requests().map((e) => e.path)).toEqual([API_PATHS.componentToken]);
  });

  it('an error that is not about the token is surfaced without a new token', async () => {
    const c = client();
    await expect(c.getCloudFunctionList({ env: 'no-such-env' })).rejects.toMatchObject({ errcode: 40097 });
    expect(tokenRequests(requests())).toHaveLength(1);
  });

  it('calls made at once share one token request', async () => {
    const c = client();
    await Promise.all(Array.from({ length: 5 }, () => c.getCloudFunctionList({ env: 'test-8d1e7b' })));
    expect(tokenRequests(requests())).toHaveLength(1);
  });
});

describe('the file token store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scf-token-store-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lets one program run per call fetch one token for many calls', async () => {
    for (let i = 0; i < 3; i++) {
      const c = createComponentClient({ baseUrl: mock.url, component: COMPONENT, store: new FileTokenStore(dir) });
      await c.getCloudFunctionList({ env: 'test-8d1e7b' });
    }
    expect(tokenRequests(requests())).toHaveLength(1);
  });
});
