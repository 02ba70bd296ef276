import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { type CliServer, runCli, startCli, tempDir } from '../support/cli-process.js';

let server: CliServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function postTo(url: string, body: unknown, token = 'any') {
  const res = await fetch(`${url}/componenttcb/getscflist?access_token=${token}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: a test reads whatever the server answered.
  return { status: res.status, contentType: res.headers.get('content-type'), body: (await res.json()) as any };
}

describe('wechat-scf-kit serve (the real CLI, over HTTP)', () => {
  it('serves the default data on a free port, and the curl it prints answers errcode 0', async () => {
    server = await startCli(['--port', '0']);
    const lines = server.output();
    expect(lines.split('\n')[0]).toBe(`wechat-scf-kit ${packageJson.version} listening on ${server.url}`);
    const curl = /curl -s -X POST '([^']+)' -d '([^']+)'/.exec(lines);
    expect(curl).not.toBeNull();
    const [, url, body] = curl as RegExpExecArray;
    const res = await fetch(url, { method: 'POST', body });
    expect(res.headers.get('content-type')).toBe('application/json; encoding=utf-8');
    const json = (await res.json()) as { errcode: number; total_count: number; functions: unknown[] };
    expect(json.errcode).toBe(0);
    expect(json.functions).toHaveLength(2);
    expect(json.total_count).toBeGreaterThan(20);
  });

  it('logs one line per request and exits 0 on SIGTERM', async () => {
    server = await startCli(['--port', '0']);
    await postTo(server.url, { env: 'nowhere' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.output()).toMatch(
      /POST \/componenttcb\/getscflist 40097 \(env: nowhere is not in the data\) [\d.]+ms/,
    );
    const code = await server.stop();
    server = undefined;
    expect(code).toBe(0);
  });

  it('loads a data file and honours --no-rid, --max-limit and --quiet', async () => {
    const dir = await tempDir('scf-cli-');
    const file = join(dir, 'data.json');
    await writeFile(file, JSON.stringify({ tokens: { good: 'valid' }, envs: { 'prod-1': { generate: 12 } } }));
    server = await startCli(['--port', '0', '--data', file, '--no-rid', '--max-limit', '5', '--quiet']);
    expect((await postTo(server.url, { env: 'prod-1' }, 'bad')).body).toEqual({
      errcode: 40001,
      errmsg: 'invalid credential, access_token is invalid or not latest',
    });
    expect((await postTo(server.url, { env: 'prod-1', limit: 6 }, 'good')).body.errcode).toBe(47001);
    expect((await postTo(server.url, { env: 'prod-1', limit: 5 }, 'good')).body.total_count).toBe(12);
    expect(server.output()).not.toMatch(/POST \/componenttcb/);
  });
});

describe('wechat-scf-kit given bad input', () => {
  it.each([
    [['serve', '--bogus'], /^wechat-scf-kit: unknown option --bogus\n$/],
    [['serve', '--port', 'eighty'], /^wechat-scf-kit: --port must be a whole number from 0 to 65535, got "eighty"\n$/],
    [['serve', '--port'], /^wechat-scf-kit: .*--port.*\n$/],
    [['serve', '--unknown-env', 'maybe'], /^wechat-scf-kit: --unknown-env must be invalid-args, no-qbase or empty/],
    [['launch'], /^wechat-scf-kit: unknown command "launch"; commands: serve, verify, verify-client, openapi, health/],
    [
      ['serve', '--data', '/nonexistent/data.json'],
      /^wechat-scf-kit: data file \/nonexistent\/data.json does not exist\n$/,
    ],
  ])('%j exits 2 with one line naming the problem', async (args, message) => {
    const { code, stderr, stdout } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(stdout).toBe('');
  });

  it('a bad data file exits 2 naming the path of the bad value', async () => {
    const dir = await tempDir('scf-cli-');
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ envs: { 'prod-1': { functions: [{ name: 'a', add_time: 'today' }] } } }));
    const { code, stderr } = await runCli(['serve', '--data', file]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `wechat-scf-kit: data file ${file} envs.prod-1.functions[0].add_time: must match YYYY-MM-DD HH:mm:ss\n`,
    );
  });

  it('a port in use exits non-zero with one line', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const { code, stderr } = await runCli(['serve', '--port', String(port)]);
    blocker.close();
    expect(code).toBe(2);
    expect(stderr).toBe(
      `wechat-scf-kit: port ${port} on 127.0.0.1 is already in use; pick another with --port (0 takes a free one)\n`,
    );
  });

  it('PORT in the environment is honoured, and a bad one is named', async () => {
    const { code, stderr } = await runCli(['serve'], { env: { PORT: 'x' } });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^wechat-scf-kit: PORT must be a whole number/);
  });
});

describe('--help and --version', () => {
  it('--help lists every serve flag', async () => {
    const { code, stdout } = await runCli(['serve', '--help']);
    expect(code).toBe(0);
    for (const flag of [
      '--port',
      '--host',
      '--data',
      '--seed',
      '--strict',
      '--max-limit',
      '--no-rid',
      '--quiet',
      '--no-control',
    ]) {
      expect(stdout).toContain(flag);
    }
  });

  it('--version prints the package version', async () => {
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(packageJson.version);
  });
});
