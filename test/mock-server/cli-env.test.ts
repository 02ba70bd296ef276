// serve's environment twins: every flag has one, a flag beats it, and a bad value is named by its variable.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../mock-server/cli-args.js';
import { SERVE_ENVIRONMENT, withEnvironment } from '../../mock-server/cli-env.js';
import { runCli, startCli } from '../support/cli-process.js';

describe('the environment table', () => {
  it('has a variable for every flag serve --help lists, and --help lists each pair', async () => {
    const { stdout } = await runCli(['serve', '--help']);
    const options = stdout.slice(0, stdout.indexOf('Environment'));
    const flags = [...options.matchAll(/^\s+(?:-\w, )?--([a-z-]+)/gm)].map((m) => m[1]);
    const own = [...new Set(flags)].filter((flag) => flag !== 'help' && flag !== 'version');
    expect(own.sort()).toEqual(Object.keys(SERVE_ENVIRONMENT).sort());
    for (const [flag, { variable }] of Object.entries(SERVE_ENVIRONMENT)) {
      expect(stdout).toMatch(new RegExp(`^  --${flag} +${variable}\\b`, 'm'));
    }
  });
});

describe('withEnvironment', () => {
  it.each([
    ['a text', { WECHAT_SCF_KIT_DATA: '/data/mock.json' }, 'data', '/data/mock.json'],
    ['a switch as true', { WECHAT_SCF_KIT_STRICT: 'true' }, 'strict', true],
    ['a switch as 1', { WECHAT_SCF_KIT_QUIET: '1' }, 'quiet', true],
    ['a switch as false', { WECHAT_SCF_KIT_WATCH: 'false' }, 'watch', false],
    ['a list, comma-separated', { WECHAT_SCF_KIT_ALLOWED_HOSTS: 'a.lan, b.lan,,' }, 'allowed-host', ['a.lan', 'b.lan']],
    ['PORT', { PORT: '5000' }, 'port', '5000'],
    ['an empty variable as unset', { WECHAT_SCF_KIT_HOST: '  ' }, 'host', undefined],
  ] as const)('reads %s', (_name, environment, flag, expected) => {
    const { values, from } = withEnvironment({}, environment);
    expect((values as Record<string, unknown>)[flag]).toEqual(expected);
    if (expected !== undefined) expect(from(flag)).toBe(SERVE_ENVIRONMENT[flag].variable);
  });

  it('lets a flag beat its variable, lists included, and names the flag', () => {
    const { values, from } = withEnvironment(
      { host: '127.0.0.1', 'allowed-host': ['flag.lan'] },
      { WECHAT_SCF_KIT_HOST: '0.0.0.0', WECHAT_SCF_KIT_ALLOWED_HOSTS: 'env.lan' },
    );
    expect(values).toMatchObject({ host: '127.0.0.1', 'allowed-host': ['flag.lan'] });
    expect([from('host'), from('allowed-host')]).toEqual(['--host', '--allowed-host']);
  });

  it.each([
    [{}, {}, 'on'],
    [{}, { WECHAT_SCF_KIT_CONTROL: 'auto' }, 'auto'],
    [{}, { WECHAT_SCF_KIT_CONTROL: 'OFF' }, 'off'],
    [{}, { WECHAT_SCF_KIT_NO_CONTROL: 'true', WECHAT_SCF_KIT_CONTROL: 'on' }, 'off'],
    [{ 'no-control': true }, { WECHAT_SCF_KIT_CONTROL: 'auto' }, 'off'],
  ] as const)('flags %j and variables %j start the control API %s', (flags, environment, mode) => {
    expect(withEnvironment(flags, environment).control).toBe(mode);
  });

  it.each([
    [{ WECHAT_SCF_KIT_STRICT: 'maybe' }, 'WECHAT_SCF_KIT_STRICT must be true or false (or 1 or 0), got "maybe"'],
    [{ WECHAT_SCF_KIT_CONTROL: 'sometimes' }, 'WECHAT_SCF_KIT_CONTROL must be on, off or auto, got "sometimes"'],
  ])('refuses %j with one message naming the variable', (environment, message) => {
    expect(() => withEnvironment({}, environment)).toThrow(new UsageError(message));
  });
});

