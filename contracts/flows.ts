// The multi-step flows of contracts/flows/*.json (tokens, describeenvs, rid/get, invoke, unknown paths, function lifecycle): loaded, checked, and their steps judged.
import type { ContractFlow, ContractFlowExpectation, MockDataFile } from '../generated/schemas.js';
import { API_PATH_LIST, API_PATHS } from '../mock-server/api-facts.js';
import {
  describeErrors,
  formatIssues,
  isAuthorizerTokenSuccess,
  isComponentTokenSuccess,
  isContractFlowFile,
  isDescribeEnvsSuccess,
  isGetScfListSuccess,
  isInvokeCloudFunctionSuccess,
  isLifecycleOkSuccess,
  isRidGetSuccess,
  isScfCodeSuccess,
  isScfCreateSuccess,
  isTriggersGetSuccess,
  isTriggersUpdateSuccess,
  isWechatError,
  type Validator,
} from '../mock-server/validation.js';
import { checkErrmsg } from './expectations.js';
import authorizers from './flows/authorizers.json' with { type: 'json' };
import envs from './flows/envs.json' with { type: 'json' };
import invoke from './flows/invoke.json' with { type: 'json' };
import keys from './flows/keys.json' with { type: 'json' };
import lifecycle from './flows/lifecycle.json' with { type: 'json' };
import rids from './flows/rids.json' with { type: 'json' };
import tokens from './flows/tokens.json' with { type: 'json' };
import unknownPaths from './flows/unknown-paths.json' with { type: 'json' };

/**
 * The flow files shipped in contracts/flows/, by file name.
 * @example Object.keys(FLOW_FILES) // ['tokens.json', 'keys.json', 'envs.json', 'rids.json', 'authorizers.json', …]
 */
export const FLOW_FILES: Record<string, unknown> = {
  'tokens.json': tokens,
  'keys.json': keys,
  'envs.json': envs,
  'rids.json': rids,
  'authorizers.json': authorizers,
  'invoke.json': invoke,
  'unknown-paths.json': unknownPaths,
  'lifecycle.json': lifecycle,
};

/** A flow with its file's default state applied. */
export interface LoadedFlow extends ContractFlow {
  file: string;
}

const CONTROL_STEPS = ['advance_s', 'push_ticket', 'fault'] as const;

/**
 * Checks one flow file against schemas/contract-flows.schema.json and the rules a schema cannot say.
 * @example checkFlowFile('mine.json', JSON.parse(text)) // the flows, with the file's default state applied
 * @throws Error naming the file and the path of the bad value
 */
export function checkFlowFile(file: string, value: unknown): LoadedFlow[] {
  if (!isContractFlowFile(value))
    throw new Error(`${file}: ${formatIssues(describeErrors(isContractFlowFile.errors))}`);
  return value.flows.map((flow, index) => {
    flow.steps.forEach((step, at) => {
      const where = `${file}: flows[${index}] (${flow.id}) steps[${at}]`;
      const kinds = [...(step.call ? ['call'] : []), ...CONTROL_STEPS.filter((key) => step[key] !== undefined)];
      if (kinds.length !== 1) throw new Error(`${where}: needs exactly one of call, advance_s, push_ticket, fault`);
      if (step.call && !step.expect) throw new Error(`${where}: a call needs expect`);
      if (!step.call && step.expect) throw new Error(`${where}: expect goes with a call`);
      if (step.call?.body !== undefined && step.call.raw_body !== undefined)
        throw new Error(`${where}: call has both body and raw_body`);
      if (step.each_listed_env && !step.call) throw new Error(`${where}: each_listed_env goes with a call`);
      if (step.expect?.times_near_clock && flow.portable)
        throw new Error(`${where}: times_near_clock reads the server's clock, which a portable flow cannot`);
      if (step.call && !(API_PATH_LIST as readonly string[]).includes(step.call.path) && step.expect?.errcode !== 40066)
        throw new Error(`${where}: ${step.call.path} is not a path the API serves, so it answers 40066`);
    });
    if (flow.portable && flow.steps.some((step) => !step.call))
      throw new Error(`${file}: flows[${index}] (${flow.id}): a portable flow has only call steps`);
    const state = flow.state ?? value.defaults?.state;
    return { ...flow, ...(state ? { state } : {}), file };
  });
}

/**
 * Every shipped flow, in file order, checked once.
 * @example loadFlows().filter((f) => f.portable).length
 */
