// Findings from trying the mock as an attacker and as a new user would; each test is named after what broke.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { MockDataFile } from '../../../generated/schemas.js';
import { createApp } from '../../../mock-server/app.js';
import { startMockServer } from '../../../mock-server/server.js';
import { Store } from '../../../mock-server/state/env-store.js';
import { CLI, runCli, startCli } from '../../support/cli-process.js';
import { TEST_DATA } from '../../support/helpers.js';

const API = '/componenttcb/getscflist';

/** Data whose second env throws when read: a load that fails half-way, after the data was checked. */
function failingHalfWay(seed: number): MockDataFile {
  const envs = { fresh: { generate: 2 } };
  Object.defineProperty(envs, 'broken', {
    enumerable: true,
    get() {
      throw new Error('cannot build this env');
    },
  });
  return { seed, envs } as MockDataFile;
}

describe('a load that fails changes nothing (it used to change the seed)', () => {
  it('replaceData: the seed, envs and tokens stay as they were', () => {
    const store = new Store(TEST_DATA, 42);
    const before = store.listFunctions(store.getEnv('big') as NonNullable<ReturnType<Store['getEnv']>>, {
      offset: 0,
      limit: 5,
    });
    expect(() => store.replaceData(failingHalfWay(7), 7)).toThrow(/cannot build/);
    expect(store.seed).toBe(42);
    expect(store.getEnv('fresh')).toBeUndefined();
    const env = store.getEnv('big') as NonNullable<ReturnType<Store['getEnv']>>;
    expect(store.listFunctions(env, { offset: 0, limit: 5 })).toEqual(before);
  });

  it('reload (a --watch reload): reset still returns to the previous data and seed', () => {
    const store = new Store(TEST_DATA, 42);
    expect(() => store.reload(failingHalfWay(7), 7)).toThrow();
    store.reset();
    expect(store.seed).toBe(42);
    expect(store.envs().map((env) => env.id)).toEqual(['prod-1', 'legacy', 'big']);
  });

  it('a control body nested 100,000 deep answers 400 naming the depth, not 500', async () => {
    const app = createApp({ data: TEST_DATA, bodyLimit: 4 * 1024 * 1024 });
    const deep = `{"envs":{"a":{"functions":[{"name":"q","status_reason":[{"errcode":"x","errmsg":"y","z":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}]}}}`;
    for (const path of ['/__mock/data', '/__mock/envs/a', '/__mock/tokens']) {
      const res = await request(app).put(path).set('Content-Type', 'application/json').send(deep);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/is nested more than 32 levels deep/);
    }
    const fault = await request(app)
      .post('/__mock/faults')
      .set('Content-Type', 'application/json')
      .send(`{"x":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`);
    expect(fault.status).toBe(400);
  });
});

