import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, runProcess, startCli } from '../support/cli-process.js';

describe('SIGTERM during load', () => {
  it('lets requests in flight finish, refuses new connections, and exits 0 within 2 s', async () => {
    const server = await startCli(['--port', '0', '--quiet']);
    const queued = await fetch(`${server.url}/__mock/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"latency_ms":800,"times":8}',
    });
    expect(queued.status).toBe(201);
    const inFlight = Array.from({ length: 8 }, () =>
      fetch(`${server.url}/componenttcb/getscflist?access_token=t`, {
        method: 'POST',
        body: '{"env":"prod-5g7k2m9x3d"}',
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as { errcode: number } })),
    );
    // Every request is in the route once it has taken its fault (a fixed wait lost the race on a
    // loaded machine: requests the server had not accepted yet were reset on close).
    for (let waited = 0; ; waited += 10) {
      const { faults } = (await (await fetch(`${server.url}/__mock/faults`)).json()) as { faults: unknown[] };
      if (faults.length === 0) break;
      if (waited > 5000) throw new Error(`${faults.length} faults still queued after 5 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const signalled = Date.now();
    const exited = server.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await fetch(`${server.url}/__mock/health`).then(
      () => 'answered',
      (error: Error) => String((error.cause as NodeJS.ErrnoException | undefined)?.code),
    );
    const answers = await Promise.all(inFlight);
    const code = await exited;
    expect(answers.map((a) => [a.status, a.body.errcode])).toEqual(Array.from({ length: 8 }, () => [200, 0]));
    expect(refused).toBe('ECONNREFUSED');
    expect(code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(2000);
  });
});

describe('listening beyond loopback', () => {
  it('without --control-token or --no-control is refused in one line, before binding', async () => {
    const { code, stderr, stdout } = await runCli(['serve', '--host', '0.0.0.0', '--port', '0']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'wechat-scf-kit: listening on 0.0.0.0 would open the control API to the network: add a control token (--control-token TOKEN or WECHAT_SCF_KIT_CONTROL_TOKEN) or turn the control API off (--no-control, or WECHAT_SCF_KIT_CONTROL=auto for on only with a token)\n',
    );
    expect(stdout).toBe('');
  });
});

describe('the soak test, short form (npm run soak runs 200,000 requests)', () => {
  it('memory levels off after warm-up: growth under 40 MB', { timeout: 180_000 }, async () => {
    const script = fileURLToPath(new URL('../../bench/soak.mjs', import.meta.url));
    const { code, stdout, stderr } = await runProcess(
      process.execPath,
      [script, '--requests', '15000', '--warmup', '15000'],
      {
        timeoutMs: 170_000,
      },
    );
    const output = stdout + stderr;
    expect(output).toMatch(/growth to the end -?[\d.]+ MB \(limit 40 MB\)/);
    expect(code, output).toBe(0);
  });
});
