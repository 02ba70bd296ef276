// The contract cases of contracts/cases/*.json: loaded, checked against their schema, and their variables substituted.
import type { ContractCase, ContractState } from '../generated/schemas.js';
import { describeErrors, formatIssues, isContractCaseFile as isCaseFile } from '../mock-server/validation.js';
import client from './cases/client.json' with { type: 'json' };
import errors from './cases/errors.json' with { type: 'json' };
import faults from './cases/faults.json' with { type: 'json' };
import invariants from './cases/invariants.json' with { type: 'json' };
import listing from './cases/listing.json' with { type: 'json' };
import search from './cases/search.json' with { type: 'json' };

/**
 * The case files shipped in contracts/cases/, by file name.
 * @example Object.keys(CASE_FILES) // ['listing.json', 'search.json', 'errors.json', 'faults.json', 'invariants.json', 'client.json']
 */
export const CASE_FILES: Record<string, unknown> = {
  'listing.json': listing,
  'search.json': search,
  'errors.json': errors,
  'faults.json': faults,
  'invariants.json': invariants,
  'client.json': client,
};

/** A case with its file's defaults applied. */
export interface LoadedCase extends ContractCase {
  file: string;
}

/**
 * Checks one case file against schemas/contract-cases.schema.json and the rules a schema cannot say.
 * @example checkCaseFile('mine.json', JSON.parse(text)) // the cases, with the file's default state applied
 * @throws Error naming the file and the path of the bad value
 */
export function checkCaseFile(file: string, value: unknown): LoadedCase[] {
  if (!isCaseFile(value)) throw new Error(`${file}: ${formatIssues(describeErrors(isCaseFile.errors))}`);
  return value.cases.map((c, index) => {
    const where = `${file}: cases[${index}] (${c.id})`;
    if (!c.call && !c.client) throw new Error(`${where}: needs call, client or both`);
    if (c.call?.body !== undefined && c.call.raw_body !== undefined)
      throw new Error(`${where}: call has both body and raw_body`);
    if ((c.expect.errcode === undefined) === (c.expect.transport === undefined)) {
      throw new Error(`${where}: expect needs exactly one of errcode and transport`);
    }
    if (c.expect.transport === 'timeout' && c.call)
      throw new Error(`${where}: a timeout is a client expectation; drop call`);
    const state = c.state ?? value.defaults?.state;
    return { ...c, ...(state ? { state } : {}), file };
  });
}

/**
 * Every shipped case, in file order, checked once.
 * @example loadCases().filter((c) => c.client).length
 */
export function loadCases(): LoadedCase[] {
  const cases = Object.entries(CASE_FILES).flatMap(([file, value]) => checkCaseFile(file, value));
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.id)) throw new Error(`${c.file}: case id ${c.id} is used twice`);
    seen.add(c.id);
  }
  return cases;
}

/** Values for the placeholders in cases. */
export interface CaseVariables {
  TOKEN: string;
  ENV: string;
}

/**
 * Replaces "$TOKEN" and "$ENV" in strings and object keys, deeply.
 * @example substitute({ env: '$ENV' }, { TOKEN: 't', ENV: 'prod' }) // { env: 'prod' }
 */
export function substitute<T>(value: T, vars: CaseVariables): T {
  const text = (s: string) => s.replace(/\$(TOKEN|ENV)\b/g, (_m, name: keyof CaseVariables) => vars[name]);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([key, inner]) => [text(key), walk(inner)]));
    }
    return v;
  };
  return walk(value) as T;
}

/**
 * The state a case runs in where a control API exists: its own, or a generated env at $ENV.
 * @example stateFor(c, { TOKEN: 't', ENV: 'prod-1' }) // { tokens: { t: 'valid' }, envs: { 'prod-1': … } }
 */
export function stateFor(c: ContractCase, vars: CaseVariables): ContractState {
  return substitute(c.state ?? { tokens: { $TOKEN: 'valid' }, envs: { $ENV: { generate: 45 } } }, vars);
}

/**
 * True when the case's expectation holds without arranging state (so it can run against the real API).
 * @example loadCases().filter(isPortable) // the cases that can run against the real API
 */
export function isPortable(c: ContractCase): boolean {
  return c.portable === true || c.state === undefined;
}
