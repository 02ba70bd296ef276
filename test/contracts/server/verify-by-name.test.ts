// verify against a mock reached by a name other than 127.0.0.1: its request budget, a Host refusal named as one, the token from the environment.
import { createServer, request as forward, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultBudget } from '../../../contracts/server/server-run.js';
import { verifyServer } from '../../../contracts/server/verify-server.js';
import { type RunningMock, startMockServer } from '../../../mock-server/server.js';
import { runCli } from '../../support/cli-process.js';

describe('the default request budget', () => {
  it.each([
    ['http://127.0.0.1:4020', 2000],
    ['http://wechat-mock:4020', 2000],
    ['http://10.88.0.5:4020', 2000],
    ['http://mock.test.svc.cluster.local:4020', 2000],
    ['https://weixin.qq.com.evil.example', 2000],
    ['https://api.weixin.qq.com', 60],
    ['https://sh.api.weixin.qq.com', 60],
    ['https://API.WEIXIN.QQ.COM./', 60],
  ])('for %s is %i', (baseUrl, budget) => {
    expect(defaultBudget(baseUrl)).toBe(budget);
  });
});

/** A reverse proxy on loopback that sends every request on with another Host, as an ingress does. */
async function hostRewritingProxy(target: string, host: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const upstream = forward(new URL(req.url ?? '/', target), {
      method: req.method,
      headers: { ...req.headers, host },
    });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('verify through a Host name the control API does not allow', () => {
  let mock: RunningMock;
  let allowing: RunningMock;
  let proxies: Server[] = [];
  beforeAll(async () => {
    mock = await startMockServer();
    allowing = await startMockServer({ allowedHosts: ['wechat-mock.ci.example'] });
  });
  afterAll(async () => {
    for (const server of proxies) await new Promise((resolve) => server.close(resolve));
    proxies = [];
    await mock.close();
    await allowing.close();
  });

  it('is reported as a Host refusal naming --allowed-host, not as a refused control token', async () => {
    const proxy = await hostRewritingProxy(mock.url, 'wechat-mock.ci.example:4020');
    proxies.push(proxy.server);
    const found = await verifyServer({ baseUrl: proxy.url });
    expect(found.controlRefused).toMatch(
      /refused the Host name 127\.0\.0\.1 \(HTTP 403\): start the mock with --allowed-host/,
    );
    expect(found.controlRefused).not.toMatch(/control token/);
  });

  it('runs with the control API once the name is allowed', async () => {
    const proxy = await hostRewritingProxy(allowing.url, 'wechat-mock.ci.example:4020');
    proxies.push(proxy.server);
    const found = await verifyServer({ baseUrl: proxy.url, cases: ['GSL-OBS-001'] });
    expect({ control: found.control, refused: found.controlRefused }).toEqual({ control: true, refused: undefined });
    expect(found.results.map((r) => r.status)).toEqual(['pass']);
  });
});

describe('verify with the control token in WECHAT_SCF_KIT_CONTROL_TOKEN', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({ controlToken: 'from-the-env-2' });
  });
  afterAll(() => mock.close());

  it('uses it as --control-token, and the flag beats it', async () => {
    const env = { WECHAT_SCF_KIT_CONTROL_TOKEN: 'from-the-env-2' };
    const run = await runCli(['verify', '--base-url', mock.url, '--case', 'GSL-OBS-001'], { env });
    expect(run.stdout).toMatch(/\n1 passed, 0 failed, 0 skipped\n/);
    expect(run.code).toBe(0);
    const flag = await runCli(['verify', '--base-url', mock.url, '--control-token', 'wrong-token-9'], { env });
    // Exit 3: the run could not be made (2 is kept for a usage error).
    expect(flag.code).toBe(3);
    expect(flag.stderr).toContain('refused the control token');
  });
});
