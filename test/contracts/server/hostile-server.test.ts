// verify against servers that fight back: endless, dripping or silent answers, escape codes, echoed secrets.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli-process.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function hostile(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const OBSERVE = ['--access-token', 'tok-secret-123456', '--env', 'prod-1'];
const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('verify against a hostile server', () => {
  it('an endless answer is cut at 32 MiB, not read until the kit dies (629 MB at 12 s)', {
    timeout: 60_000,
  }, async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    const url = await hostile((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const pump = () => {
        while (res.write(chunk)) {
          if (res.destroyed) return;
        }
        res.once('drain', pump);
      };
      pump();
    });
    const started = Date.now();
    const { code, stdout, stderr } = await runCli(['verify', '--base-url', url, ...OBSERVE, '--max-requests', '5'], {
      timeoutMs: 55_000,
      env: { NODE_OPTIONS: '--max-old-space-size=256' },
    });
    noStackTrace(stderr);
    expect(code === 1 || code === 3).toBe(true);
    expect(`${stdout}${stderr}`).toMatch(/larger than 33554432 bytes/);
    expect(Date.now() - started).toBeLessThan(55_000);
  });

  it.each([
    [
      'drips one byte every 2 s',
      (res: ServerResponse) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 2000);
      },
    ],
    ['never answers', () => undefined],
  ])(
    'a server that %s: every request is cut at its deadline and the run ends by its total time, exit 3',
    { timeout: 40_000 },
    async (_name, answer) => {
      const url = await hostile((_req, res) => answer(res));
      const started = Date.now();
      const { code, stdout, stderr } = await runCli(
        ['verify', '--base-url', url, ...OBSERVE, '--request-timeout-ms', '1000', '--total-timeout-ms', '4000'],
        { timeoutMs: 35_000 },
      );
      const took = Date.now() - started;
      noStackTrace(stderr);
      expect(code).toBe(3);
      expect(stderr.trim().split('\n').at(-1)).toMatch(
        /^wechat-scf-kit: (cannot reach .*no whole answer within 1000 ms|the run took longer than --total-timeout-ms 4000)/,
      );
      expect(took).toBeLessThan(15_000);
      expect(stdout.length + stderr.length).toBeGreaterThan(0);
    },
  );

  it("prints the server's text with escape codes escaped, and never a token, control token or URL password", {
    timeout: 40_000,
  }, async () => {
    const url = await hostile((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      const echoed = `${req.url} ${req.headers.authorization ?? ''} \u001b]0;pwned\u0007\u001b[2J\u202e`;
      res.end(JSON.stringify({ errcode: 40001, errmsg: `invalid credential ${echoed}` }));
    });
    const withPassword = url.replace('http://', 'http://admin:pa55-word-123456@');
    const { code, stdout, stderr } = await runCli(
      ['verify', '--base-url', withPassword, ...OBSERVE, '--max-requests', '20'],
      { timeoutMs: 35_000, env: { WECHAT_SCF_KIT_CONTROL_TOKEN: 'control-secret-123456' } },
    );
    const printed = `${stdout}${stderr}`;
    expect(code === 1 || code === 3).toBe(true);
    for (const raw of ['\u001b', '\u0007', '\u202e']) expect(printed).not.toContain(raw);
    for (const secret of ['tok-secret-123456', 'pa55-word-123456', 'control-secret-123456']) {
      expect(printed).not.toContain(secret);
    }
    expect(printed).toMatch(/\\x1b|ACCESS_TOKEN|\*\*\*/);
  });
});
