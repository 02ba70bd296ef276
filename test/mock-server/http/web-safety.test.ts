// A developer runs the mock beside their browser: no web page they visit may read or change it.
import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../mock-server/app.js';
import { type RunningMock, startMockServer } from '../../../mock-server/server.js';
import { startCli } from '../../support/cli-process.js';
import { TEST_DATA } from '../../support/helpers.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A raw HTTP request to 127.0.0.1, with any Host and Origin (fetch would not let a test set Host). */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const corsHeaders = (answer: Answer) =>
  Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'));

describe('cross-site requests to the control API', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({ data: TEST_DATA });
  });
  afterAll(() => mock.close());

  it.each([
    ['text/plain', 'text/plain', '{"errcode":-1}'],
    ['a form', 'application/x-www-form-urlencoded', '{"errcode":-1}'],
    [
      'multipart',
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
    ],
    ['no Content-Type', undefined, '{"errcode":-1}'],
  ])('a body sent as %s answers 415 and queues nothing', async (_name, type, body) => {
    const res = await send(mock.port, 'POST', '/__mock/faults', type ? { 'Content-Type': type } : {}, body);
    expect(res.status).toBe(415);
    expect(JSON.parse(res.text).error).toMatch(/Content-Type: application\/json/);
    expect(mock.faults.list()).toEqual([]);
  });

  it('PUT /__mock/data as text/plain answers 415 and the data stays', async () => {
    const res = await send(mock.port, 'PUT', '/__mock/data', { 'Content-Type': 'text/plain' }, '{"envs":{}}');
    expect(res.status).toBe(415);
    expect(mock.store.getEnv('prod-1')).toBeDefined();
  });

  it('a JSON body with application/json is taken', async () => {
    const res = await send(
      mock.port,
      'POST',
      '/__mock/faults',
      { 'Content-Type': 'application/json; charset=utf-8' },
      '{"errcode":-1}',
    );
    expect(res.status).toBe(201);
    expect((await send(mock.port, 'DELETE', '/__mock/faults')).status).toBe(200);
  });

  it.each([
    ['POST', '/__mock/reset'],
    ['DELETE', '/__mock/requests'],
    ['GET', '/__mock/requests'],
    ['GET', '/__mock/tokens'],
  ])('%s %s from another site (Origin) answers 403 and changes nothing', async (method, path) => {
    mock.faults.add({ errcode: -1 });
    try {
      for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${mock.port + 1}`]) {
        const res = await send(mock.port, method, path, { Origin: origin });
        expect(res.status).toBe(403);
        expect(JSON.parse(res.text).error).toMatch(/not this mock's own/);
        expect(corsHeaders(res)).toEqual([]);
      }
      expect(mock.faults.list()).toHaveLength(1);
    } finally {
      mock.faults.clear();
    }
  });

  it('a preflight from another site fails: 403 and no CORS headers', async () => {
    const res = await send(mock.port, 'OPTIONS', '/__mock/faults', {
      Origin: 'http://evil.example',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type',
    });
    expect(res.status).toBe(403);
    expect(corsHeaders(res)).toEqual([]);
  });

  it("the mock's own pages (same Origin) and tools without Origin are served", async () => {
    const own = await send(
      mock.port,
      'POST',
      '/__mock/faults',
      { Origin: `http://127.0.0.1:${mock.port}`, 'Content-Type': 'application/json' },
      '{"errcode":-1}',
    );
    expect(own.status).toBe(201);
    // curl -X POST with no body: no Content-Type needed.
    const reset = await send(mock.port, 'POST', '/__mock/reset');
    expect(reset.status).toBe(200);
    expect(mock.faults.list()).toEqual([]);
  });

  it('the API route itself reads JSON under any Content-Type, as WeChat does', async () => {
    const res = await send(
      mock.port,
      'POST',
      '/componenttcb/getscflist?access_token=tok-valid',
      { 'Content-Type': 'text/plain' },
      '{"env":"prod-1","limit":1}',
    );
    expect(JSON.parse(res.text).errcode).toBe(0);
    expect(corsHeaders(res)).toEqual([]);
  });
});

