// `wechat-scf-kit health`: the container image's HEALTHCHECK, judged against a real mock and against nothing.
import { describe, expect, it } from 'vitest';
import { defaultHealthUrl } from '../../mock-server/cli-health.js';
import { runCli, startCli } from '../support/cli-process.js';

describe('wechat-scf-kit health', () => {
  it.each([
    ['with the control API', []],
    ['with the control API off', ['--no-control']],
    ['with a control token it does not send', ['--control-token', 'health-token-1']],
  ])('exits 0 for a mock %s', async (_name, args) => {
    const server = await startCli(['--port', '0', '--quiet', ...args]);
    try {
      const { code, stdout } = await runCli(['health', '--url', `${server.url}/__mock/health`]);
      expect({ code, stdout: stdout.trim() }).toEqual({ code: 0, stdout: `healthy: ${server.url}/__mock/health` });
      const port = new URL(server.url).port;
      expect((await runCli(['health'], { env: { PORT: port } })).code).toBe(0);
    } finally {
      await server.stop();
    }
  });

  it('exits 1 with one line when nothing answers', async () => {
    const { code, stderr } = await runCli(['health', '--url', 'http://127.0.0.1:2/__mock/health']);
    expect(code).toBe(1);
    expect(stderr).toBe('wechat-scf-kit: unhealthy: http://127.0.0.1:2/__mock/health: ECONNREFUSED\n');
  });

  it('exits 1 when a server that is not the mock answers the URL', async () => {
    const server = await startCli(['--port', '0', '--quiet']);
    try {
      const { code, stderr } = await runCli(['health', '--url', `${server.url}/__mock/nothing`]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/unhealthy: .* answered HTTP 404/);
    } finally {
      await server.stop();
    }
  });

  it.each([
    [['--url', 'ftp://mock'], '--url "ftp://mock" is not an http URL'],
    [['--timeout-ms', 'soon'], '--timeout-ms must be a whole number of milliseconds above 0, got "soon"'],
  ])('%j exits 2 naming the bad flag', async (args, message) => {
    const { code, stderr } = await runCli(['health', ...args]);
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^wechat-scf-kit: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\n]*\n$`));
  });

  it.each([
    [{}, 'http://127.0.0.1:4020/__mock/health'],
    [{ PORT: '5000', WECHAT_SCF_KIT_HOST: '0.0.0.0' }, 'http://127.0.0.1:5000/__mock/health'],
    [{ WECHAT_SCF_KIT_HOST: '10.0.0.7' }, 'http://10.0.0.7:4020/__mock/health'],
    [{ WECHAT_SCF_KIT_HOST: '::' }, 'http://127.0.0.1:4020/__mock/health'],
    [{ WECHAT_SCF_KIT_HOST: 'fd00::7' }, 'http://[fd00::7]:4020/__mock/health'],
  ])('asks the mock the environment %j configures: %s', (environment, url) => {
    expect(defaultHealthUrl(environment)).toBe(url);
  });
});
