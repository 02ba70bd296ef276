// The data file: load, check against its schema with messages naming the field, and the caps on its size.
import { readFile } from 'node:fs/promises';
import type { EnvData, FunctionScript, MockDataFile } from '../../generated/schemas.js';
import { MAX_AUTHORIZERS, MAX_ENVS, MAX_FUNCTIONS } from '../api-facts.js';
import {
  describeErrors,
  formatIssues,
  isEnvData,
  isFunctionScript,
  isMockDataFile,
  type ValidationIssue,
} from '../validation.js';
import { scriptIssues } from './function-scripts.js';

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
  const functions = env.functions ?? [];
  // A set of names, not a map to positions: a map kept for every one of 100,000 listed functions
  // was a tenth of the start-up. The map is built once, when the first duplicate is found.
  const seen = new Set<string>();
  let firstAt: Map<string, number> | undefined;
  const issues: ValidationIssue[] = [];
  for (let index = 0; index < functions.length; index++) {
    const fn = functions[index];
    if (fn.error !== undefined && Object.hasOwn(fn, 'result')) {
      issues.push({
        path: `${prefix}functions[${index}].error`,
        message: 'cannot be combined with result; a function returns a result or throws',
      });
    }
    if (!seen.has(fn.name)) {
      seen.add(fn.name);
      firstAt?.set(fn.name, index);
      continue;
    }
    if (!firstAt) {
      firstAt = new Map();
      for (let i = index - 1; i >= 0; i--) firstAt.set(functions[i].name, i);
    }
    issues.push({
      path: `${prefix}functions[${index}].name`,
      message: `duplicates functions[${firstAt.get(fn.name)}] (${JSON.stringify(fn.name)}); names are unique in an env`,
    });
  }
  return issues;
}

