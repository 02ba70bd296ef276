// Web pages and the API routes: a DNS-rebinding page reads nothing, and no page uses up faults or issues tokens.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATH_LIST, API_PATHS } from '../../../mock-server/api-facts.js';
import { type RunningMock, startMockServer } from '../../../mock-server/server.js';
import { TEST_DATA } from '../../support/helpers.js';

/** A raw HTTP request to 127.0.0.1 with any headers (fetch would not let a test set Host). */
function send(port: number, path: string, headers: Record<string, string>, body = '{}') {
  return new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const LIST = `${API_PATHS.getscflist}?access_token=tok-valid`;

describe('the Host rule on the API routes (a DNS-rebinding page read rid/get and the function lists)', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({ data: TEST_DATA, allowedHosts: ['mock.corp.example'] });
  });
  afterAll(() => mock.close());

  it.each([
    ['a loopback name', 'localhost:4020'],
    ['an IPv4 literal', '192.168.1.20:4020'],
    ['an IPv6 literal', '[fd00::1]:4020'],
    ['a single-label name (a container or compose service)', 'wechat-mock:4020'],
    ['Docker’s name for the host', 'host.docker.internal:4020'],
    ['Podman’s name for the host', 'host.containers.internal'],
    ["WeChat's own API host (pointed at the mock by a hosts file)", 'api.weixin.qq.com'],
    ['a name given with --allowed-host', 'Mock.Corp.Example:4020'],
    ['a name with a final dot', 'localhost.:4020'],
  ])('answers %s', async (_name, host) => {
    const res = await send(mock.port, LIST, { Host: host }, '{"env":"prod-1","limit":1}');
    expect(res.json.errcode).toBe(0);
  });

  it.each([
    ['a public name', 'evil.example'],
    ['a public name with a port', 'evil.example:4020'],
    ['a rebinding service name', '127.0.0.1.nip.io'],
    ['a name that starts like loopback', 'localhost.evil.example'],
  ])('refuses %s on every API path with 61004 naming --allowed-host, and takes no fault', async (_name, host) => {
    mock.faults.add({ errcode: -1 });
    try {
      for (const path of API_PATH_LIST) {
        const res = await send(mock.port, `${path}?access_token=tok-valid`, { Host: host }, '{"env":"prod-1"}');
        expect(res.status).toBe(200);
        expect(res.json.errcode).toBe(61004);
        expect(res.json.errmsg).toMatch(/^access clientip is not registered: Host .* --allowed-host .* rid: /);
        expect(JSON.stringify(res.json)).not.toMatch(/functions|envs|request_url|component_access_token/);
      }
      expect(mock.faults.list()).toHaveLength(1);
      expect(mock.journal.snapshot().requests.at(-1)?.reason).toMatch(/--allowed-host/);
    } finally {
      mock.faults.clear();
    }
  });

  it.each([['/tcb/notanapi'], ['/cgi-bin/component/api_query_auth'], ['/componenttcb/batchcreateenv']])(
    'answers 40066 at %s only under a Host it answers; another Host gets 61004 naming --allowed-host',
    async (path) => {
      const served = await send(mock.port, `${path}?access_token=tok-valid`, { Host: 'localhost:4020' });
      expect(served.json.errcode).toBe(40066);
      const refused = await send(mock.port, `${path}?access_token=tok-valid`, { Host: 'evil.example' });
      expect(refused.status).toBe(200);
      expect(refused.json.errcode).toBe(61004);
      expect(refused.json.errmsg).toMatch(/--allowed-host/);
      expect(mock.journal.snapshot().requests.at(-1)).toMatchObject({ errcode: 61004, status: 200 });
    },
  );
});

describe('a web page of another site (an <img> used up queued faults; a page issued 10,000 tokens)', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({ data: TEST_DATA, cors: ['http://localhost:5173'] });
  });
  afterAll(() => mock.close());

  it.each([
    ['an <img> (Sec-Fetch-Site: cross-site, no Origin)', { 'Sec-Fetch-Site': 'cross-site' }],
    ['a no-cors fetch (Origin of another site)', { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' }],
    ['a page with an opaque origin', { Origin: 'null' }],
    ['a page of the same site on another port', { 'Sec-Fetch-Site': 'same-site' }],
  ])('%s gets 61004 naming --cors, takes no fault and gets no token', async (_name, headers) => {
    mock.faults.add({ errcode: -1 });
    const before = mock.registry.size.issued;
    try {
      const res = await send(
        mock.port,
        API_PATHS.componentToken,
        { Host: `127.0.0.1:${mock.port}`, ...headers },
        '{"component_appid":"wx1","component_appsecret":"s","component_verify_ticket":"t"}',
      );
      expect(res.json.errcode).toBe(61004);
      expect(res.json.errmsg).toMatch(/--cors ORIGIN/);
      expect(mock.faults.list()).toHaveLength(1);
      expect(mock.registry.size.issued).toBe(before);
    } finally {
      mock.faults.clear();
    }
  });

  it('a page of another site gets 61004 naming --cors at a path WeChat does not serve too, not 40066', async () => {
    const res = await send(mock.port, '/tcb/notanapi', {
      Host: `127.0.0.1:${mock.port}`,
      Origin: 'http://evil.example',
      'Sec-Fetch-Site': 'cross-site',
    });
    expect(res.json.errcode).toBe(61004);
    expect(res.json.errmsg).toMatch(/--cors ORIGIN/);
  });

  it.each([
    ['a server-side client (no Origin, no Sec-Fetch-Site)', {}],
    ['an origin given with --cors', { Origin: 'http://localhost:5173', 'Sec-Fetch-Site': 'same-site' }],
    ['a URL typed into the browser', { 'Sec-Fetch-Site': 'none' }],
  ])('%s is answered', async (_name, headers) => {
    const res = await send(mock.port, LIST, { Host: `127.0.0.1:${mock.port}`, ...headers }, '{"env":"prod-1"}');
    expect(res.json.errcode).toBe(0);
  });
});
