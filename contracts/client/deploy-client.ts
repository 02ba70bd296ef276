// The client kit's deploy cases (opt-in): a client that creates, updates or deletes a function and polls getscflist until the change is done.
import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import type { FunctionSeed, MockForcedFailure, StatusReason } from '../../generated/schemas.js';
import { API_PATHS, CONTROL_PREFIX } from '../../mock-server/api-facts.js';
import { type RunningMock, startMockServer } from '../../mock-server/server.js';
import { busyMessage, ENTRY_FILE_REASON, LIFECYCLE_MESSAGES } from '../../mock-server/state/function-lifecycle.js';
import type { JournalEntry } from '../../mock-server/state/journal.js';
import { type CaseResult, shorten } from '../results.js';
import type { ClientInvoker, ClientOutcome, ClientParams } from './adapter.js';

/** One deployment, as a program reads it on stdin (docs/client-kit.md, "A client that deploys functions"). */
export type DeployParams =
  | { action: 'create' | 'update_code'; name: string; envs: string[]; zipfile: string }
  | { action: 'delete'; name: string; env: string };

/** How a deploying client polls: the wait between two polls of one env, and when to give up. */
export interface DeploySettings {
  /** WECHAT_POLL_INTERVAL_MS. */
  pollIntervalMs: number;
  /** WECHAT_DEPLOY_TIMEOUT_MS. */
  deployTimeoutMs: number;
}

/** What a client is given in a deploy case: where the API is, a component token valid for the case, its timeout and how to poll. */
export interface DeployContext extends DeploySettings {
  baseUrl: string;
  accessToken: string;
  timeoutMs: number;
}

/** Calls a client once; the signal aborts a call the kit gave up on. */
export type DeployCall = (context: DeployContext, params: DeployParams, signal: AbortSignal) => Promise<ClientOutcome>;

/**
 * Turns a client invoker into what the deploy cases call: the context carries `deploy` (for a
 * program: WECHAT_POLL_INTERVAL_MS and WECHAT_DEPLOY_TIMEOUT_MS beside WECHAT_ACCESS_TOKEN), and the
 * parameters are the deployment (`{"action", "name", "envs" | "env", "zipfile"}`), passed on as they are.
 * @example await runDeployContract(deployCall(processClient('python3', ['examples/deploy-client/main.py'])))
 */
export function deployCall(invoke: ClientInvoker): DeployCall {
  return (context, params, signal) =>
    invoke(
      {
        baseUrl: context.baseUrl,
        accessToken: context.accessToken,
        timeoutMs: context.timeoutMs,
        deploy: { pollIntervalMs: context.pollIntervalMs, deployTimeoutMs: context.deployTimeoutMs },
      },
      params as unknown as ClientParams,
      signal,
    );
}

/** One env's outcome, as the program prints it under `result`. */
export type EnvOutcome =
  | { status: 'Active' | 'Deleted' }
  | { status: 'CreateFailed' | 'UpdateFailed' | 'DeleteFailed'; status_reason: StatusReason[] }
  | { failed: string };

/** What the deployment must end in: this result, a WeChat failure with this errcode, or a transport failure (`error`). */
type Expected = { result: Record<string, EnvOutcome> } | { errcode: number } | { error: true };

/** One deploy case: the envs it starts with, how long a change takes, what it forces, the deployment and its outcome. */
export interface DeployCase {
  id: string;
  title: string;
  /** The envs and their functions before the call. */
  envs: Record<string, FunctionSeed[]>;
  /** Mock seconds (here real ones: the case never moves the clock) each change takes. */
  transitionS: number;
  /** Failures forced through the control API before the call. */
  forced?: MockForcedFailure[];
  /** The call is answered with this WeChat errcode (a fault for the next few requests). */
  faultErrcode?: number;
  /** WECHAT_DEPLOY_TIMEOUT_MS for this case, when not the run's. */
  deployTimeoutMs?: number;
  params: DeployParams;
  expect: Expected;
}

