import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CASE_FILES, checkCaseFile, isPortable, loadCases, substitute } from '../../contracts/cases.js';
import { formatJunit, formatPretty } from '../../contracts/report.js';
import { isContractCaseFile } from '../../mock-server/validation.js';

const casesDir = new URL('../../contracts/cases/', import.meta.url);

describe('contracts/cases', () => {
  it('every file on disk is shipped, and validates against schemas/contract-cases.schema.json', async () => {
    const files = (await readdir(casesDir)).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(Object.keys(CASE_FILES).sort());
    for (const file of files) {
      const value = JSON.parse(await readFile(new URL(file, casesDir), 'utf8'));
      expect(isContractCaseFile(value), `${file}: ${JSON.stringify(isContractCaseFile.errors)}`).toBe(true);
      expect(value).toEqual(CASE_FILES[file]);
    }
  });

  it('ids are unique and grouped', () => {
    const ids = loadCases().map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^GSL-(PAGE|SEARCH|ERR|FAULT|INV|ONCE|RETRY|CACHE)-\d{3}$/);
  });

  it('cover every error rule of the mock', () => {
    const errcodes = loadCases().map((c) => c.expect.errcode);
    for (const errcode of [43002, 41001, 40001, 42001, 44002, 47001, 85088, 40097, -1])
      expect(errcodes).toContain(errcode);
    expect(errcodes.filter((e) => e === 47001).length).toBeGreaterThanOrEqual(8);
    expect(errcodes.filter((e) => e === 85088).length).toBe(2);
  });

  it('cover every transport failure a client must survive', () => {
    const transports = loadCases().map((c) => c.expect.transport);
    for (const t of ['http-error', 'not-json', 'dropped', 'timeout']) expect(transports).toContain(t);
  });

  it('have a portable subset for the real API, with no fault in it', () => {
    const portable = loadCases().filter(isPortable);
    expect(portable.length).toBeGreaterThanOrEqual(10);
    for (const c of portable) expect(c.state?.fault).toBeUndefined();
  });
});

describe('checkCaseFile', () => {
  const one = { id: 'GSL-X-001', title: 't', call: { body: {} }, expect: { errcode: 0 } };
  it.each([
    [{ cases: [{ ...one, id: 'page-1' }] }, /cases\[0\]\.id: must match pattern/],
    [{ cases: [{ ...one, call: undefined }] }, /needs call, client or both/],
    [{ cases: [{ ...one, expect: { errcode: 0, transport: 'dropped' } }] }, /exactly one of errcode and transport/],
    [{ cases: [{ ...one, call: { body: {}, raw_body: '' } }] }, /both body and raw_body/],
    [{ cases: [] }, /cases: must NOT have fewer than 1 items/],
  ])('rejects %j naming what is wrong', (file, message) => {
    expect(() => checkCaseFile('mine.json', JSON.parse(JSON.stringify(file)))).toThrow(message);
  });

  it('applies the file default state to cases without one', () => {
    const [c] = checkCaseFile('f.json', { defaults: { state: { envs: { e: {} } } }, cases: [one] });
    expect(c.state).toEqual({ envs: { e: {} } });
  });
});

describe('substitute', () => {
  it('replaces $TOKEN and $ENV in values and keys, deeply', () => {
    expect(
      substitute({ tokens: { $TOKEN: 'valid' }, body: ['$ENV', { k: 'x-$ENV' }] }, { TOKEN: 't1', ENV: 'e1' }),
    ).toEqual({
      tokens: { t1: 'valid' },
      body: ['e1', { k: 'x-e1' }],
    });
  });
});

describe('reports', () => {
  const results = [
    { id: 'GSL-A-001', title: 'ok <fine>', status: 'pass' as const, durationMs: 3 },
    {
      id: 'GSL-A-002',
      title: 'bad & "quoted"',
      status: 'fail' as const,
      problems: ['errcode 1, expected 0'],
      actual: 'HTTP 200 {}',
      durationMs: 5,
    },
    { id: 'GSL-A-003', title: 'skipped', status: 'skip' as const, reason: 'needs --env', durationMs: 0 },
  ];
  it('pretty ends with the counts', () => {
    const text = formatPretty(results);
    expect(text.split('\n').at(-1)).toBe('1 passed, 1 failed, 1 skipped');
    expect(text).toContain('✗ GSL-A-002 bad & "quoted" FAILED');
    expect(text).toContain('- GSL-A-003 skipped (skipped: needs --env)');
  });
  it('JUnit XML escapes what it must and counts right', () => {
    const xml = formatJunit('suite', results);
    expect(xml).toContain('<testsuite name="suite" tests="3" failures="1" skipped="1"');
    expect(xml).toContain('name="GSL-A-001 ok &lt;fine&gt;"');
    expect(xml).toContain('name="GSL-A-002 bad &amp; &quot;quoted&quot;"');
    expect(xml).toContain('<skipped message="needs --env"/>');
  });
});