describe('token redaction in the journal', () => {
  const app = createApp({ data: TEST_DATA });
  const journalBody = async (body: string, type = 'application/json') => {
    await request(app).post(`${API}?access_token=tok-valid`).set('Content-Type', type).send(body);
    return app.mock.journal.snapshot().requests.at(-1)?.body ?? '';
  };

  it.each([
    ['a JSON body', '{"env":"prod-1","access_token":"SECRET-token-123456"}', 'application/json'],
    ['a form-encoded body', 'env=prod-1&access_token=SECRET-token-123456', 'application/x-www-form-urlencoded'],
    [
      'a percent-encoded form key',
      'env=prod-1&access%5Ftoken=SECRET-token-123456',
      'application/x-www-form-urlencoded',
    ],
    ['an unterminated body', '{"env":"prod-1","access_token":"SECRET-token-123456', 'application/json'],
    ['an escaped key', '{"env":"prod-1","access\\u005ftoken":"SECRET-token-123456"}', 'application/json'],
    ['an escaped quote in the token', '{"access_token":"SECRET\\"token-123456"}', 'application/json'],
  ])('covers %s', async (_name, body, type) => {
    const kept = await journalBody(body, type);
    expect(kept).not.toMatch(/token-123456/);
    expect(kept).toMatch(/SECRET|SECRE|SECR/);
  });

  it('keeps the rest of the body as sent', async () => {
    expect(await journalBody('{"env":"prod-1","access_token":"SECRET-token-123456","limit":2}')).toBe(
      '{"env":"prod-1","access_token":"SECRET…","limit":2}',
    );
  });

  it('a __proto__ query key does not vanish from the journal', async () => {
    await request(app).post(`${API}?access_token=tok-valid&__proto__=x&constructor=y`).send({ env: 'prod-1' });
    const entry = app.mock.journal.snapshot().requests.at(-1);
    expect(Object.keys(entry?.query ?? {})).toEqual(['access_token', '__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(JSON.parse(JSON.stringify(entry)).query, '__proto__')?.value).toBe('x');
  });
});

describe('a declared Content-Length over --body-limit (it stalled 30 s, then got an empty 408)', () => {
  it('answers 47001 at once, without waiting for the body', async () => {
    const mock = await startMockServer({ data: TEST_DATA, bodyLimit: 1024 });
    try {
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(mock.port, '127.0.0.1', () =>
          socket.write(
            `POST ${API}?access_token=tok-valid HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000\r\n\r\n{"env":`,
          ),
        );
        let text = '';
        socket.on('data', (chunk) => {
          text += chunk;
          if (text.includes('}')) {
            socket.destroy();
            resolve(text);
          }
        });
        socket.on('close', () => resolve(text));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 200/);
      expect(answer).toMatch(/connection: close/i);
      expect(answer).toContain('"errcode":47001');
      expect(mock.journal.snapshot().requests.at(-1)?.reason).toBe('body: larger than the 1024-byte limit');
    } finally {
      await mock.close();
    }
  });

  it('the control API answers 413 at once too', async () => {
    const app = createApp({ data: TEST_DATA, bodyLimit: 1024 });
    const res = await request(app)
      .put('/__mock/data')
      .set('Content-Type', 'application/json')
      .send(`{"envs":{},"pad":"${'x'.repeat(2000)}"}`);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatch(/larger than the 1024-byte limit/);
  });
});

describe('--request-timeout-ms below the headers timeout (1,500 asked, 408 after 10.9 s)', () => {
  it('is honoured: a client that stalls on its headers is cut off near 1.5 s', async () => {
    const mock = await startMockServer({ data: TEST_DATA, requestTimeoutMs: 1500 });
    try {
      const closedAfter = await new Promise<number>((resolve) => {
        const started = Date.now();
        const socket = connect(mock.port, '127.0.0.1', () => socket.write(`POST ${API} HTTP/1.1\r\nHost: x\r\n`));
        socket.on('data', () => undefined);
        socket.on('close', () => resolve(Date.now() - started));
      });
      expect(closedAfter).toBeGreaterThanOrEqual(1400);
      expect(closedAfter).toBeLessThan(5000);
    } finally {
      await mock.close();
    }
  });

  it('below an explicit --headers-timeout-ms is refused in one line', async () => {
    const { code, stderr } = await runCli([
      'serve',
      '--port',
      '0',
      '--request-timeout-ms',
      '1500',
      '--headers-timeout-ms',
      '5000',
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'wechat-scf-kit: --request-timeout-ms 1500 is below --headers-timeout-ms 5000: a whole request cannot take less time than its headers; raise it or lower --headers-timeout-ms\n',
    );
  });
});

describe('SIGTERM sent the moment the URL is printed (it killed the process 17 times in 20)', () => {
  it('exits 0 every time', { timeout: 60_000 }, async () => {
    const codes: (number | null)[] = [];
    for (let i = 0; i < 10; i++) {
      const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--quiet']);
      const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        child.on('close', (code, signal) => resolve({ code, signal })),
      );
      child.stdout.once('data', () => child.kill('SIGTERM'));
      const { code, signal } = await exit;
      expect(signal).toBeNull();
      codes.push(code);
    }
    expect(codes).toEqual(Array.from({ length: 10 }, () => 0));
  });
});

describe('the pretty log (request text reached it raw)', () => {
  it('escapes newlines and terminal escape codes, so no request forges a log line', async () => {
    const server = await startCli(['--port', '0']);
    try {
      const env = 'x\nwechat-scf-kit: FORGED LINE\r\u001b[2J\u001b]0;pwned\u0007\u2028';
      await fetch(`${server.url}${API}?access_token=t`, { method: 'POST', body: JSON.stringify({ env }) });
      await fetch(`${server.url}/__mock/reset`, { method: 'POST' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const log = server
        .output()
        .split('\n')
        .filter((line) => /^\d{4}-\d\d-\d\dT/.test(line));
      expect(log).toHaveLength(2);
      expect(log[0]).toContain(
        '(env: x\\nwechat-scf-kit: FORGED LINE\\r\\x1b[2J\\x1b]0;pwned\\x07\\u2028 is not in the data)',
      );
      for (const raw of ['\u001b', '\u0007', '\r', '\u2028']) expect(server.output()).not.toContain(raw);
      // Control changes log one line each too.
      expect(log[1]).toMatch(/ POST \/__mock\/reset HTTP 200 [\d.]+ms$/);
    } finally {
      await server.stop();
    }
  });
});