const ENV_A = 'deploy-a';
const ENV_B = 'deploy-b';
const BIG = 'deploy-big';
const MISSING = 'deploy-missing';
const FUNCTION = 'fn';

/** Zips are built once with a fixed time, so every run sends the same bytes. */
const zip = (files: Record<string, string>) =>
  Buffer.from(
    zipSync(Object.fromEntries(Object.entries(files).map(([path, text]) => [path, new TextEncoder().encode(text)])), {
      mtime: new Date(Date.UTC(2024, 0, 1)),
    }),
  ).toString('base64');
const GOOD_ZIP = zip({ 'index.js': 'exports.main = async (event) => ({ ok: true, event });\n' });
const FOLDER_ZIP = zip({ 'fn/index.js': 'exports.main = async () => ({ ok: true });\n' });

const active = (name = FUNCTION): FunctionSeed => ({ name, status: 'Active', add_time: '2024-01-01 10:00:00' });

/**
 * An env where the function is past the first page of any search for its name: 120 newer
 * functions contain "fn" (the newest, `fn-old`, failed its last update), so a client must page and
 * match the name exactly.
 */
function crowdedEnv(): FunctionSeed[] {
  const decoys: FunctionSeed[] = [
    {
      name: 'fn-old',
      status: 'UpdateFailed',
      add_time: '2024-06-01 12:00:00',
      status_reason: [{ errcode: 'FailedOperation.UpdateFunctionCode', errmsg: '更新函数代码失败。' }],
    },
  ];
  for (let i = 1; i < 120; i++) {
    const minute = String(i % 60).padStart(2, '0');
    const hour = String(10 + Math.floor(i / 60)).padStart(2, '0');
    decoys.push({
      name: `fn-v${String(i).padStart(3, '0')}`,
      status: 'Active',
      add_time: `2024-05-01 ${hour}:${minute}:00`,
    });
  }
  return [...decoys, { name: FUNCTION, status: 'Active', add_time: '2020-01-01 08:00:00' }];
}

const FORCED_CREATE = { errcode: 'FailedOperation.CreateFunction', errmsg: '创建函数失败,请稍后重试。(forced)' };
const FORCED_UPDATE = {
  errcode: 'FailedOperation.UpdateFunctionCode',
  errmsg: '更新函数代码失败,请稍后重试。(forced)',
};
const DELETE_REASON = { errcode: 'FailedOperation.DeleteFunction', errmsg: '删除函数失败,请稍后重试。' };

const create = (envs: string[], zipfile = GOOD_ZIP): DeployParams => ({
  action: 'create',
  name: 'fn-new',
  envs,
  zipfile,
});
const update = (envs: string[], name = FUNCTION): DeployParams => ({
  action: 'update_code',
  name,
  envs,
  zipfile: GOOD_ZIP,
});
const remove = (env: string, name = FUNCTION): DeployParams => ({ action: 'delete', name, env });

/**
 * The deploy cases (opt-in: `verify-client --deploy`, or `deployFunctions` in describeClientContract).
 * Each runs on a mock of its own with transitions of a second or two: the client makes the call,
 * reports per-env failures from the call's list, polls getscflist (spaced by the interval, past the
 * first page, by exact name) until the function leaves Creating/Updating/Deleting, and reports
 * what getscflist showed last.
 * @example DEPLOY_CASES.map((c) => c.id) // ['GSL-DEPLOY-001', …]
 */
