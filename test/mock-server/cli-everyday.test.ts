import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliServer, runCli, startCli, tempDir } from '../support/cli-process.js';

let server: CliServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function list(url: string, env: string) {
  const res = await fetch(`${url}/componenttcb/getscflist?access_token=t`, {
    method: 'POST',
    body: JSON.stringify({ env }),
  });
  return (await res.json()) as { errcode: number; total_count?: number };
}

async function eventually<T>(read: () => Promise<T>, until: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (until(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return read();
}

describe('--watch', () => {
  it('serves a valid new data file, keeps the journal, and refuses a bad one with the reason, keeping the old data', async () => {
    const file = join(await tempDir('scf-watch-'), 'data.json');
    await writeFile(file, JSON.stringify({ envs: { first: { generate: 3 } } }));
    server = await startCli(['--port', '0', '--data', file, '--watch']);
    const url = server.url;
    expect((await list(url, 'first')).total_count).toBe(3);

    await writeFile(file, JSON.stringify({ envs: { second: { generate: 5 } } }));
    expect(
      (
        await eventually(
          () => list(url, 'second'),
          (r) => r.errcode === 0,
        )
      ).total_count,
    ).toBe(5);
    expect((await list(url, 'first')).errcode).toBe(40097);
    const journal = (await (await fetch(`${url}/__mock/requests`)).json()) as { requests: unknown[] };
    expect(journal.requests.length).toBeGreaterThanOrEqual(3);
    expect(server.output()).toMatch(/data file .*data\.json reloaded in \d+ ms: second \(5 functions\)/);

    await writeFile(file, JSON.stringify({ envs: { third: { functions: [{ name: 'x', add_time: 'soon' }] } } }));
    await eventually(
      async () => server?.output() ?? '',
      // The watcher may also see the file half-written (empty) first; wait for the whole file's reason.
      (out) => out.includes('add_time: must match YYYY-MM-DD HH:mm:ss; still serving the previous data'),
    );
    expect(server.output()).toMatch(
      /data file .*data\.json envs\.third\.functions\[0\]\.add_time: must match YYYY-MM-DD HH:mm:ss; still serving the previous data/,
    );
    expect((await list(url, 'second')).total_count).toBe(5);

    // reset returns to the data file as last loaded, not the one the server started with.
    await fetch(`${url}/__mock/reset`, { method: 'POST' });
    expect((await list(url, 'second')).total_count).toBe(5);
  });

  it('without --data is a usage error', async () => {
    const { code, stderr } = await runCli(['serve', '--watch']);
    expect(code).toBe(2);
    expect(stderr).toBe('wechat-scf-kit: --watch needs --data FILE to watch\n');
  });
});

describe('--log-format', () => {
  it('json writes one JSON object per line: the banner, then one per request', async () => {
    server = await startCli(['--port', '0', '--log-format', 'json']);
    await list(server.url, 'prod-5g7k2m9x3d');
    await list(server.url, 'nowhere');
    const out = await eventually(
      async () => server?.output() ?? '',
      (text) => text.trim().split('\n').length >= 3,
    );
    const lines = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ level: 'info', event: 'listening', url: server.url });
    expect(lines[1]).toMatchObject({
      event: 'request',
      method: 'POST',
      path: '/componenttcb/getscflist',
      errcode: 0,
      status: 200,
    });
    expect(lines[2]).toMatchObject({ event: 'request', errcode: 40097, reason: 'env: nowhere is not in the data' });
    expect(out).not.toContain('access_token=t');
  });

  it('pretty writes no colour codes when stdout is not a terminal', async () => {
    server = await startCli(['--port', '0']);
    await list(server.url, 'prod-5g7k2m9x3d');
    const out = await eventually(
      async () => server?.output() ?? '',
      (text) => text.includes('POST /componenttcb/getscflist 0'),
    );
    expect(out).not.toContain('\u001b[');
  });

  it('anything else is a usage error', async () => {
    const { code, stderr } = await runCli(['serve', '--log-format', 'xml']);
    expect(code).toBe(2);
    expect(stderr).toBe('wechat-scf-kit: --log-format must be pretty or json, got "xml"\n');
  });
});

describe('createCliLogger', () => {
  async function captured(env: Record<string, string | undefined>, tty: boolean): Promise<string> {
    const { createCliLogger } = await import('../../mock-server/cli-log.js');
    const saved = { isTTY: process.stdout.isTTY, write: process.stdout.write, NO_COLOR: process.env.NO_COLOR };
    let out = '';
    process.stdout.isTTY = tty;
    process.stdout.write = ((chunk: string) => {
      out += chunk;
      return true;
    }) as typeof process.stdout.write;
    if ('NO_COLOR' in env) process.env.NO_COLOR = env.NO_COLOR;
    else delete process.env.NO_COLOR;
    try {
      const entry = { time: 't', method: 'POST', path: '/p', errcode: 47001, status: 200, duration_ms: 1 };
      createCliLogger('pretty', { quiet: false }).request('POST /p 47001 1ms', entry);
    } finally {
      process.stdout.isTTY = saved.isTTY;
      process.stdout.write = saved.write;
      if (saved.NO_COLOR === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved.NO_COLOR;
    }
    return out;
  }

  it('colours pretty lines on a terminal, and not with NO_COLOR or off a terminal', async () => {
    expect(await captured({}, true)).toContain('\u001b[');
    expect(await captured({ NO_COLOR: '1' }, true)).not.toContain('\u001b[');
    expect(await captured({}, false)).toBe('t POST /p 47001 1ms\n');
  });
});