export function loadFlows(): LoadedFlow[] {
  const flows = Object.entries(FLOW_FILES).flatMap(([file, value]) => checkFlowFile(file, value));
  const seen = new Set<string>();
  for (const flow of flows) {
    if (seen.has(flow.id)) throw new Error(`${flow.file}: flow id ${flow.id} is used twice`);
    seen.add(flow.id);
  }
  return flows;
}

/**
 * True when a flow needs the control API: a clock, ticket or fault step, or state it must arrange.
 * @example needsControl(loadFlows()[0]) // true
 */
export function needsControl(flow: LoadedFlow): boolean {
  return flow.portable !== true;
}

/**
 * Replaces `$NAME` placeholders in strings and object keys, deeply, from `vars`; unknown ones stay.
 * @example fill({ rid: '$RID' }, { RID: '6aac0064-355b48ab-4c5b487e' }) // { rid: '6aac0064-355b48ab-4c5b487e' }
 */
export function fill<T>(value: T, vars: Readonly<Record<string, string>>): T {
  const text = (s: string) => s.replace(/\$([A-Z][A-Z0-9_]*)/g, (whole, name: string) => vars[name] ?? whole);
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
 * The data a flow arranges where a control API exists.
 * @example flowState(flow, { TOKEN: 't', ENV: 'e' }).tokens // { t: 'valid' }
 */
export function flowState(flow: LoadedFlow, vars: Readonly<Record<string, string>>): MockDataFile {
  return fill(flow.state ?? { tokens: { $TOKEN: 'valid' }, envs: { $ENV: { generate: 5 } } }, vars);
}

const SUCCESS: Record<string, Validator<unknown>> = {
  [API_PATHS.getscflist]: isGetScfListSuccess,
  [API_PATHS.describeenvs]: isDescribeEnvsSuccess,
  [API_PATHS.componentToken]: isComponentTokenSuccess,
  [API_PATHS.ridGet]: isRidGetSuccess,
  [API_PATHS.authorizerToken]: isAuthorizerTokenSuccess,
  [API_PATHS.invokeCloudFunction]: isInvokeCloudFunctionSuccess,
  [API_PATHS.batchuploadscf]: isScfCreateSuccess,
  [API_PATHS.batchuploadscfcode]: isScfCodeSuccess,
  [API_PATHS.updatescfconfig]: isLifecycleOkSuccess,
  [API_PATHS.deletescf]: isLifecycleOkSuccess,
  [API_PATHS.gettriggers]: isTriggersGetSuccess,
  [API_PATHS.batchupdatetriggers]: isTriggersUpdateSuccess,
};

/** The endpoints whose success carries no errcode, as upstream documents them. */
const NO_ERRCODE_SUCCESS: readonly string[] = [API_PATHS.componentToken, API_PATHS.authorizerToken];

const RID_SUFFIX = / rid: ([0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8})$/;
const show = (value: unknown) => JSON.stringify(value);
const shortShow = (value: unknown) => {
  const text = show(value) ?? 'undefined';
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
};

/**
 * Where `actual` differs from `wanted` (objects on wanted's keys; arrays element by element, or,
 * with `anywhere`, each wanted item matching some item, others allowed).
 */
function differences(wanted: unknown, actual: unknown, path: string, anywhere = false): string[] {
  if (Array.isArray(wanted)) {
    if (!Array.isArray(actual)) return [`${path || 'the body'} is ${show(actual)}, expected an array`];
    if (anywhere) {
      return wanted.flatMap((item) =>
        actual.some((got, i) => differences(item, got, `${path}[${i}]`, true).length === 0)
          ? []
          : [`${path} holds no item like ${show(item)} among its ${actual.length}: ${shortShow(actual)}`],
      );
    }
    if (actual.length !== wanted.length) return [`${path} has ${actual.length} items, expected ${wanted.length}`];
    return wanted.flatMap((item, i) => differences(item, actual[i], `${path}[${i}]`));
  }
  if (wanted !== null && typeof wanted === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
      return [`${path || 'the body'} is ${show(actual)}, expected an object`];
    return Object.entries(wanted).flatMap(([key, inner]) =>
      differences(inner, (actual as Record<string, unknown>)[key], path ? `${path}.${key}` : key, anywhere),
    );
  }
  return Object.is(wanted, actual) ? [] : [`${path} is ${show(actual)}, expected ${show(wanted)}`];
}

/**
 * Checks the parsed body of a flow's call: the errcode (a number; none for a token success), the
 * endpoint's success schema or the error schema, errmsg (any wording the errcode catalogue
 * records; which one goes to `notes`) and rid, body_includes and body_contains.
 * @example checkFlowBody('/cgi-bin/openapi/rid/get', { errcode: 76001 }, body) // [] when it holds
 */
export function checkFlowBody(
  path: string,
  expect: ContractFlowExpectation,
  body: unknown,
  notes?: string[],
): string[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return [`the body is ${show(body)}, not a JSON object`];
  const { errcode } = body as { errcode?: unknown };
  if (typeof errcode === 'string') return [`errcode is the string ${show(errcode)}; WeChat sends a number`];
  const tokenSuccess = NO_ERRCODE_SUCCESS.includes(path) && errcode === undefined;
  if (typeof errcode !== 'number' && !tokenSuccess) return ['the body has no numeric errcode'];
  const answered = tokenSuccess ? 0 : (errcode as number);
  const problems: string[] = [];
  if (answered !== expect.errcode) problems.push(`errcode ${answered}, expected ${expect.errcode}`);
  if (answered === 0) {
    const valid = SUCCESS[path];
    if (valid && !valid(body))
      problems.push(`the success breaks its schema: ${formatIssues(describeErrors(valid.errors))}`);
  } else {
    if (!isWechatError(body))
      problems.push(`the error body breaks the error schema: ${formatIssues(describeErrors(isWechatError.errors))}`);
    const errmsg = String((body as { errmsg?: unknown }).errmsg);
    if (answered === expect.errcode) {
      const { problem, note } = checkErrmsg(answered, expect.errmsg, errmsg.replace(RID_SUFFIX, ''));
      if (problem) problems.push(problem);
      if (note) notes?.push(note);
    }
    if (expect.rid && !RID_SUFFIX.test(errmsg))
      problems.push(`errmsg ${show(errmsg)} has no " rid: <hex8>-<hex8>-<hex8>" suffix`);
  }
  if (problems.length === 0 && expect.body_includes !== undefined)
    problems.push(...differences(expect.body_includes, body, ''));
  if (problems.length === 0 && expect.body_contains !== undefined)
    problems.push(...differences(expect.body_contains, body, '', true));
  return problems;
}

/** How far a time the server wrote may be from its clock: a loaded machine takes seconds between steps. */
export const NEAR_CLOCK_S = 120;

/** A time as WeChat writes it (YYYY-MM-DD HH:mm:ss, UTC+8), in unix seconds; undefined for anything else. */
function beijingUnix(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return undefined;
  const ms = Date.parse(`${value.replace(' ', 'T')}+08:00`);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

/**
 * The problems of a flow's times_near_clock: each time at a dotted path of the body must be within
 * NEAR_CLOCK_S of the server's clock (unix seconds), read as UTC+8.
 * @example checkTimesNearClock({ functions: [{ mod_time: '2026-12-03 22:00:00' }] }, ['functions.0.mod_time'], Date.UTC(2026, 11, 3, 14) / 1000) // []
 */
export function checkTimesNearClock(body: unknown, paths: readonly string[], clockUnix: number): string[] {
  const shown = (unix: number) => `${new Date((unix + 8 * 3600) * 1000).toISOString().slice(0, 19).replace('T', ' ')}`;
  return paths.flatMap((path) => {
    let value: unknown = body;
    for (const key of path.split('.')) value = (value as Record<string, unknown> | null)?.[key];
    const unix = beijingUnix(value);
    if (unix === undefined)
      return [`${path} is ${show(value)}, not a time as WeChat writes it (YYYY-MM-DD HH:mm:ss, UTC+8)`];
    const apart = Math.round(unix - clockUnix);
    if (Math.abs(apart) <= NEAR_CLOCK_S) return [];
    return [
      `${path} is ${show(value)}, but the server's clock read ${shown(clockUnix)} (UTC+8) at the answer: ${Math.abs(apart)} s ${apart < 0 ? 'behind' : 'ahead'}, at most ${NEAR_CLOCK_S} s expected${Math.abs(apart + 8 * 3600) <= NEAR_CLOCK_S ? ' (a time in UTC, not UTC+8)' : ''}`,
    ];
  });
}

/**
 * The rid at the end of an errmsg, if any.
 * @example ridOf({ errcode: 1, errmsg: 'x rid: 6aac0064-355b48ab-4c5b487e' }) // '6aac0064-355b48ab-4c5b487e'
 */
export function ridOf(body: unknown): string | undefined {
  const errmsg = (body as { errmsg?: unknown } | null)?.errmsg;
  return typeof errmsg === 'string' ? RID_SUFFIX.exec(errmsg)?.[1] : undefined;
}