export const DEPLOY_CASES: readonly DeployCase[] = [
  {
    id: 'GSL-DEPLOY-001',
    title:
      'a create in one env sends exactly {functionname, envs, zipfile} with the token in the query, and ends Active',
    envs: { [ENV_A]: [active('other')] },
    transitionS: 0,
    params: create([ENV_A]),
    expect: { result: { [ENV_A]: { status: 'Active' } } },
  },
  {
    id: 'GSL-DEPLOY-002',
    title: 'a create that takes 2 s is polled, the interval apart, until Active, and not after',
    envs: { [ENV_A]: [] },
    transitionS: 2,
    params: create([ENV_A]),
    expect: { result: { [ENV_A]: { status: 'Active' } } },
  },
  {
    id: 'GSL-DEPLOY-003',
    title:
      'a create in two envs, one unknown: that env is failed with its errmsg unchanged and never polled, the other is polled to Active',
    envs: { [ENV_A]: [] },
    transitionS: 1,
    params: create([MISSING, ENV_A]),
    expect: { result: { [MISSING]: { failed: LIFECYCLE_MESSAGES.unknownEnv }, [ENV_A]: { status: 'Active' } } },
  },
  {
    id: 'GSL-DEPLOY-004',
    title: 'a zip without index.js at its root ends CreateFailed with its status_reason exactly as listed',
    envs: { [ENV_A]: [] },
    transitionS: 1,
    params: create([ENV_A], FOLDER_ZIP),
    expect: { result: { [ENV_A]: { status: 'CreateFailed', status_reason: [ENTRY_FILE_REASON] } } },
  },
  {
    id: 'GSL-DEPLOY-005',
    title: 'a create that fails on the server ends CreateFailed with the reason getscflist lists',
    envs: { [ENV_A]: [] },
    transitionS: 1,
    forced: [{ op: 'create', ...FORCED_CREATE }],
    params: create([ENV_A]),
    expect: { result: { [ENV_A]: { status: 'CreateFailed', status_reason: [FORCED_CREATE] } } },
  },
  {
    id: 'GSL-DEPLOY-006',
    title: 'an update of the code is polled from Updating until Active, and not after',
    envs: { [ENV_A]: [active()] },
    transitionS: 1,
    params: update([ENV_A]),
    expect: { result: { [ENV_A]: { status: 'Active' } } },
  },
  {
    id: 'GSL-DEPLOY-007',
    title:
      "an update of a function still Updating in one env: that env is failed with fail_list's errormsg unchanged and never polled, the other is polled to Active",
    envs: { [ENV_A]: [active()], [ENV_B]: [{ ...active(), status: 'Updating' }] },
    transitionS: 1,
    params: update([ENV_A, ENV_B]),
    expect: { result: { [ENV_A]: { status: 'Active' }, [ENV_B]: { failed: busyMessage('Updating') } } },
  },
  {
    id: 'GSL-DEPLOY-008',
    title: 'an update that fails on the server ends UpdateFailed with the reason getscflist lists',
    envs: { [ENV_A]: [active()] },
    transitionS: 1,
    forced: [{ op: 'update', ...FORCED_UPDATE }],
    params: update([ENV_A]),
    expect: { result: { [ENV_A]: { status: 'UpdateFailed', status_reason: [FORCED_UPDATE] } } },
  },
  {
    id: 'GSL-DEPLOY-009',
    title: 'a delete is polled through Deleting and reported Deleted only once the function is no longer listed',
    envs: { [ENV_A]: [active(), active('fn-keep')] },
    transitionS: 1,
    params: remove(ENV_A),
    expect: { result: { [ENV_A]: { status: 'Deleted' } } },
  },
  {
    id: 'GSL-DEPLOY-010',
    title: 'a delete that fails on the server ends DeleteFailed with the reason getscflist lists',
    envs: { [ENV_A]: [active()] },
    transitionS: 1,
    forced: [{ op: 'delete', ...DELETE_REASON }],
    params: remove(ENV_A),
    expect: { result: { [ENV_A]: { status: 'DeleteFailed', status_reason: [DELETE_REASON] } } },
  },
  {
    id: 'GSL-DEPLOY-011',
    title:
      'an update of a function past the first page, among 120 others whose names contain its name, is followed by its exact name',
    envs: { [BIG]: crowdedEnv() },
    transitionS: 1,
    params: update([BIG]),
    expect: { result: { [BIG]: { status: 'Active' } } },
  },
  {
    id: 'GSL-DEPLOY-012',
    title:
      'a delete of a function past the first page is reported Deleted only once its exact name is gone from every page',
    envs: { [BIG]: crowdedEnv() },
    transitionS: 1,
    params: remove(BIG),
    expect: { result: { [BIG]: { status: 'Deleted' } } },
  },
  {
    id: 'GSL-DEPLOY-013',
    title:
      'a WeChat error of the call (40001) is surfaced with its errmsg unchanged, not retried, and nothing is polled',
    envs: { [ENV_A]: [] },
    transitionS: 0,
    faultErrcode: 40001,
    params: create([ENV_A]),
    expect: { errcode: 40001 },
  },
  {
    id: 'GSL-DEPLOY-014',
    title:
      'a delete in an env that does not exist (40097) is surfaced with its errmsg unchanged, not retried, and nothing is polled',
    envs: { [ENV_A]: [active()] },
    transitionS: 0,
    params: remove(MISSING),
    expect: { errcode: 40097 },
  },
  {
    id: 'GSL-DEPLOY-015',
    title: 'a change that outlasts WECHAT_DEPLOY_TIMEOUT_MS is given up on as an error, with no poll past the deadline',
    envs: { [ENV_A]: [] },
    transitionS: 30,
    deployTimeoutMs: 1000,
    params: create([ENV_A]),
    expect: { error: true },
  },
];