/** The issues of an env's scripts beyond their schema (see scriptIssues). */
function envScriptIssues(env: EnvData, prefix: string): ValidationIssue[] {
  return Object.entries(env.scripts ?? {}).flatMap(([name, script]) =>
    scriptIssues(
      script,
      `${prefix}scripts${/^[A-Za-z_$][\w$-]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`}`,
    ),
  );
}

/**
 * Checks a script given to PUT /__mock/envs/:env/functions/:name/script.
 * @example checkScript([{ error: 'boom' }, { result: { ok: true } }])
 * @throws DataError naming what is wrong
 */
export function checkScript(value: unknown, label = ''): FunctionScript {
  if (!isFunctionScript(value)) throw new DataError(label, describeErrors(isFunctionScript.errors));
  const issues = scriptIssues(value, '');
  if (issues.length > 0) throw new DataError(label, issues);
  return value;
}

export { MAX_FUNCTIONS };

/**
 * How many functions an env of the data file makes: its listed ones and its generated ones.
 * @example functionCount({ functions: [{ name: 'a' }], generate: 10 }) // 11
 */
export function functionCount(env: EnvData): number {
  return (env.functions?.length ?? 0) + (env.generate ?? 0);
}

/**
 * Refuses a total over MAX_FUNCTIONS, naming the limit.
 * @example checkTotalFunctions(250_000, 'envs') // throws DataError: envs: 250,000 functions in all ...
 * @throws DataError
 */
export function checkTotalFunctions(total: number, path: string, label = ''): void {
  if (total > MAX_FUNCTIONS) {
    throw new DataError(label, [
      {
        path,
        message: `${total.toLocaleString('en-US')} functions (listed and generated) in all; the mock holds at most ${MAX_FUNCTIONS.toLocaleString('en-US')} across envs`,
      },
    ]);
  }
}

/**
 * Deepest nesting of objects and arrays accepted in a data document or control body. The deepest
 * real one is 6 levels (envs, env, functions, function, status_reason, reason); a body nested
 * thousands deep is refused here, before a recursive check could overflow the stack.
 * @example checkDepth(JSON.parse('[[[[]]]]')) // fine; 100 levels deep throws DataError
 */
export const MAX_DEPTH = 32;

/**
 * Refuses a value nested deeper than MAX_DEPTH, walking it without recursion.
 * @example checkDepth({ envs: {} })
 * @throws DataError naming where it goes too deep
 */
export function checkDepth(value: unknown, label = ''): void {
  const trail = tooDeep(value, 0);
  if (trail === undefined) return;
  // The path is spelled only for the value refused: building one for every value of a
  // 100,000-function file cost more than the rest of the check.
  let path = '';
  for (const [parent, key] of trail) {
    path = Array.isArray(parent) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (path.length > 200) path = `${path.slice(0, 200)}…`;
  }
  throw new DataError(label, [{ path, message: `is nested more than ${MAX_DEPTH} levels deep; no data document is` }]);
}

/**
 * The way down (each container and the key taken in it) to the first value found nested
 * MAX_DEPTH deep, or undefined. Recursion is bounded by MAX_DEPTH; children are visited last
 * first, the order the check has always reported in.
 */
function tooDeep(value: unknown, depth: number): [object, string][] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_DEPTH) return [];
  const keys = Object.keys(value);
  for (let i = keys.length - 1; i >= 0; i--) {
    const trail = tooDeep((value as Record<string, unknown>)[keys[i]], depth + 1);
    if (trail !== undefined) {
      trail.unshift([value, keys[i]]);
      return trail;
    }
  }
  return undefined;
}

/**
 * Checks a whole data document (a data file, or the body of PUT /__mock/data).
 * @example checkMockData({ envs: { 'prod-1': { generate: 3 } } }) // returns it, typed
 * @throws DataError naming the path of the first bad value
 */
export function checkMockData(value: unknown, label = ''): MockDataFile {
  if (!isMockDataFile(value)) throw new DataError(label, describeErrors(isMockDataFile.errors));
  const issues = Object.entries(value.envs ?? {}).flatMap(([id, env]) => [
    ...duplicateNames(env, `envs.${id}.`),
    ...envScriptIssues(env, `envs.${id}.`),
  ]);
  if (issues.length > 0) throw new DataError(label, issues);
  const envCount = Object.keys(value.envs ?? {}).length;
  if (envCount > MAX_ENVS) {
    throw new DataError(label, [
      {
        path: 'envs',
        message: `${envCount.toLocaleString('en-US')} envs; the mock holds at most ${MAX_ENVS.toLocaleString('en-US')} (describeenvs lists them all in one answer)`,
      },
    ]);
  }
  const authorizers = Object.values(value.components ?? {}).reduce(
    (sum, component) => sum + Object.keys(component.authorizers ?? {}).length,
    0,
  );
  if (authorizers > MAX_AUTHORIZERS) {
    throw new DataError(label, [
      {
        path: 'components',
        message: `${authorizers.toLocaleString('en-US')} authorizers in all; the mock holds at most ${MAX_AUTHORIZERS.toLocaleString('en-US')} across components`,
      },
    ]);
  }
  checkTotalFunctions(
    Object.values(value.envs ?? {}).reduce((sum, env) => sum + functionCount(env), 0),
    'envs',
    label,
  );
  return value;
}

/**
 * Checks one env in its data-file form (the body of PUT /__mock/envs/:env).
 * @example checkEnvData({ functions: [{ name: 'login' }] })
 * @throws DataError naming the path of the first bad value
 */
export function checkEnvData(value: unknown, label = ''): EnvData {
  if (!isEnvData(value)) throw new DataError(label, describeErrors(isEnvData.errors));
  const issues = [...duplicateNames(value, ''), ...envScriptIssues(value, '')];
  if (issues.length > 0) throw new DataError(label, issues);
  checkTotalFunctions(functionCount(value), '', label);
  return value;
}

/**
 * What is wrong with a text JSON.parse refused, by line and column (editors show those, not offsets).
 * @example describeJsonError('{\n  x\n}', error) // 'is not valid JSON at line 2, column 3: Expected property name or \'}\''
 */
export function describeJsonError(text: string, error: Error): string {
  const position = /at position (\d+)/.exec(error.message);
  const at = position ? Number(position[1]) : /end of JSON input/.test(error.message) ? text.length : undefined;
  // V8's own text: without its offset and line note, and without the copy of the input it may quote.
  const why = error.message
    .replace(/\s*in JSON at position \d+.*$/, '')
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/\s+/g, ' ');
  if (at === undefined) return `is not valid JSON: ${why}`;
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - before.lastIndexOf('\n');
  return `is not valid JSON at line ${line}, column ${column}: ${why}`;
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
  // Editors on Windows may save UTF-8 with a byte order mark; it is not part of the JSON.
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new DataError(label, [{ path: '', message: describeJsonError(json, error as Error) }]);
  }
  checkDepth(value, label);
  return checkMockData(value, label);
}
