// Memory bounded for real: whatever clients send, what the mock keeps has a size it can state.
import { readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../mock-server/app.js';
import { type RunningMock, startMockServer } from '../../mock-server/server.js';
import { MAX_FUNCTIONS } from '../../mock-server/state/data-file.js';
import { MAX_FAULTS } from '../../mock-server/state/fault-queue.js';
import {
  boundEntry,
  JOURNAL_BODY_CHARS,
  JOURNAL_TEXT_CHARS,
  type JournalEntry,
} from '../../mock-server/state/journal.js';
import { runCli, startCli } from '../support/cli-process.js';
import { TEST_DATA } from '../support/helpers.js';

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]) / 1024;
}

describe('1,000 requests with a 1 MB env (they took the process to 1.16 GB and the journal to HTTP 500)', () => {
  it('fit in a 128 MB heap, leaving a readable journal under 45 kB an entry', { timeout: 120_000 }, async () => {
    // The heap cap makes the bound exact: were anything kept per request beyond the journal's
    // bounded entry, the server would run out of memory and die (RSS alone depends on when GC runs).
    const server = await startCli(['--port', '0', '--quiet'], { NODE_OPTIONS: '--max-old-space-size=128' });
    const pid = server.child.pid as number;
    try {
      const body = JSON.stringify({ env: `e${'x'.repeat(1_000_000)}` });
      let sent = 0;
      const worker = async () => {
        while (sent < 1000) {
          sent += 1;
          const res = await fetch(`${server.url}/componenttcb/getscflist?access_token=t`, { method: 'POST', body });
          expect(((await res.json()) as { errcode: number }).errcode).toBe(40097);
        }
      };
      await Promise.all(Array.from({ length: 4 }, worker));
      const res = await fetch(`${server.url}/__mock/requests`);
      expect(res.status).toBe(200);
      const text = await res.text();
      const journal = JSON.parse(text) as { requests: JournalEntry[]; dropped: number };
      expect(journal.requests).toHaveLength(1000);
      expect(journal.requests[0].reason).toMatch(/… \[\d+ characters in all\]$/);
      expect(journal.requests[0].body).toMatch(/… \[1000011 bytes in all\]$/);
      expect(text.length / 1000).toBeLessThan(45_000);
      const rss = await rssMb(pid);
      console.log(`RSS after 1,000 requests with a 1 MB env: ${rss.toFixed(1)} MB; journal ${text.length} bytes`);
      expect(server.child.exitCode).toBeNull();
      expect(rss).toBeLessThan(400);
    } finally {
      await server.stop();
    }
  });
});

describe('every text the journal keeps is bounded', () => {
  const entry: JournalEntry = {
    seq: 1,
    time: '2026-01-01T00:00:00.000Z',
    method: 'POST',
    path: `/${'p'.repeat(20_000)}`,
    query: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, 'v'.repeat(5000)])),
    body: 'b'.repeat(100_000),
    content_type: 't'.repeat(5000),
    errcode: 47001,
    reason: 'r'.repeat(1_000_000),
    status: 200,
    duration_ms: 1,
    answer: 'a'.repeat(100_000),
  };

  it('cuts each string, noting the whole length, and keeps at most 16 query keys, noting how many there were', () => {
    const kept = boundEntry(entry);
    expect(kept.reason).toBe(`${'r'.repeat(JOURNAL_TEXT_CHARS)}… [1000000 characters in all]`);
    expect(kept.path.length).toBeLessThan(JOURNAL_TEXT_CHARS + 40);
    expect(kept.content_type?.length).toBeLessThan(JOURNAL_TEXT_CHARS + 40);
    expect(kept.body).toBe(`${'b'.repeat(JOURNAL_BODY_CHARS)}… [100000 characters in all]`);
    expect(kept.answer?.length).toBeLessThan(JOURNAL_BODY_CHARS + 40);
    expect(Object.keys(kept.query)).toHaveLength(17);
    expect(kept.query['…']).toBe('[500 keys in all]');
    expect(kept.query.k0).toBe(`${'v'.repeat(256)}… [5000 characters in all]`);
    expect(JSON.stringify(kept).length).toBeLessThan(45_000);
  });

  it('a reason over 1 kB reaches the log line cut too', async () => {
    const lines: string[] = [];
    const app = createApp({ data: TEST_DATA, log: (line) => lines.push(line) });
    await request(app)
      .post('/componenttcb/getscflist?access_token=tok-valid')
      .send({ env: `e${'x'.repeat(100_000)}` });
    expect(lines).toHaveLength(1);
    expect(lines[0].length).toBeLessThan(1200);
  });

  it('a control request with a 12 kB path reaches its log line cut too (it was logged whole)', async () => {
    const lines: string[] = [];
    const paths: unknown[] = [];
    const app = createApp({
      data: TEST_DATA,
      log: (line, entry) => {
        lines.push(line);
        paths.push(entry.path);
      },
    });
    const path = `/__mock/${'p'.repeat(12_000)}`;
    expect((await request(app).get(path)).status).toBe(404);
    expect(
      (
        await request(app)
          .put(`/__mock/envs/${'e'.repeat(12_000)}`)
          .send({})
      ).status,
    ).toBe(400);
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.length).toBeLessThan(1200);
    for (const logged of paths) expect(logged).toMatch(/… \[\d+ characters in all\]$/);
  });
});