/**
 * The token of a case: another one per case, so nothing a client keeps from an earlier case is valid.
 * @example deployTokenFor(DEPLOY_CASES[0]) // 'deploy-component-token-001'
 */
export function deployTokenFor(c: DeployCase): string {
  return `deploy-component-token-${c.id.slice(-3)}`;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** JSON with keys sorted: two values are equal when these are. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

function parseBody(entry: JournalEntry): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(entry.body ?? '');
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const CALL_PATHS = {
  create: API_PATHS.batchuploadscf,
  update_code: API_PATHS.batchuploadscfcode,
  delete: API_PATHS.deletescf,
};

/** The envs a deployment names, each once, in the order given. */
function envsOf(params: DeployParams): string[] {
  return params.action === 'delete' ? [params.env] : [...new Set(params.envs)];
}

/** The body the call must carry: the deployment's fields under the API's names, nothing else. */
function expectedBody(params: DeployParams): Record<string, unknown> {
  return params.action === 'delete'
    ? { functionname: params.name, env: params.env }
    : { functionname: params.name, envs: params.envs, zipfile: params.zipfile };
}

/** Polls of one env past which a client is in a tight loop: twice what a client waiting the interval can make, plus room. */
function maxPolls(windowMs: number, intervalMs: number): number {
  return 2 * (Math.floor(windowMs / intervalMs) + 2);
}

/** The slack a poll may come after the deadline: a program's start-up on a loaded machine. */
const DEADLINE_SLACK_MS = 2000;

/** Requests in one case past which the client is stopped (a poll loop without a wait). */
const RUNAWAY_REQUESTS = 400;

const ms = (entry: JournalEntry) => Date.parse(entry.time);
const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

/**
 * True when a poll's answer lists the function in a status other than the transitional one (a created or
 * updated function's final status). A delete's end is a function no longer listed, which one page cannot
 * show: false for it, as for an answer the journal cut short.
 */
function showsLeft(poll: readonly JournalEntry[], name: string, transitional: string): boolean {
  if (transitional === 'Deleting') return false;
  return poll.some((entry) => {
    try {
      const functions = (JSON.parse(entry.answer ?? '') as { functions?: { name?: unknown; status?: unknown }[] })
        .functions;
      return (functions ?? []).some((fn) => fn.name === name && fn.status !== transitional);
    } catch {
      return false;
    }
  });
}

/** getscflist requests of one env grouped into polls: a request at offset 0 (or none) starts one, later pages belong to it. */
function pollsOf(requests: readonly JournalEntry[]): JournalEntry[][] {
  const polls: JournalEntry[][] = [];
  for (const entry of requests) {
    const offset = parseBody(entry)?.offset;
    if (polls.length === 0 || offset === undefined || offset === null || offset === 0) polls.push([entry]);
    else polls[polls.length - 1].push(entry);
  }
  return polls;
}

export interface Judged {
  problems: string[];
}

/** What the client sent, read from the mock's journal once the case is over (exported for its tests). */
export function checkRequests(
  c: DeployCase,
  entries: readonly JournalEntry[],
  settings: DeploySettings,
  startedAt: number,
  outcome: ClientOutcome,
): Judged {
  const problems: string[] = [];
  const token = sha256(deployTokenFor(c));
  const path = CALL_PATHS[c.params.action];
  const calls = entries.filter((e) => e.path === path);
  const scflist = entries.filter((e) => e.path === API_PATHS.getscflist);
  for (const other of entries.filter((e) => e.path !== path && e.path !== API_PATHS.getscflist)) {
    problems.push(
      `request ${other.seq} went to ${other.path}: a ${c.params.action} makes one ${path} call and polls ${API_PATHS.getscflist}`,
    );
  }
  for (const entry of [...calls, ...scflist]) {
    const at = `${entry.path.split('/').pop()} request ${entry.seq}`;
    if (entry.method !== 'POST') problems.push(`${at} was ${entry.method}, not POST`);
    if (!entry.access_token_sha256) problems.push(`${at} carried no access_token in the query string`);
    else if (entry.access_token_sha256 !== token) problems.push(`${at} carried another token than WECHAT_ACCESS_TOKEN`);
  }
  if (calls.length === 0) {
    problems.push(`the client sent no ${path} request`);
    return { problems };
  }
  if (calls.length > 1) {
    problems.push(
      `the client sent ${calls.length} ${path} requests, expected 1 (a WeChat error is surfaced, not retried; a deployment is made once)`,
    );
  }
  const call = calls[0];
  const body = parseBody(call);
  const wanted = expectedBody(c.params);
  if (!body) problems.push(`${path} request ${call.seq} has no JSON object as its body`);
  else if (canonical(body) !== canonical(wanted)) {
    const extra = Object.keys(body).filter((key) => !(key in wanted));
    const wrong = Object.keys(wanted).filter((key) => canonical(body[key]) !== canonical(wanted[key]));
    problems.push(
      `${path} request ${call.seq} sent ${[...wrong.map((key) => `${key} ${shorten(JSON.stringify(body[key]) ?? 'absent', 80)}`), ...extra.map((key) => `${key}, a field not given`)].join(', ')}; expected exactly {${Object.keys(wanted).join(', ')}} as given`,
    );
  }
  const callOk = call.errcode === 0;
  const failedInList = 'result' in c.expect ? Object.entries(c.expect.result).filter(([, o]) => 'failed' in o) : [];
  const deploying = new Set(
    callOk ? envsOf(c.params).filter((env) => !failedInList.some(([failed]) => failed === env)) : [],
  );
  const byEnv = new Map<string, JournalEntry[]>();
  for (const entry of scflist) {
    if (entry.seq < call.seq) {
      problems.push(`getscflist request ${entry.seq} came before the ${path} call: poll after making it`);
      continue;
    }
    const env = parseBody(entry)?.env;
    const key = typeof env === 'string' ? env : '(no env)';
    byEnv.set(key, [...(byEnv.get(key) ?? []), entry]);
  }
  for (const [env, requests] of byEnv) {
    if (deploying.has(env)) continue;
    const why = !callOk
      ? `the ${path} call failed (errcode ${call.errcode})`
      : envsOf(c.params).includes(env)
        ? `${env} failed in the call's list`
        : `${env} is not one the deployment names`;
    problems.push(`the client polled env ${env} ${times(requests.length)}, but ${why}: nothing there is deploying`);
  }
  // The change ends transitionS after the call was handled, somewhere between its arrival and its answer.
  const endFrom = ms(call) + c.transitionS * 1000;
  const endBy = endFrom + call.duration_ms + 2;
  const deadline = startedAt + settings.deployTimeoutMs + settings.pollIntervalMs + DEADLINE_SLACK_MS;
  const window = Math.min(c.transitionS * 1000, settings.deployTimeoutMs);
  const { pollIntervalMs: interval } = settings;
  const transitional =
    c.params.action === 'create' ? 'Creating' : c.params.action === 'update_code' ? 'Updating' : 'Deleting';
  for (const env of deploying) {
    const polls = pollsOf(byEnv.get(env) ?? []);
    if (polls.length === 0) {
      problems.push(
        `the client never polled env ${env}: an env's outcome is what getscflist shows once the change is done, not the call's errcode 0`,
      );
      continue;
    }
    const limit = maxPolls(window, interval);
    if (polls.length > limit) {
      problems.push(
        `the client polled env ${env} ${times(polls.length)} in a change of ${c.transitionS} s, at most ${limit} expected: wait WECHAT_POLL_INTERVAL_MS (${interval} ms) between two polls`,
      );
    }
    for (let i = 1; i < polls.length; i++) {
      const gap = ms(polls[i][0]) - ms(polls[i - 1][0]);
      if (gap < interval * 0.75) {
        problems.push(
          `the client polled env ${env} twice ${gap} ms apart (polls ${i} and ${i + 1}): wait WECHAT_POLL_INTERVAL_MS (${interval} ms) between two polls`,
        );
        break;
      }
    }
    const late = polls.filter((poll) => ms(poll[0]) > deadline);
    if (late.length > 0) {
      problems.push(
        `the client polled env ${env} ${times(late.length)} past WECHAT_DEPLOY_TIMEOUT_MS (${settings.deployTimeoutMs} ms): give up then`,
      );
    }
    if ('error' in c.expect) continue;
    const last = polls[polls.length - 1];
    const lastEnd = Math.max(...last.map((entry) => ms(entry) + entry.duration_ms));
    if (lastEnd < endFrom && outcome.kind === 'result') {
      problems.push(
        `the client reported env ${env} after its last poll (+${lastEnd - ms(call)} ms after the call), while the function was still ${transitional} (until +${c.transitionS * 1000} ms): poll until it leaves ${transitional}`,
      );
    }
    // A poll saw the change ended when it started after the change's latest end, or when its answer showed
    // the function out of the transitional status: a poll sent just before endBy may be handled after the
    // change (on a loaded machine it was, and a client polling once more past the end passed).
    const after = polls.filter((poll) => ms(poll[0]) >= endBy || showsLeft(poll, c.params.name, transitional)).length;
    if (after > 1) {
      problems.push(
        `the client kept polling env ${env} after the function left ${transitional}: ${after} polls after the change ended, expected 1 (stop at the final status)`,
      );
    }
  }
  return { problems };
}

function describeOutcome(outcome: ClientOutcome): string {
  if (outcome.kind === 'result') return `the result ${shorten(canonical(outcome.value) ?? 'undefined', 300)}`;
  if (outcome.kind === 'wechat-failure')
    return `the WeChat failure errcode ${String(outcome.errcode)}, errmsg ${shorten(JSON.stringify(outcome.errmsg) ?? 'absent', 160)}`;
  if (outcome.kind === 'transport-failure') return `the error ${JSON.stringify(shorten(outcome.message, 160))}`;
  return `no usable answer (${outcome.message})`;
}

/** The outcome against what the case expects; a WeChat failure's errmsg against what the server answered. */
function checkOutcome(c: DeployCase, outcome: ClientOutcome, entries: readonly JournalEntry[]): string[] {
  const expected = c.expect;
  if (outcome.kind === 'broken') {
    const [first] = outcome.message.split('\n');
    return [first.startsWith('protocol error') ? first : `the client ${first}`];
  }
  if ('result' in expected) {
    if (outcome.kind !== 'result')
      return [
        `the client gave ${describeOutcome(outcome)}, expected {"result": ${shorten(canonical(expected.result), 300)}}`,
      ];
    const got = outcome.value;
    if (got === null || typeof got !== 'object' || Array.isArray(got))
      return [`the client gave ${describeOutcome(outcome)}, expected an object with one key per env`];
    const problems: string[] = [];
    const gotEnvs = got as Record<string, unknown>;
    for (const [env, want] of Object.entries(expected.result)) {
      if (!(env in gotEnvs)) problems.push(`the result has no key ${env}; expected ${canonical(want)}`);
      else if (canonical(gotEnvs[env]) !== canonical(want))
        problems.push(
          `env ${env} is ${shorten(canonical(gotEnvs[env]) ?? 'undefined', 300)}; expected ${canonical(want)}`,
        );
    }
    for (const env of Object.keys(gotEnvs).filter((key) => !(key in expected.result)))
      problems.push(`the result has a key ${env}, an env the deployment does not name`);
    return problems;
  }
  if ('errcode' in expected) {
    if (outcome.kind !== 'wechat-failure' || outcome.errcode !== expected.errcode)
      return [`the client gave ${describeOutcome(outcome)}, expected the WeChat failure errcode ${expected.errcode}`];
    const call = entries.find((e) => e.path === CALL_PATHS[c.params.action]);
    let sent: unknown;
    try {
      sent = (JSON.parse(call?.answer ?? '') as { errmsg?: unknown }).errmsg;
    } catch {
      sent = undefined;
    }
    return sent !== undefined && outcome.errmsg !== sent
      ? [
          `the client gave errmsg ${JSON.stringify(outcome.errmsg)}; the server answered ${JSON.stringify(sent)} (print it unchanged)`,
        ]
      : [];
  }
  return outcome.kind === 'transport-failure'
    ? []
    : [
        `the client gave ${describeOutcome(outcome)}, expected {"error": …}: the change did not end within WECHAT_DEPLOY_TIMEOUT_MS`,
      ];
}

/** Options of runDeployCase and runDeployContract. */
export interface DeployOptions {
  /** The timeout the client is given for one request (default 5000 ms: no deploy case answers slowly, so a longer one only spares a loaded machine a false failure). */
  timeoutMs?: number;
  /** WECHAT_POLL_INTERVAL_MS (default 200). */
  pollIntervalMs?: number;
  /** WECHAT_DEPLOY_TIMEOUT_MS (default 10000); a case about the deadline gives its own. */
  deployTimeoutMs?: number;
}

/** The defaults of DeployOptions. */
export const DEPLOY_DEFAULTS = { timeoutMs: 5000, pollIntervalMs: 200, deployTimeoutMs: 10_000 } as const;

/**
 * How long the kit lets one deployment run before it stops the client: the deploy timeout, a few
 * request timeouts, and room for a slow start.
 * @example deployLimitMs(10_000, 5000) // 30000
 */
export function deployLimitMs(deployTimeoutMs: number, timeoutMs: number): number {
  return deployTimeoutMs + 3 * timeoutMs + 5000;
}

async function forceFailures(mock: RunningMock, failures: readonly MockForcedFailure[]): Promise<void> {
  for (const failure of failures) {
    const res = await fetch(`${mock.url}${CONTROL_PREFIX}/lifecycle/failures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(failure),
    });
    if (res.status !== 201)
      throw new Error(`the kit could not force a failure: HTTP ${res.status} ${await res.text()}`);
  }
}

/**
 * Runs one deploy case on a mock of its own (port 0): arranges the envs, the transition time and
 * any forced failure or fault, runs the client once, and judges what it printed and every request
 * it sent (the call's body and token, polls per env, their spacing, when they stopped).
 * @example await runDeployCase(DEPLOY_CASES[0], deployCall(invoker))
 */
export async function runDeployCase(c: DeployCase, call: DeployCall, options: DeployOptions = {}): Promise<CaseResult> {
  const started = performance.now();
  const settings = {
    ...DEPLOY_DEFAULTS,
    ...options,
    ...(c.deployTimeoutMs ? { deployTimeoutMs: c.deployTimeoutMs } : {}),
  };
  const token = deployTokenFor(c);
  const mock = await startMockServer({
    data: {
      tokens: { [token]: 'valid' },
      envs: Object.fromEntries(Object.entries(c.envs).map(([env, functions]) => [env, { functions }])),
      lifecycle: { transition_s: c.transitionS },
    },
  });
  const problems: string[] = [];
  let stderr: string | undefined;
  try {
    await forceFailures(mock, c.forced ?? []);
    if (c.faultErrcode !== undefined) mock.faults.add({ errcode: c.faultErrcode, times: 3 });
    mock.journal.clear();
    const fromSeq = mock.journal.lastSeq;
    const startedAt = Date.now();
    const limitMs = deployLimitMs(settings.deployTimeoutMs, settings.timeoutMs);
    const stop = new AbortController();
    const lateBy = startedAt + settings.deployTimeoutMs + settings.pollIntervalMs + DEADLINE_SLACK_MS;
    const watch = setInterval(() => {
      if (mock.journal.lastSeq - fromSeq > RUNAWAY_REQUESTS)
        stop.abort(`kept sending: over ${RUNAWAY_REQUESTS} requests for one deployment (a poll loop without a wait?)`);
      else if (Date.now() > lateBy && mock.journal.snapshot(0, 1).requests.some((e) => ms(e) > lateBy))
        stop.abort(`kept polling past WECHAT_DEPLOY_TIMEOUT_MS (${settings.deployTimeoutMs} ms) and was stopped`);
    }, 25);
    const timer = setTimeout(() => stop.abort(`did not end within ${limitMs} ms`), limitMs);
    const context = { baseUrl: mock.url, accessToken: token, ...settings };
    const outcome = await Promise.race([
      call(context, c.params, stop.signal).catch(
        (error: unknown): ClientOutcome => ({
          kind: 'broken',
          message: `the invoker failed: ${(error as Error).message}`,
        }),
      ),
      new Promise<ClientOutcome>((resolve) =>
        stop.signal.addEventListener('abort', () => resolve({ kind: 'broken', message: String(stop.signal.reason) })),
      ),
    ]).finally(() => {
      clearInterval(watch);
      clearTimeout(timer);
    });
    if (outcome.stderr) stderr = outcome.stderr;
    // A request the client gave up on is recorded once the mock notices: wait for it (briefly).
    for (let waited = 0; mock.journal.snapshot().next < mock.journal.lastSeq && waited < 2000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const entries = mock.journal.snapshot().requests;
    problems.push(...checkOutcome(c, outcome, entries));
    if (outcome.kind !== 'broken' || !problems[0]?.startsWith('protocol error')) {
      problems.push(...checkRequests(c, entries, settings, startedAt, outcome).problems);
    }
  } finally {
    await mock.close();
  }
  const durationMs = Math.round(performance.now() - started);
  const base = { id: c.id, title: c.title, durationMs };
  return problems.length === 0
    ? { ...base, status: 'pass' }
    : { ...base, status: 'fail', problems, ...(stderr ? { stderr } : {}) };
}

/**
 * Runs every deploy case (or those named) against a client, one after another.
 * @example const results = await runDeployContract(deployCall(invoker), { pollIntervalMs: 200 });
 */
export async function runDeployContract(
  call: DeployCall,
  options: DeployOptions & { cases?: readonly string[]; onResult?: (result: CaseResult) => void } = {},
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of DEPLOY_CASES) {
    if (options.cases && !options.cases.includes(c.id)) continue;
    const result = await runDeployCase(c, call, options);
    options.onResult?.(result);
    results.push(result);
  }
  return results;
}
