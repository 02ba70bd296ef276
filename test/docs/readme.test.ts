import { readFile } from 'node:fs/promises';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { clientCases } from '../../contracts/client/call-plan.js';
import { createApp } from '../../mock-server/app.js';
import { ERROR_CODES } from '../../mock-server/error-codes.js';
import { runCli, startCli } from '../support/cli-process.js';

const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');

describe('README.md', () => {
  it('lists every errcode of the catalogue with its message and trigger', () => {
    for (const [errcode, { errmsg, when }] of Object.entries(ERROR_CODES)) {
      expect(readme).toContain(`| ${errcode} | \`${errmsg}\` | ${when} |`);
    }
  });

  it('documents every serve flag that --help lists', async () => {
    const { stdout } = await runCli(['serve', '--help']);
    const flags = [...stdout.matchAll(/^\s+(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]);
    expect(flags.length).toBeGreaterThan(10);
    for (const flag of flags) expect(readme).toContain(`\`${flag}`);
  });

  it('documents every verify-client flag, and shows a run of every client case', async () => {
    const { stdout } = await runCli(['verify-client', '--help']);
    const flags = [...stdout.matchAll(/^\s+(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]);
    expect(flags).toContain('--strict');
    for (const flag of flags) expect(readme).toContain(`\`${flag}`);
    expect(readme).toContain(`\n${clientCases().length} passed, 0 failed, 0 skipped\n`);
  });

  it('shows the banner npm start really prints', async () => {
    const server = await startCli(['--port', '0']);
    try {
      const banner = server.output().trim().split(server.url).join('http://127.0.0.1:4020');
      expect(readme).toContain(`\n${banner}\n`);
    } finally {
      await server.stop();
    }
  });

  it.each([
    ['with the control API', [], [], 'http://127.0.0.1:4020'],
    [
      'without it',
      ['--no-control', '--data', 'examples/verify/stateless-data.json'],
      ['--access-token', 'verify-token-1', '--env', 'prod-1'],
      'http://127.0.0.1:4021',
    ],
  ])('shows what verify really prints %s', { timeout: 90_000 }, async (_mode, serveArgs, verifyArgs, shownUrl) => {
    const server = await startCli(['--port', '0', '--quiet', ...serveArgs]);
    try {
      const { code, stdout, stderr } = await runCli(['verify', '--base-url', server.url, ...verifyArgs], {
        timeoutMs: 80_000,
      });
      expect(code).toBe(0);
      const real = `${stderr}${stdout}`.split(server.url).join(shownUrl).trim().split('\n');
      const block = readme.split('```\n').find((part) => part.startsWith(`${shownUrl} has`));
      const shown = (block ?? '').trim().split('\n');
      expect(shown.length).toBeGreaterThan(5);
      for (const line of shown.filter((l) => l !== '…')) expect(real).toContain(line);
      expect(shown.at(-1)).toBe(real.at(-1));
    } finally {
      await server.stop();
    }
  });

  it('shows what its supertest example really answers', async () => {
    const res = await request(createApp({ rid: false }))
      .post('/componenttcb/getscflist?access_token=t')
      .send({ env: 'legacy-3h8d1c0v7q' });
    expect(readme).toContain(`// res.text === '${res.text}'`);
  });

  it('shows the token api_component_token really answers first on the default data', async () => {
    const res = await request(createApp())
      .post('/cgi-bin/component/api_component_token')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(
        '{"component_appid":"wx0123456789abcdef","component_appsecret":"APPSECRET","component_verify_ticket":"ticket@@@TICKET"}',
      );
    expect(readme).toContain(`\n${res.text}\n`);
  });

  it('shows what its curl really answers on the default data', async () => {
    const res = await request(createApp())
      .post('/componenttcb/getscflist?access_token=ACCESS_TOKEN')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('{"env":"prod-5g7k2m9x3d","limit":2}');
    expect(readme).toContain(`\n${res.text}\n`);
  });
});