describe('issued component tokens (each kept its appid whole: 300 of 1 MB took RSS up 326 MB)', () => {
  it('an appid longer than any the data may list answers 40013, and nothing is kept', async () => {
    const app = createApp({ data: TEST_DATA });
    const issue = (appid: string) =>
      request(app)
        .post('/cgi-bin/component/api_component_token')
        .send({ component_appid: appid, component_appsecret: 's', component_verify_ticket: 't' });
    const long = await issue(`wx${'a'.repeat(1_000_000)}`);
    expect(long.body.errcode).toBe(40013);
    expect(long.headers['x-mock-reason']).toBe('component_appid: 1000002 characters; no appid is longer than 64');
    expect(app.mock.registry.size).toEqual({ issued: 0, components: 0 });
    expect((await issue(`wx${'a'.repeat(62)}`)).body.component_access_token).toBeTruthy();
    expect(app.mock.registry.size).toEqual({ issued: 1, components: 1 });
  });
});

describe('the fault queue is bounded', () => {
  it(`holds ${MAX_FAULTS} faults; the next answers 409 and changes nothing`, async () => {
    const app = createApp({ data: TEST_DATA });
    for (let i = 0; i < MAX_FAULTS; i++) {
      expect((await request(app).post('/__mock/faults').send({ errcode: -1 })).status).toBe(201);
    }
    const full = await request(app).post('/__mock/faults').send({ errcode: -1 });
    expect(full.status).toBe(409);
    expect(full.body.error).toMatch(/fault queue is full \(100 faults\)/);
    expect(app.mock.faults.size).toBe(MAX_FAULTS);
  });

  it('a fault message over 1,024 characters answers 400', async () => {
    const app = createApp({ data: TEST_DATA });
    const res = await request(app)
      .post('/__mock/faults')
      .send({ errcode: -1, errmsg: 'm'.repeat(1025) });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/errmsg: must NOT have more than 1024 characters/);
  });
});

describe(`the functions the mock holds are capped at ${MAX_FUNCTIONS.toLocaleString('en-US')} in all`, () => {
  it('PUT /__mock/data asking for billions across envs answers 400 naming the limit, and changes nothing', async () => {
    const app = createApp({ data: TEST_DATA });
    const envs = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`e${i}`, { generate: 200_000 }]));
    const res = await request(app).put('/__mock/data').send({ envs });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(
      'data: envs: 2,000,000,000 functions (listed and generated) in all; the mock holds at most 200,000 across envs',
    );
    expect(app.mock.store.envs().map((env) => env.id)).toEqual(['prod-1', 'legacy', 'big']);
  });

  it('PUT /__mock/envs/:env counts the other envs too', async () => {
    const app = createApp({ data: { envs: { a: { generate: 150_000 } } } });
    const res = await request(app).put('/__mock/envs/b').send({ generate: 60_000 });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^env b: 210,000 functions .* at most 200,000/);
    // Replacing the env itself counts it once.
    expect((await request(app).put('/__mock/envs/a').send({ generate: 10 })).status).toBe(200);
  });

  it('a data file over the limit is refused in one line', async () => {
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'scf-cap-'));
    try {
      const file = join(dir, 'big.json');
      await writeFile(file, JSON.stringify({ envs: { a: { generate: 200_000 }, b: { generate: 1 } } }));
      const { code, stderr } = await runCli(['serve', '--port', '0', '--data', file]);
      expect(code).toBe(2);
      expect(stderr).toBe(
        `wechat-scf-kit: data file ${file} envs: 200,001 functions (listed and generated) in all; the mock holds at most 200,000 across envs\n`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a client that never reads its answers', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({ data: TEST_DATA, writeTimeoutMs: 500 });
    // A journal of about 17 MB: more than the socket buffers hold, so the answer waits on the reader.
    const body = JSON.stringify({ env: 'prod-1', pad: 'x'.repeat(20_000) });
    let sent = 0;
    const worker = async () => {
      while (sent < 1000) {
        sent += 1;
        await (
          await fetch(`${mock.url}/componenttcb/getscflist?access_token=tok-valid`, { method: 'POST', body })
        ).text();
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  }, 60_000);
  afterAll(() => mock.close());

  it('is cut off once the answer has sat unread for the write timeout', async () => {
    const accepted = new Promise<Socket>((resolve) => mock.server.once('connection', resolve));
    const socket = connect(mock.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const serverSide = await accepted;
    socket.pause();
    socket.write('GET /__mock/requests HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      // The answer is stuck: more than the socket buffers hold is waiting for the reader.
      expect(serverSide.destroyed).toBe(false);
      expect(serverSide.writableLength).toBeGreaterThan(0);
      for (let i = 0; i < 50 && !serverSide.destroyed; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(serverSide.destroyed).toBe(true);
    } finally {
      socket.destroy();
    }
  });

  it('a client that reads is served the whole journal', async () => {
    const res = await fetch(`${mock.url}/__mock/requests`);
    expect(((await res.json()) as { requests: unknown[] }).requests).toHaveLength(1000);
  });
});
