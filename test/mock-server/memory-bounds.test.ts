// Memory bounded for real: whatever clients send, what the mock keeps has a size it can state.
import { readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_PAGE_LIMIT, MAX_ENVS } from '../../mock-server/api-facts.js';
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

describe('500 requests with a 1 MB env (1,000 took the process to 1.16 GB and the journal to HTTP 500)', () => {
  it('fit in a 64 MB heap, leaving a readable journal under 45 kB an entry for such bodies', {
    timeout: 120_000,
  }, async () => {
    // The heap cap makes the bound exact: were anything kept per request beyond the journal's
    // bounded entry, the server would run out of memory and die (RSS alone depends on when GC runs).
    const server = await startCli(['--port', '0', '--quiet'], { NODE_OPTIONS: '--max-old-space-size=64' });
    const pid = server.child.pid as number;
    try {
      const body = JSON.stringify({ env: `e${'x'.repeat(1_000_000)}` });
      let sent = 0;
      const worker = async () => {
        while (sent < 500) {
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
      expect(journal.requests).toHaveLength(JOURNAL_PAGE_LIMIT);
      expect(journal.requests[0].reason).toMatch(/… \[\d+ characters in all\]$/);
      expect(journal.requests[0].body).toMatch(/… \[1000011 bytes in all\]$/);
      expect(text.length / JOURNAL_PAGE_LIMIT).toBeLessThan(45_000);
      const rss = await rssMb(pid);
      console.log(`RSS after 500 requests with a 1 MB env: ${rss.toFixed(1)} MB; journal ${text.length} bytes`);
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

  it('an entry with every field at its cap, each character escaped in JSON, stays under 260 kB of JSON', () => {
    // What a hostile client can make one entry cost: control characters take 6 bytes each in JSON.
    const nasty = (n: number) => '\u0001'.repeat(n);
    const worst: JournalEntry = {
      ...entry,
      path: nasty(20_000),
      query: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`${nasty(100)}${i}`, nasty(5000)])),
      body: nasty(100_000),
      content_type: nasty(5000),
      reason: nasty(100_000),
      answer: nasty(100_000),
    };
    const hostileBody = { ...entry, path: '/componenttcb/getscflist', query: {}, body: nasty(100_000), answer: '{}' };
    const bytes = Buffer.byteLength(JSON.stringify(boundEntry(worst)));
    const bodyOnly = Buffer.byteLength(JSON.stringify(boundEntry(hostileBody)));
    console.log(
      `journal entry JSON: ${bytes} bytes with every field at its cap, ${bodyOnly} with a hostile body alone`,
    );
    expect(bytes).toBeLessThan(260_000);
    expect(bodyOnly).toBeLessThan(110_000);
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
    const envs = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`e${i}`, { generate: 200_000 }]));
    const res = await request(app).put('/__mock/data').send({ envs });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(
      'data: envs: 200,000,000 functions (listed and generated) in all; the mock holds at most 200,000 across envs',
    );
    expect(app.mock.store.envs().map((env) => env.id)).toEqual(['prod-1', 'legacy', 'big']);
  });

  it(`${MAX_ENVS + 1} envs are refused with 400 naming the cap (60,000 made each describeenvs answer 14.8 MB)`, async () => {
    const app = createApp({ data: TEST_DATA });
    const envs = Object.fromEntries(Array.from({ length: MAX_ENVS + 1 }, (_, i) => [`e${i}`, {}]));
    const res = await request(app).put('/__mock/data').send({ envs });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(
      'data: envs: 1,001 envs; the mock holds at most 1,000 (describeenvs lists them all in one answer)',
    );
    expect(app.mock.store.envs()).toHaveLength(3);
  });

  it(`PUT /__mock/envs/:env of a new env once ${MAX_ENVS} are held answers 409; replacing one still works`, async () => {
    const envs = Object.fromEntries(Array.from({ length: MAX_ENVS }, (_, i) => [`e${i}`, {}]));
    const app = createApp({ data: { envs } });
    const res = await request(app).put('/__mock/envs/one-more').send({});
    expect(res.status).toBe(409);
    expect(res.body.error).toMatch(/already holds 1000 envs/);
    expect(app.mock.store.envs()).toHaveLength(MAX_ENVS);
    expect((await request(app).put('/__mock/envs/e0').send({ generate: 1 })).status).toBe(200);
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

describe('a client that never reads its answers (cut off at about twice the write timeout)', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    // An answer of about 10 MB: more than the socket buffers hold, so it waits on the reader.
    mock = await startMockServer({ data: { envs: { huge: { generate: 60_000 } } }, writeTimeoutMs: 3000 });
  }, 60_000);
  afterAll(() => mock.close());

  it('is cut off within 10 % of a 3 s write timeout once the answer sits unread', { timeout: 30_000 }, async () => {
    let handedOver = 0;
    // Before the app's listener: 'prefinish' comes as the app ends its answer.
    const watch = (_req: unknown, res: import('node:http').ServerResponse) =>
      res.once('prefinish', () => {
        handedOver = performance.now();
      });
    mock.server.prependListener('request', watch);
    const accepted = new Promise<Socket>((resolve) => mock.server.once('connection', resolve));
    const socket = connect(mock.port, '127.0.0.1');
    try {
      await new Promise((resolve) => socket.once('connect', resolve));
      const serverSide = await accepted;
      socket.pause();
      socket.write('GET /__mock/envs/huge HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // The answer is stuck: more than the socket buffers hold is waiting for the reader.
      expect(serverSide.destroyed).toBe(false);
      expect(
        serverSide.writableLength +
          ((serverSide as unknown as { _handle?: { writeQueueSize?: number } })._handle?.writeQueueSize ?? 0),
      ).toBeGreaterThan(0);
      await new Promise((resolve) => serverSide.once('close', resolve));
      const after = performance.now() - handedOver;
      console.log(`write timeout 3000 ms: cut off ${Math.round(after)} ms after the answer was handed over`);
      expect(after).toBeGreaterThanOrEqual(3000);
      expect(after).toBeLessThan(3300);
    } finally {
      mock.server.off('request', watch);
      socket.destroy();
    }
  });
});

describe('the journal over HTTP is paged (1,000 entries made one 99 MB answer)', () => {
  const app = createApp({ data: TEST_DATA, journalLimit: 1000 });
  beforeAll(async () => {
    for (let i = 0; i < 250; i++)
      await request(app).post(`/componenttcb/getscflist?access_token=tok-valid&i=${i}`).send('{}');
  });

  it(`one answer holds at most ${JOURNAL_PAGE_LIMIT} entries, even when asked for more`, async () => {
    for (const query of ['', '?limit=1000', '?after=0&limit=500']) {
      const page = (await request(app).get(`/__mock/requests${query}`)).body;
      expect(page.requests).toHaveLength(JOURNAL_PAGE_LIMIT);
      expect(page.requests.at(-1).query.i).toBe('249');
      expect(page.first).toBe(250 - JOURNAL_PAGE_LIMIT);
      expect(page.next).toBe(250);
    }
  });

  it('before= pages back through the rest, so a reader still gets every entry once', async () => {
    const seen: string[] = [];
    let before: number | undefined;
    for (;;) {
      const page = (await request(app).get(`/__mock/requests${before === undefined ? '' : `?before=${before}`}`)).body;
      seen.unshift(...page.requests.map((entry: JournalEntry) => entry.query.i as string));
      if (page.first <= page.oldest) break;
      before = page.first;
    }
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => String(i)));
  });
});
