import { readFile } from 'node:fs/promises';
import type { EnvData, MockDataFile } from '../generated/schemas.js';
import { describeErrors, formatIssues, isEnvData, isMockDataFile, type ValidationIssue } from './validation.js';

/**
 * Data that breaks the data-file schema, with every issue found and a one-line message.
 * @example try { await loadDataFile(f) } catch (e) { if (e instanceof DataError) e.issues }
 */
export class DataError extends Error {
  readonly issues: ValidationIssue[];
  constructor(label: string, issues: ValidationIssue[]) {
    super(`${label}${label ? ' ' : ''}${formatIssues(issues)}`);
    this.name = 'DataError';
    this.issues = issues;
  }
}

function duplicateNames(env: EnvData, prefix: string): ValidationIssue[] {
  const first = new Map<string, number>();
  const issues: ValidationIssue[] = [];
  env.functions?.forEach((fn, index) => {
    const seen = first.get(fn.name);
    if (seen === undefined) first.set(fn.name, index);
    else
      issues.push({
        path: `${prefix}functions[${index}].name`,
        message: `duplicates functions[${seen}] (${JSON.stringify(fn.name)}); names are unique in an env`,
      });
  });
  return issues;
}

/**
 * Checks a whole data document (a data file, or the body of PUT /__mock/data).
 * @example checkMockData({ envs: { 'prod-1': { generate: 3 } } }) // returns it, typed
 * @throws DataError naming the path of the first bad value
 */
export function checkMockData(value: unknown, label = ''): MockDataFile {
  if (!isMockDataFile(value)) throw new DataError(label, describeErrors(isMockDataFile.errors));
  const issues = Object.entries(value.envs ?? {}).flatMap(([id, env]) => duplicateNames(env, `envs.${id}.`));
  if (issues.length > 0) throw new DataError(label, issues);
  return value;
}

/**
 * Checks one env in its data-file form (the body of PUT /__mock/envs/:env).
 * @example checkEnvData({ functions: [{ name: 'login' }] })
 * @throws DataError naming the path of the first bad value
 */
export function checkEnvData(value: unknown, label = ''): EnvData {
  if (!isEnvData(value)) throw new DataError(label, describeErrors(isEnvData.errors));
  const issues = duplicateNames(value, '');
  if (issues.length > 0) throw new DataError(label, issues);
  return value;
}

/**
 * Reads and checks a data file.
 * @example const data = await loadDataFile('mock-data.json');
 * @throws DataError with a one-line message such as
 *   `data file mock-data.json envs.prod-1.functions[3].add_time: must match YYYY-MM-DD HH:mm:ss`
 */
export async function loadDataFile(path: string): Promise<MockDataFile> {
  const label = `data file ${path}`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`;
    throw new DataError(label, [{ path: '', message: why }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DataError(label, [{ path: '', message: `is not valid JSON (${(error as Error).message})` }]);
  }
  return checkMockData(value, label);
}
