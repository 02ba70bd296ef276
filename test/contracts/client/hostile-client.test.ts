// verify-client against programs that fight back: endless output, children left behind, ignored signals, a snooped environment.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../../support/cli-process.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'scf-hostile-client-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Processes whose command line holds this text (each test gives its sleeps a number of its own). */
function processesWith(text: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const command = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
      if (command.includes(text) && !command.includes('verify-client')) found.push(`${name}: ${command}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

const tempFolders = async (dir: string) =>
  (await readdir(dir)).filter((name) => name.startsWith('wechat-scf-kit-client-'));
const ERROR_DOC = `console.log(JSON.stringify({ error: 'no answer' }))`;

describe('verify-client against a hostile client', () => {
  it('endless output is cut at 1 MiB and reported, not read until the kit crashes (it did after 1.6 s)', {
    timeout: 60_000,
  }, async () => {
    const tmp = await mkdtemp(join(scratch, 'endless-'));
    const { code, stdout, stderr } = await runCli(
      ['verify-client', '--case', 'GSL-PAGE-001', '--', 'yes', '{"result":'],
      { timeoutMs: 55_000, env: { TMPDIR: tmp } },
    );
    expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(stdout).toContain('printed more than 1048576 bytes on stdout and was killed');
    expect(code).toBe(1);
    expect(await tempFolders(tmp)).toEqual([]);
  });

  it('a background child holding stdout does not make a prompt client look hung, and is killed', {
    timeout: 60_000,
  }, async () => {
    const tag = '301.0417';
    const started = Date.now();
    const { stdout } = await runCli(
      [
        'verify-client',
        '--case',
        'GSL-PAGE-001',
        '--run-timeout-ms',
        '20000',
        '--',
        'sh',
        '-c',
        `sleep ${tag} & node -e "${ERROR_DOC}"`,
      ],
      { timeoutMs: 55_000 },
    );
    expect(stdout).not.toMatch(/still running/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(processesWith(`sleep ${tag}`)).toEqual([]);
  });

  it('no process outlives a run: detached children, and a client that ignores SIGTERM', {
    timeout: 60_000,
  }, async () => {
    const tag = '302.0417';
    const detached = `require('child_process').spawn('sleep', ['${tag}'], { detached: true, stdio: 'ignore' }).unref(); ${ERROR_DOC}`;
    await runCli(['verify-client', '--case', 'GSL-PAGE-001', '--', 'node', '-e', detached], { timeoutMs: 55_000 });
    const setsid = `setsid sleep ${tag} </dev/null >/dev/null 2>&1 & trap '' TERM; sleep ${tag}`;
    await runCli(['verify-client', '--case', 'GSL-PAGE-001', '--run-timeout-ms', '500', '--', 'sh', '-c', setsid], {
      timeoutMs: 55_000,
    });
    expect(processesWith(`sleep ${tag}`)).toEqual([]);
  });

  it('the client gets the protocol variables and the ordinary environment, never the control token', {
    timeout: 60_000,
  }, async () => {
    const file = join(scratch, 'env.json');
    const dump = `require('fs').writeFileSync(${JSON.stringify(file)}, JSON.stringify(process.env)); ${ERROR_DOC}`;
    const run = (extra: string[]) =>
      runCli(['verify-client', '--case', 'GSL-PAGE-001', ...extra, '--', 'node', '-e', dump], {
        timeoutMs: 55_000,
        env: {
          WECHAT_SCF_KIT_CONTROL_TOKEN: 'control-secret-123456',
          CI_DEPLOY_SECRET: 'deploy-secret',
          LC_ALL: 'C.UTF-8',
        },
      });
    await run([]);
    const env = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    expect(env.WECHAT_SCF_KIT_CONTROL_TOKEN).toBeUndefined();
    expect(env.CI_DEPLOY_SECRET).toBeUndefined();
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining([
        'PATH',
        'LC_ALL',
        'WECHAT_API_BASE_URL',
        'WECHAT_ACCESS_TOKEN',
        'WECHAT_TIMEOUT_MS',
        'TMPDIR',
      ]),
    );
    await run(['--pass-env', 'CI_DEPLOY_SECRET']);
    expect((JSON.parse(await readFile(file, 'utf8')) as Record<string, string>).CI_DEPLOY_SECRET).toBe('deploy-secret');
    const refused = await runCli([
      'verify-client',
      '--pass-env',
      'WECHAT_SCF_KIT_CONTROL_TOKEN',
      '--',
      'node',
      '-e',
      '',
    ]);
    expect(refused.code).toBe(2);
  });

  it('killed by SIGTERM mid-run, the kit removes its temp folder and ends the client (it left both)', {
    timeout: 60_000,
  }, async () => {
    const tmp = await mkdtemp(join(scratch, 'sigterm-'));
    const tag = '303.0417';
    const kit = spawn(
      process.execPath,
      [CLI, 'verify-client', '--case', 'GSL-PAGE-001', '--', 'sh', '-c', `sleep ${tag}`],
      {
        env: { ...process.env, TMPDIR: tmp },
        stdio: 'ignore',
      },
    );
    try {
      for (let i = 0; i < 200 && processesWith(`sleep ${tag}`).length === 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(await tempFolders(tmp)).toHaveLength(1);
      const exited = new Promise<number | null>((resolve) => kit.on('close', (code) => resolve(code)));
      kit.kill('SIGTERM');
      expect(await exited).toBe(143);
      expect(await tempFolders(tmp)).toEqual([]);
      expect(processesWith(`sleep ${tag}`)).toEqual([]);
    } finally {
      kit.kill('SIGKILL');
    }
  });
});