describe('serve configured by environment', () => {
  it.each([
    [
      { WECHAT_SCF_KIT_MAX_LIMIT: 'lots' },
      'WECHAT_SCF_KIT_MAX_LIMIT must be a whole number from 1 to 1000000, got "lots"',
    ],
    [{ WECHAT_SCF_KIT_LOG_FORMAT: 'xml' }, 'WECHAT_SCF_KIT_LOG_FORMAT must be pretty or json, got "xml"'],
    [{ WECHAT_SCF_KIT_CONTROL_TOKEN: 'short' }, 'WECHAT_SCF_KIT_CONTROL_TOKEN must be at least 8 characters'],
    [{ WECHAT_SCF_KIT_DATA: '/nonexistent/data.json' }, 'data file /nonexistent/data.json does not exist'],
    [{ WECHAT_SCF_KIT_CORS: 'localhost:5173' }, 'WECHAT_SCF_KIT_CORS "localhost:5173" is not an origin'],
  ])('a bad variable %j exits 2 with one line naming it', async (env, message) => {
    const { code, stderr } = await runCli(['serve'], { env });
    expect({ code, lines: stderr.trim().split('\n').length }).toEqual({ code: 2, lines: 1 });
    expect(stderr).toContain(`wechat-scf-kit: ${message}`);
  });

  it('the same bad value as a flag is named by the flag', async () => {
    const { stderr } = await runCli(['serve', '--max-limit', 'lots'], { env: { WECHAT_SCF_KIT_MAX_LIMIT: '50' } });
    expect(stderr).toContain('--max-limit must be a whole number');
  });

  it('takes its settings from the variables, and a flag beats its variable', async () => {
    const server = await startCli(['--port', '0', '--max-limit', '7'], {
      WECHAT_SCF_KIT_MAX_LIMIT: '3',
      WECHAT_SCF_KIT_NO_RID: 'true',
      WECHAT_SCF_KIT_LOG_FORMAT: 'json',
      WECHAT_SCF_KIT_QUIET: 'true',
    });
    try {
      const post = async (limit: number) => {
        const res = await fetch(`${server.url}/componenttcb/getscflist?access_token=t`, {
          method: 'POST',
          body: JSON.stringify({ env: 'prod-5g7k2m9x3d', limit }),
        });
        return (await res.json()) as { errcode: number; errmsg: string };
      };
      expect((await post(7)).errcode).toBe(0);
      const refused = await post(8);
      expect(refused.errcode).toBe(47001);
      expect(refused.errmsg).not.toContain('rid:');
      const first = JSON.parse(server.output().trim().split('\n')[0] as string) as { event: string };
      expect(first.event).toBe('listening');
    } finally {
      await server.stop();
    }
  });

  it('with WECHAT_SCF_KIT_CONTROL=auto and no token, turns the control API off and says how to turn it on', async () => {
    const server = await startCli(['--port', '0'], { WECHAT_SCF_KIT_CONTROL: 'auto' });
    try {
      expect((await fetch(`${server.url}/__mock/requests`)).status).toBe(404);
      expect(server.output()).toContain('give a control token of 8 or more characters in WECHAT_SCF_KIT_CONTROL_TOKEN');
    } finally {
      await server.stop();
    }
  });

  it('with WECHAT_SCF_KIT_CONTROL=auto and a token, turns the control API on behind it', async () => {
    const server = await startCli(['--port', '0'], {
      WECHAT_SCF_KIT_CONTROL: 'auto',
      WECHAT_SCF_KIT_CONTROL_TOKEN: 'auto-mode-token',
    });
    try {
      expect((await fetch(`${server.url}/__mock/requests`)).status).toBe(401);
      const res = await fetch(`${server.url}/__mock/requests`, {
        headers: { Authorization: 'Bearer auto-mode-token' },
      });
      expect(res.status).toBe(200);
      expect(server.output()).not.toContain('control API and the dashboard are off');
    } finally {
      await server.stop();
    }
  });
});