describe('DNS rebinding: the Host header', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({ data: TEST_DATA });
  });
  afterAll(() => mock.close());

  it.each(['localhost', 'LOCALHOST', '127.0.0.1', '127.3.2.1', '[::1]'])(
    'loopback name %s is served, with any port',
    async (name) => {
      for (const host of [name, `${name}:${mock.port}`, `${name}:80`]) {
        expect((await send(mock.port, 'GET', '/__mock/requests', { Host: host })).status).toBe(200);
      }
    },
  );

  it.each([
    'wechat-mock',
    'wechat-mock:4020',
    'Project_Wechat-Mock_1',
    '10.88.0.5:4020',
    '0.0.0.0',
    '[fd00::5]:4020',
    'host.docker.internal',
    'host.containers.internal:4020',
  ])('Host %s, a name no rebinding page can have, is served without --allowed-host', async (host) => {
    const res = await send(mock.port, 'GET', '/__mock/requests', { Host: host });
    expect({ host, status: res.status }).toEqual({ host, status: 200 });
  });

  it.each([
    'evil.example',
    'evil.example:4020',
    'localhost.evil.example',
    '127.0.0.1.nip.io',
    'wechat-mock.evil.example',
    'host.docker.internal.evil.example',
    '-wechat-mock',
    '10.88.0.5.evil.example',
  ])('Host %s answers 403 naming --allowed-host, and reads nothing', async (host) => {
    for (const path of ['/__mock/requests', '/__mock/tokens', '/__mock/clock']) {
      const res = await send(mock.port, 'GET', path, { Host: host });
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(res.text).error).toMatch(/--allowed-host NAME/);
      expect(res.text).not.toContain('tok-valid');
    }
    const put = await send(
      mock.port,
      'PUT',
      '/__mock/data',
      { Host: host, 'Content-Type': 'application/json' },
      '{"envs":{}}',
    );
    expect(put.status).toBe(403);
    expect(mock.store.getEnv('prod-1')).toBeDefined();
  });

  it('names given with allowedHosts (--allowed-host) are served; others still are not', async () => {
    const app = createApp({ data: TEST_DATA, allowedHosts: ['mock.internal', 'Wechat-Mock.Test.Svc'] });
    expect((await request(app).get('/__mock/requests').set('Host', 'mock.internal:4020')).status).toBe(200);
    expect((await request(app).get('/__mock/requests').set('Host', 'wechat-mock.test.svc')).status).toBe(200);
    expect((await request(app).get('/__mock/requests').set('Host', 'other.internal')).status).toBe(403);
  });

  it('a non-loopback --host is itself an allowed name', async () => {
    // What startMockServer({ host: 'mock.lan' }) gives createApp; nothing here listens beyond loopback.
    const app = createApp({ data: TEST_DATA, allowedHosts: ['mock.lan'] });
    expect((await request(app).get('/__mock/requests').set('Host', 'mock.lan:4020')).status).toBe(200);
    expect((await request(app).get('/__mock/requests').set('Host', 'mock2.lan:4020')).status).toBe(403);
    expect(mock.settings.allowedHosts).toEqual(['127.0.0.1']);
  });

  it('a bad allowed host name is refused at start-up', () => {
    expect(() => createApp({ allowedHosts: ['evil.example/path'] })).toThrow(/allowedHosts: "evil.example\/path"/);
  });
});

describe('CORS', () => {
  it('is off by default: no Access-Control headers, and OPTIONS on the API answers 43002 like WeChat', async () => {
    const app = createApp({ data: TEST_DATA });
    const preflight = await request(app)
      .options('/componenttcb/getscflist?access_token=tok-valid')
      .set('Origin', 'http://localhost:5173')
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.status).toBe(200);
    // A page of another origin is refused (61004) before the method is looked at; a tool gets 43002.
    expect(JSON.parse(preflight.text).errcode).toBe(61004);
    expect(Object.keys(preflight.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const tool = await request(app).options('/componenttcb/getscflist?access_token=tok-valid');
    expect(JSON.parse(tool.text).errcode).toBe(43002);
  });

  it('--cors ORIGIN lets that origin call the API route, never the control API', async () => {
    const app = createApp({ data: TEST_DATA, cors: ['http://localhost:5173'] });
    const preflight = await request(app)
      .options('/componenttcb/getscflist?access_token=tok-valid')
      .set('Origin', 'http://localhost:5173')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(preflight.headers['access-control-allow-methods']).toBe('POST');
    const call = await request(app)
      .post('/componenttcb/getscflist?access_token=tok-valid')
      .set('Origin', 'http://localhost:5173')
      .send({ env: 'prod-1', limit: 1 });
    expect(call.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(JSON.parse(call.text).errcode).toBe(0);
    const other = await request(app)
      .post('/componenttcb/getscflist?access_token=tok-valid')
      .set('Origin', 'http://evil.example')
      .send({ env: 'prod-1', limit: 1 });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const control = await request(app)
      .options('/__mock/faults')
      .set('Origin', 'http://localhost:5173')
      .set('Access-Control-Request-Method', 'POST');
    expect(control.status).toBe(403);
    expect(Object.keys(control.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('an origin that is not one is refused at start-up', () => {
    expect(() => createApp({ cors: ['localhost:5173'] })).toThrow(/cors: "localhost:5173" is not an origin/);
  });
});

describe('from the command line', () => {
  it('--allowed-host, --cors and a control token from WECHAT_SCF_KIT_CONTROL_TOKEN', async () => {
    const server = await startCli(
      ['--port', '0', '--quiet', '--allowed-host', 'wechat-mock', '--cors', 'http://localhost:5173'],
      { WECHAT_SCF_KIT_CONTROL_TOKEN: 'from-the-env-1' },
    );
    try {
      const port = Number(new URL(server.url).port);
      const auth = { Authorization: 'Bearer from-the-env-1' };
      expect((await send(port, 'GET', '/__mock/requests', { Host: 'wechat-mock:4020', ...auth })).status).toBe(200);
      expect((await send(port, 'GET', '/__mock/requests', { Host: 'wechat-mock:4020' })).status).toBe(401);
      expect((await send(port, 'GET', '/__mock/requests', { Host: 'other.example:4020', ...auth })).status).toBe(403);
      const api = await send(port, 'POST', '/componenttcb/getscflist?access_token=t', {
        Origin: 'http://localhost:5173',
      });
      expect(api.headers['access-control-allow-origin']).toBe('http://localhost:5173');
      expect(server.output()).toContain('with Authorization: Bearer <control token>');
    } finally {
      await server.stop();
    }
  });
});
