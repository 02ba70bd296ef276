import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExposureError, type RunningMock, startMockServer } from '../../mock-server/server.js';
import { isGetScfListResponse } from '../../mock-server/validation.js';
import { TEST_DATA } from '../support/helpers.js';

async function api(mock: RunningMock, body: unknown, token = 'tok-valid') {
  const res = await fetch(`${mock.url}/componenttcb/getscflist?access_token=${token}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text(), reason: res.headers.get('x-mock-reason') };
}

describe('hostile bodies get a WeChat answer and change nothing', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({
      data: {
        ...TEST_DATA,
        envs: {
          ...TEST_DATA.envs,
          intl: {
            functions: [
              { name: '用户登录' },
              { name: 'pay🚀rocket' },
              { name: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!' },
            ],
          },
        },
      },
      bodyLimit: 4096,
    });
  });
  afterAll(() => mock.close());

  it('a body over the size limit answers 47001 in JSON, and the next request is served', async () => {
    const huge = await api(mock, JSON.stringify({ env: 'prod-1', pad: 'x'.repeat(10_000) }));
    expect(huge.status).toBe(200);
    expect(JSON.parse(huge.text).errcode).toBe(47001);
    expect(huge.reason).toBe('body: larger than the 4096-byte limit');
    expect(JSON.parse((await api(mock, { env: 'prod-1' })).text).total_count).toBe(25);
  });

  it('__proto__ and constructor keys change nothing global', async () => {
    const body =
      '{"env":"prod-1","limit":1,"__proto__":{"polluted":true,"limit":50},"constructor":{"prototype":{"polluted":true}}}';
    const res = JSON.parse((await api(mock, body)).text);
    expect(res.errcode).toBe(0);
    expect(res.functions).toHaveLength(1);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    const control = await fetch(`${mock.url}/__mock/tokens`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: '{"__proto__":"valid","tok-valid":"valid"}',
    });
    expect(control.status).toBe(200);
    expect(({} as Record<string, unknown>).valid).toBeUndefined();
    expect(JSON.parse((await api(mock, { env: 'prod-1' }, '__proto__')).text).errcode).toBe(0);
    expect(JSON.parse((await api(mock, { env: 'prod-1' }, 'toString')).text).errcode).toBe(40001);
  });

  it.each([
    ['(a+)+$', 0],
    ['(a|aa)*b'.repeat(500), 0],
    [`${'a'.repeat(40)}!`, 1],
    ['.*'.repeat(2_000), 0],
  ])('searchkey %s is taken literally (no regular expression to backtrack)', async (searchkey, total) => {
    const res = JSON.parse((await api(mock, { env: 'intl', searchkey })).text);
    expect(res.errcode).toBe(0);
    expect(res.total_count).toBe(total);
  });

  it.each([
    ['用户', ['用户登录']],
    ['🚀', ['pay🚀rocket']],
    ['PAY🚀', ['pay🚀rocket']],
  ])('searchkey %s matches Chinese and emoji names', async (searchkey, names) => {
    const res = JSON.parse((await api(mock, { env: 'intl', searchkey })).text);
    expect(res.functions.map((f: { name: string }) => f.name)).toEqual(names);
  });
});

describe('clients that stall are cut off, while others are served', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({ data: TEST_DATA, headersTimeoutMs: 300, requestTimeoutMs: 600 });
  });
  afterAll(() => mock.close());

  function stall(lines: string): Promise<{ closedAfterMs: number; answer: string }> {
    return new Promise((resolve) => {
      const started = Date.now();
      const socket = connect(mock.port, '127.0.0.1', () => socket.write(lines));
      let answer = '';
      socket.on('data', (chunk) => {
        answer += chunk;
      });
      socket.on('close', () => resolve({ closedAfterMs: Date.now() - started, answer }));
    });
  }

  it('a client that never finishes its headers, or its body, is cut off', async () => {
    const slowHeaders = stall('POST /componenttcb/getscflist?access_token=tok-valid HTTP/1.1\r\nHost: x\r\n');
    const slowBody = stall(
      'POST /componenttcb/getscflist?access_token=tok-valid HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"env":',
    );
    // Meanwhile a well-behaved client is served.
    const served = JSON.parse((await api(mock, { env: 'prod-1' })).text);
    expect(served.errcode).toBe(0);
    const [headers, body] = await Promise.all([slowHeaders, slowBody]);
    expect(headers.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(headers.closedAfterMs).toBeLessThan(10_000);
    expect(body.closedAfterMs).toBeLessThan(10_000);
    expect(JSON.parse((await api(mock, { env: 'prod-1' })).text).errcode).toBe(0);
  });
});

describe('the control API is never open to the network by accident', () => {
  it('listening on another address without a control token or --no-control is refused before binding', async () => {
    await expect(startMockServer({ host: '0.0.0.0' })).rejects.toBeInstanceOf(ExposureError);
    await expect(startMockServer({ host: '0.0.0.0' })).rejects.toThrow(/--control-token TOKEN.*--no-control/);
  });

  describe('with a control token', () => {
    let mock: RunningMock;
    beforeAll(async () => {
      mock = await startMockServer({ data: TEST_DATA, controlToken: 'control-secret-1' });
    });
    afterAll(() => mock.close());

    it.each([
      [undefined, 401],
      ['Bearer wrong-secret-1', 401],
      ['Basic control-secret-1', 401],
      ['Bearer control-secret-1', 200],
    ])('Authorization %s answers %i', async (authorization, status) => {
      const res = await fetch(`${mock.url}/__mock/requests`, { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    });

    it('the API itself needs no control token', async () => {
      expect(JSON.parse((await api(mock, { env: 'prod-1' })).text).errcode).toBe(0);
    });
  });

  it('a control token shorter than 8 characters is refused', async () => {
    await expect(startMockServer({ controlToken: 'short' })).rejects.toThrow(/at least 8 characters/);
  });
});

describe('access tokens never appear in full in logs', () => {
  it('the log line has the path, never the query', async () => {
    const lines: string[] = [];
    const mock = await startMockServer({ data: TEST_DATA, log: (line) => lines.push(line) });
    try {
      await api(mock, { env: 'prod-1' }, 'tok-valid');
      await api(mock, { env: 'prod-1', access_token: 'tok-valid' }, '');
    } finally {
      await mock.close();
    }
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toContain('tok-valid');
  });
});

describe('under concurrent load', () => {
  let mock: RunningMock;
  afterEach(() => mock?.close());

  it('the journal keeps its cap and recorded + dropped equals the requests received', async () => {
    mock = await startMockServer({ data: TEST_DATA, journalLimit: 100 });
    const total = 1500;
    let next = 0;
    const worker = async () => {
      while (next < total) {
        next += 1;
        await api(mock, next % 3 ? { env: 'prod-1', offset: next % 30 } : '{broken');
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    const { requests, dropped } = mock.journal.snapshot();
    expect(requests).toHaveLength(100);
    expect(requests.length + dropped).toBe(total);
  });

  it('an env replaced during reads is seen whole: old or new, never a mix', async () => {
    mock = await startMockServer({ data: { envs: { e: { generate: 10 } } } });
    const generation = (g: number, count: number) => ({
      functions: Array.from({ length: count }, (_, i) => ({ name: `gen${g}-fn${i}` })),
    });
    let stop = false;
    const writer = (async () => {
      for (let g = 0; !stop; g++) {
        const res = await fetch(`${mock.url}/__mock/envs/e`, {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(generation(g, 20 + (g % 7) * 5)),
        });
        expect(res.ok).toBe(true);
      }
    })();
    const seen: { total: number; names: string[] }[] = [];
    const reader = async () => {
      for (let i = 0; i < 150; i++) {
        const res = JSON.parse((await api(mock, { env: 'e', limit: 100 })).text);
        seen.push({ total: res.total_count, names: res.functions.map((f: { name: string }) => f.name) });
      }
    };
    await Promise.all(Array.from({ length: 8 }, reader));
    stop = true;
    await writer;
    const generations = new Set<string>();
    for (const { total, names } of seen) {
      const prefixes = new Set(names.map((n) => n.split('-')[0]));
      expect(prefixes.size).toBe(1);
      expect(total).toBe(names.length);
      generations.add([...prefixes][0]);
    }
    expect(generations.size).toBeGreaterThan(1);
  });
});

describe('faults a client must meet: exactly that, for N requests, then normal service', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({ data: TEST_DATA });
  });
  afterAll(() => mock.close());

  async function raw() {
    try {
      const res = await fetch(`${mock.url}/componenttcb/getscflist?access_token=tok-valid`, {
        method: 'POST',
        body: '{"env":"prod-1","limit":3}',
      });
      return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
    } catch (error) {
      return { status: 0, text: String((error as Error).cause ?? error), type: null };
    }
  }

  const kinds: [string, Record<string, unknown>, (r: Awaited<ReturnType<typeof raw>>) => void][] = [
    ['errcode -1', { errcode: -1 }, (r) => expect(JSON.parse(r.text)).toMatchObject({ errcode: -1 })],
    [
      'errcode 45009',
      { errcode: 45009 },
      (r) => expect(JSON.parse(r.text).errmsg).toMatch(/^reach max api daily quota limit rid: /),
    ],
    [
      'errcode 45011 with a custom errmsg',
      { errcode: 45011, errmsg: 'slow down' },
      (r) => expect(JSON.parse(r.text).errmsg).toMatch(/^slow down rid: /),
    ],
    [
      'HTTP 502',
      { http_status: 502 },
      (r) => expect([r.status, r.type, r.text.includes('<html>')]).toEqual([502, 'text/html', true]),
    ],
    ['HTTP 503', { http_status: 503 }, (r) => expect(r.status).toBe(503)],
    ['truncated JSON', { body: 'truncated-json' }, (r) => expect(() => JSON.parse(r.text)).toThrow()],
    [
      'malformed JSON',
      { body: 'malformed-json' },
      (r) => {
        expect(r.status).toBe(200);
        expect(() => JSON.parse(r.text)).toThrow();
      },
    ],
    ['a dropped connection', { drop: true }, (r) => expect(r.status).toBe(0)],
    ['a fixed delay', { latency_ms: 150 }, (r) => expect(JSON.parse(r.text).errcode).toBe(0)],
    ['a random delay', { latency_ms: { min: 50, max: 120 } }, (r) => expect(JSON.parse(r.text).errcode).toBe(0)],
  ];
  it.each(kinds)('%s', async (_name, fault, check) => {
    const queued = await fetch(`${mock.url}/__mock/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...fault, times: 2 }),
    });
    expect(queued.status).toBe(201);
    for (let i = 0; i < 2; i++) check(await raw());
    const normal = await raw();
    expect(normal.status).toBe(200);
    expect(isGetScfListResponse(JSON.parse(normal.text))).toBe(true);
    expect(JSON.parse(normal.text).errcode).toBe(0);
    const journal = mock.journal.snapshot().requests.slice(-3);
    expect(journal.map((e) => e.reason?.startsWith('fault') ?? false)).toEqual([
      !('latency_ms' in fault),
      !('latency_ms' in fault),
      false,
    ]);
  });
});
