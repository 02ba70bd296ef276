import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMockData, DataError, loadDataFile } from '../../../mock-server/state/data-file.js';
import { DEFAULT_DATA } from '../../../mock-server/state/default-data.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scf-data-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function fileWith(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('loadDataFile', () => {
  it('loads the documented example', async () => {
    const path = await fileWith(
      'ok.json',
      JSON.stringify({
        seed: 1,
        tokens: { 'tok-a': 'valid', 'tok-old': 'expired', 'tok-nq': 'no-qbase' },
        envs: { 'prod-1': { functions: [{ name: 'login' }] }, big: { generate: 5000 }, legacy: { qbase: false } },
      }),
    );
    const data = await loadDataFile(path);
    expect(Object.keys(data.envs ?? {})).toEqual(['prod-1', 'big', 'legacy']);
  });

  it('accepts the embedded default data', async () => {
    const path = await fileWith('default.json', JSON.stringify(DEFAULT_DATA));
    await expect(loadDataFile(path)).resolves.toEqual(DEFAULT_DATA);
  });

  const bad: [string, string, string][] = [
    ['not JSON', '{"envs": ', 'is not valid JSON'],
    [
      'a bad time',
      JSON.stringify({
        envs: {
          'prod-1': { functions: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd', add_time: '2021-07-29' }] },
        },
      }),
      'envs.prod-1.functions[3].add_time: must match YYYY-MM-DD HH:mm:ss',
    ],
    [
      'a function without a name',
      JSON.stringify({ envs: { e: { functions: [{ runtime: 'Nodejs16.13' }] } } }),
      'envs.e.functions[0].name: is required',
    ],
    [
      'a duplicate name',
      JSON.stringify({ envs: { e: { functions: [{ name: 'login' }, { name: 'login' }] } } }),
      'envs.e.functions[1].name: duplicates functions[0] ("login")',
    ],
    [
      'an unknown token state',
      JSON.stringify({ tokens: { t: 'revoked' } }),
      'tokens.t: must be one of "valid", "expired", "no-qbase"',
    ],
    [
      'an env id with a slash',
      JSON.stringify({ envs: { 'a/b': {} } }),
      "envs: key \"a/b\" must be letters, digits, '-' or '_', starting with a letter or digit, at most 64 long",
    ],
    ['an unknown top-level key', JSON.stringify({ env: {} }), 'env: is not allowed here'],
    ['a negative generate', JSON.stringify({ envs: { e: { generate: -1 } } }), 'envs.e.generate: must be >= 0'],
    [
      'a string status_reason errcode of the wrong type',
      JSON.stringify({ envs: { e: { functions: [{ name: 'a', status_reason: [{ errcode: 1, errmsg: 'x' }] }] } } }),
      'envs.e.functions[0].status_reason[0].errcode: must be string',
    ],
  ];
  it.each(bad)('rejects %s, naming the path of the bad value', async (name, text, message) => {
    const path = await fileWith(`${name.replace(/\W/g, '-')}.json`, text);
    await expect(loadDataFile(path)).rejects.toThrow(`data file ${path} ${message}`);
  });

  it('rejects a missing file in one line', async () => {
    await expect(loadDataFile(join(dir, 'nope.json'))).rejects.toThrow(/^data file .*nope\.json does not exist$/);
  });
});

describe('the duplicate-name check', () => {
  it('names, for each duplicate, the first function of that name, also one first seen after another duplicate', () => {
    const functions = ['a', 'b', 'a', 'c', 'c', 'b', 'a'].map((name) => ({ name }));
    const error = (() => {
      try {
        checkMockData({ envs: { e: { functions } } });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toContain('functions[2].name: duplicates functions[0] ("a")');
    expect((error as Error).message).toContain('functions[4].name: duplicates functions[3] ("c")');
    expect((error as Error).message).toContain('functions[5].name: duplicates functions[1] ("b")');
    expect((error as Error).message).toContain('functions[6].name: duplicates functions[0] ("a")');
  });

  it('names the first of each of 50,000 repeated names in a file of 100,000', () => {
    const functions = Array.from({ length: 100_000 }, (_, i) => ({ name: `f${i % 50_000}` }));
    expect(() => checkMockData({ envs: { e: { functions } } })).toThrow(
      'functions[99999].name: duplicates functions[49999]',
    );
  });
});
