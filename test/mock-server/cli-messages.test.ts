// Every mistake on the command line gets one line naming the flag or path and what would be right.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scf-messages-'));
  await writeFile(join(dir, 'env-id.json'), '{"envs":{"bad id!":{}}}');
  await writeFile(join(dir, 'broken.json'), '{\n  "envs": {\n    x\n  }\n}\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const cases: { name: string; args: () => string[]; env?: NodeJS.ProcessEnv; line: () => string }[] = [
  {
    name: '--port -1 (three lines of parser text)',
    args: () => ['serve', '--port', '-1'],
    line: () => '--port must be a whole number from 0 to 65535, got "-1"',
  },
  { name: '--port with no value', args: () => ['serve', '--port'], line: () => '--port needs a value' },
  { name: 'a value given to a switch', args: () => ['serve', '--quiet=yes'], line: () => '--quiet takes no value' },
  {
    name: '--control-token abc (named controlToken)',
    args: () => ['serve', '--port', '0', '--control-token', 'abc'],
    line: () => '--control-token must be at least 8 characters (a guessable token protects nothing)',
  },
  {
    name: 'a short WECHAT_SCF_KIT_CONTROL_TOKEN',
    args: () => ['serve', '--port', '0'],
    env: { WECHAT_SCF_KIT_CONTROL_TOKEN: 'abc' },
    line: () => 'WECHAT_SCF_KIT_CONTROL_TOKEN must be at least 8 characters (a guessable token protects nothing)',
  },
  {
    name: 'an env id refused (by a raw regular expression)',
    args: () => ['serve', '--port', '0', '--data', join(dir, 'env-id.json')],
    line: () =>
      `data file ${join(dir, 'env-id.json')} envs: key "bad id!" must be letters, digits, '-' or '_', starting with a letter or digit, at most 64 long`,
  },
  {
    name: 'bad JSON (by character position)',
    args: () => ['serve', '--port', '0', '--data', join(dir, 'broken.json')],
    line: () =>
      `data file ${join(dir, 'broken.json')} is not valid JSON at line 3, column 5: Expected property name or '}'`,
  },
  {
    name: 'openapi --output into a missing folder (ENOENT)',
    args: () => ['openapi', '--output', join(dir, 'missing', 'openapi.json')],
    line: () =>
      `cannot write --output ${join(dir, 'missing', 'openapi.json')}: the folder ${join(dir, 'missing')} does not exist`,
  },
  {
    name: 'openapi --output onto a folder',
    args: () => ['openapi', '--output', dir],
    line: () => `cannot write --output ${dir}: it is a folder; give a file name`,
  },
  {
    name: '--cors without a scheme',
    args: () => ['serve', '--port', '0', '--cors', 'localhost:5173'],
    line: () => '--cors "localhost:5173" is not an origin; give one such as http://localhost:5173, or *',
  },
  {
    name: '--allowed-host with a path',
    args: () => ['serve', '--port', '0', '--allowed-host', 'mock/x'],
    line: () => '--allowed-host "mock/x" is not a host name; give a name such as wechat-mock',
  },
];

describe('one line for each mistake', () => {
  it.each(cases)('$name', async ({ args, env, line }) => {
    const { code, stdout, stderr } = await runCli(args(), { env });
    expect(stderr).toBe(`wechat-scf-kit: ${line()}\n`);
    expect(stdout).toBe('');
    expect(code).toBe(2);
  });
});

describe('what is not a mistake', () => {
  it('a data file saved with a UTF-8 byte order mark is read', async () => {
    const file = join(dir, 'bom.json');
    await writeFile(file, '\ufeff{"envs":{"prod-1":{"generate":2}}}');
    const { loadDataFile } = await import('../../mock-server/state/data-file.js');
    expect(Object.keys((await loadDataFile(file)).envs ?? {})).toEqual(['prod-1']);
  });

  it('an empty PORT= counts as unset', async () => {
    const { resolveServePort } = await import('../../mock-server/cli.js');
    expect(resolveServePort(undefined, '')).toBe(4020);
    expect(resolveServePort(undefined, ' ')).toBe(4020);
    expect(resolveServePort(undefined, '0')).toBe(0);
    expect(resolveServePort('5000', '')).toBe(5000);
    expect(() => resolveServePort(undefined, 'abc')).toThrow('PORT must be a whole number from 0 to 65535, got "abc"');
  });
});
