// The server kit's flows stage: runs each flow's steps against the server and judges them.
import type { ContractFlowCall, ContractFlowStep, MockDataFile } from '../../generated/schemas.js';
import { API_PATH_LIST, API_PATHS, MAX_APPID_CHARS } from '../../mock-server/api-facts.js';
import {
  checkFlowBody,
  checkTimesNearClock,
  fill,
  flowState,
  type LoadedFlow,
  loadFlows,
  needsControl,
  ridOf,
} from '../flows.js';
import { type RawRequest, type RawResponse, toCurl } from '../http.js';
import { redactResult } from '../redaction.js';
import { type CaseResult, shorten } from '../results.js';
import {
  askedAppids,
  faultMatchFor,
  ownName,
  ownNames,
  politeSkip,
  type SharedRun,
  type SharedStep,
  sharedNeed,
} from './shared-mock.js';

/** What verifyFlows needs from the run it is part of. */
export interface FlowRunOptions {
  baseUrl: string;
  /** The token and env in use ($TOKEN, $ENV). */
  vars: { TOKEN: string; ENV: string };
  /** Whether the server has the mock's control API. */
  controlApi: boolean;
  /** Whether --access-token and --env were given (needed for portable flows without a control API). */
  given: { accessToken: boolean; env: boolean };
  /** Sends one API request (within the run's request budget). */
  send(request: RawRequest): Promise<RawResponse>;
  /** One control API request; throws when it is refused. */
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  /** Whether a flow id was asked for (--case). */
  selected(id: string): boolean;
  /** Requests left in the run's budget. */
  budgetLeft(): number;
  /** Set when the run shares the mock: flows arrange only their own names, one item at a time. */
  shared?: SharedRun;
}

function buildRequest(baseUrl: string, call: ContractFlowCall): RawRequest {
  const url = new URL(call.path, baseUrl);
  for (const [key, value] of Object.entries(call.query ?? {})) url.searchParams.set(key, value);
  const body = call.raw_body ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
  return {
    method: call.method ?? 'POST',
    url: url.toString(),
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body,
  };
}

function describe(res: RawResponse): string {
  return res.kind === 'error' ? `no answer (${res.message})` : `HTTP ${res.status} ${shorten(res.text, 300)}`;
}

function skipReason(flow: LoadedFlow, options: FlowRunOptions): string | undefined {
  if (!options.controlApi && needsControl(flow))
    return 'needs the control API (its data, the clock, a ticket push or a fault)';
  const calls = flow.steps.filter((step) => step.call).length;
  if (options.budgetLeft() < calls) return `needs ${calls} requests; the request budget is spent`;
  if (options.controlApi) return undefined;
  const text = JSON.stringify(flow.steps);
  if (text.includes('$ENV') && !options.given.env) return 'needs --env naming an env on the server';
  if (text.includes('$TOKEN') && !options.given.accessToken) return 'needs --access-token';
  return undefined;
}

/** The most envs a step with each_listed_env calls with: the real API counts a daily quota. */
const MOST_LISTED_ENVS = 10;

/** The envs a describeenvs success lists, or undefined when the body lists none in that shape. */
function envsListed(body: unknown): string[] | undefined {
  const list = (body as { info_list?: unknown } | null)?.info_list;
  if (!Array.isArray(list)) return undefined;
  return list.flatMap((item) => {
    const env = (item as { env?: unknown } | null)?.env;
    return typeof env === 'string' ? [env] : [];
  });
}

/** A flow's state and steps for this run: on a shared mock under the run's own names. */
function ownFlow(flow: LoadedFlow, options: FlowRunOptions): { state: MockDataFile; steps: ContractFlowStep[] } {
  const state = flowState(flow, options.vars);
  if (!options.shared) return { state, steps: flow.steps };
  const steps = fill(flow.steps, options.vars);
  const own = ownNames(state, steps, options.shared.suffix, askedAppids(state, steps as SharedStep[]));
  return { state: own.state as MockDataFile, steps: own.value };
}

/** Why a flow cannot run on a shared mock (it needs what every user shares), or undefined. */
function sharedReason(flow: LoadedFlow, options: FlowRunOptions): string | undefined {
  if (!options.shared) return undefined;
  const { state, steps } = ownFlow(flow, options);
  const need = sharedNeed(state, steps as SharedStep[], options.shared.modes);
  return need ? politeSkip(need) : undefined;
}

/**
 * The components whose clocks a flow's clock step moves on a shared mock: every one it lists or asks a
 * token for, so a flow of two components ages both, as the mock-wide clock would.
 */
function flowComponents(state: MockDataFile, steps: readonly ContractFlowStep[]): string[] {
  const asked = steps
    .filter((step) => step.call?.path === API_PATHS.componentToken || step.call?.path === API_PATHS.authorizerToken)
    .map((step) => step.call?.body?.component_appid)
    .filter((appid): appid is string => typeof appid === 'string');
  return [...new Set([...Object.keys(state.components ?? {}), ...asked])];
}

/** Runs one flow's steps in order; the first step that does not hold fails the flow. */
async function runFlow(flow: LoadedFlow, options: FlowRunOptions): Promise<CaseResult> {
  const started = performance.now();
  const base = { id: flow.id, title: flow.title };
  const vars: Record<string, string> = { ...options.vars };
  const issued: string[] = [];
  const authorized: string[] = [];
  const rids: string[] = [];
  const notes: string[] = [];
  const done = (result: Omit<CaseResult, 'durationMs'>): CaseResult =>
    redactResult(
      { ...result, ...(notes.length > 0 ? { notes } : {}), durationMs: Math.round(performance.now() - started) },
      [options.vars.TOKEN, ...issued, ...authorized],
    );
  const { state, steps } = ownFlow(flow, options);
  const shared = options.shared;
  try {
    if (shared) {
      // A fresh start for every flow, its own only: the previous flow's items removed, its own
      // components with no clock, issued tokens or pushed ticket.
      await shared.own.clear();
      await shared.own.arrange(state);
      for (const appid of askedAppids(flowState(flow, vars), flow.steps as SharedStep[])) {
        const own = ownName(appid, shared.suffix, MAX_APPID_CHARS);
        shared.own.trackComponent(own);
        await options.control('DELETE', `/components/${encodeURIComponent(own)}`);
      }
    } else if (options.controlApi) {
      // A fresh start for every flow: real time, no issued tokens or pushed tickets, no faults.
      await options.control('POST', '/reset');
      await options.control('PUT', '/data', state);
    }
  } catch (error) {
    return done({ ...base, status: 'fail', problems: [`could not arrange the state: ${(error as Error).message}`] });
  }
  let listedEnvs: string[] | undefined;
  for (const [index, step] of steps.entries()) {
    const where = `step ${index + 1}`;
    try {
      if (step.advance_s !== undefined) {
        const appids = shared ? flowComponents(state, steps) : [];
        if (appids.length > 0) for (const appid of appids) await shared?.own.advanceClock(step.advance_s, appid);
        else await options.control('POST', '/clock', { advance_s: step.advance_s });
      }
      if (step.push_ticket) {
        const { component_appid: appid, component_verify_ticket } = fill(step.push_ticket, vars);
        await options.control('POST', `/components/${encodeURIComponent(appid)}/ticket`, { component_verify_ticket });
      }
      if (step.fault && shared) {
        // Matched to the run's own next call to the fault's path, so no one else's request takes it.
        const next = steps
          .slice(index + 1)
          .find((later) => later.call && (step.fault?.path === undefined || later.call.path === step.fault.path));
        const match = faultMatchFor(next?.call && (fill(next.call, vars) as SharedStep['call']));
        if (!match) throw new Error('its fault cannot be matched to a later call of the flow');
        await shared.own.addFault(step.fault, match);
      } else if (step.fault) await options.control('POST', '/faults', step.fault);
    } catch (error) {
      return done({
        ...base,
        status: 'fail',
        problems: [`${where}: the control API refused: ${(error as Error).message}`],
      });
    }
    if (!step.call || !step.expect) continue;
    if (step.each_listed_env && listedEnvs === undefined) {
      return done({
        ...base,
        status: 'fail',
        problems: [`${where}: no describeenvs success before it listed the envs to call with`],
      });
    }
    for (const listed of step.each_listed_env ? (listedEnvs ?? []).slice(0, MOST_LISTED_ENVS) : [undefined]) {
      if (listed !== undefined) vars.LISTED_ENV = listed;
      const at = listed === undefined ? where : `${where}, env ${JSON.stringify(listed)} as describeenvs listed it`;
      const call = fill(step.call, vars);
      const request = buildRequest(options.baseUrl, call);
      const res = await options.send(request);
      const fail = (problems: string[]) =>
        done({
          ...base,
          status: 'fail',
          problems: problems.map((problem) => `${at} (${call.method ?? 'POST'} ${call.path}): ${problem}`),
          actual: describe(res),
          curl: toCurl(request, options.vars.TOKEN),
        });
      if (res.kind === 'error') return fail([`no answer: ${res.message}`]);
      if (res.status !== 200)
        return fail([`HTTP ${res.status}, expected 200: WeChat answers every outcome, errors included, with HTTP 200`]);
      let body: unknown;
      try {
        body = JSON.parse(res.text);
      } catch {
        return fail([`the body is not JSON: ${shorten(res.text, 120)}`]);
      }
      const stepNotes: string[] = [];
      const problems = checkFlowBody(call.path, fill(step.expect, vars), body, stepNotes);
      notes.push(...stepNotes.map((note) => `${at}: ${note}`));
      if (problems.length > 0) return fail(problems);
      if (step.expect.times_near_clock) {
        let clockUnix: number;
        try {
          clockUnix = Number(((await options.control('GET', '/clock')) as { unix?: unknown }).unix);
        } catch (error) {
          return fail([`could not read the server's clock: ${(error as Error).message}`]);
        }
        if (!Number.isFinite(clockUnix)) return fail(["the server's clock (GET /__mock/clock) gave no unix time"]);
        const late = checkTimesNearClock(body, step.expect.times_near_clock, clockUnix);
        if (late.length > 0) return fail(late);
      }
      const token = (body as { component_access_token?: unknown }).component_access_token;
      if (typeof token === 'string') {
        issued.push(token);
        vars.ISSUED_TOKEN = token;
        vars[`ISSUED_TOKEN_${issued.length}`] = token;
      }
      const authorizerToken = (body as { authorizer_access_token?: unknown }).authorizer_access_token;
      if (typeof authorizerToken === 'string') {
        authorized.push(authorizerToken);
        vars.AUTHORIZER_TOKEN = authorizerToken;
        vars[`AUTHORIZER_TOKEN_${authorized.length}`] = authorizerToken;
      }
      const rid = ridOf(body);
      if (rid) {
        rids.push(rid);
        vars.RID = rid;
        vars[`RID_${rids.length}`] = rid;
      }
      if (call.path === API_PATHS.describeenvs) listedEnvs = envsListed(body) ?? listedEnvs;
    }
  }
  return done({ ...base, status: 'pass' });
}

/**
 * Runs the contract flows (contracts/flows/: the component token, describeenvs, rid/get and the
 * token's query key, over several steps) against a server, as part of verifyServer. With the
 * control API every flow runs from a reset and its own data; without it only the portable ones.
 * @example
 * const results = await verifyFlows({ baseUrl, vars, controlApi: true, given, send, control, selected: () => true });
 */
export async function verifyFlows(options: FlowRunOptions): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const wanted: { flow: LoadedFlow; reason?: string }[] = loadFlows()
    .filter((flow) => options.selected(flow.id))
    .map((flow) => ({ flow, reason: skipReason(flow, options) }));
  const missing = await findMissing(
    wanted.filter((entry) => !entry.reason).map((entry) => entry.flow),
    options,
  );
  for (const { flow, reason } of wanted) {
    const because = reason ?? missingFor(flow, missing) ?? sharedReason(flow, options);
    if (because) results.push({ id: flow.id, title: flow.title, status: 'skip', reason: because, durationMs: 0 });
    else results.push(await runFlow(flow, options));
  }
  return results;
}

/**
 * The endpoints a flow calls, other than getscflist (which every server under test serves). A path
 * the API does not serve (a 40066 flow) is not one: a server answering it with a 404 fails that flow.
 */
function endpointsOf(flow: LoadedFlow): string[] {
  const paths = flow.steps.flatMap((step) => (step.call ? [step.call.path] : []));
  return [...new Set(paths)].filter(
    (path) => path !== API_PATHS.getscflist && (API_PATH_LIST as readonly string[]).includes(path),
  );
}

/**
 * What the server lacks, found by asking once for each thing the flows need: an endpoint that
 * answers HTTP 404 (a fake that serves only getscflist), or a control route (the clock) it does
 * not have. Flows that need one are skipped with the reason, not failed: the server is judged on
 * what it serves, and the skip lines say what was not checked.
 */
async function findMissing(flows: readonly LoadedFlow[], options: FlowRunOptions): Promise<Map<string, string>> {
  const missing = new Map<string, string>();
  const unknownPathFlows = flows.some(callsUnknownPath);
  // For the 40066 flows every other endpoint is probed: they are judged only on a server that serves more than getscflist.
  const probed = unknownPathFlows
    ? API_PATH_LIST.filter((path) => path !== API_PATHS.getscflist)
    : [...new Set(flows.flatMap(endpointsOf))];
  for (const path of probed) {
    const res = await options.send({
      method: 'POST',
      url: new URL(path, options.baseUrl).toString(),
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    if (res.kind === 'answer' && res.status === 404)
      missing.set(path, `the server does not serve POST ${path} (HTTP 404 to a probe), so its flows are not checked`);
  }
  if (unknownPathFlows && probed.every((path) => missing.has(path))) {
    missing.set(
      UNKNOWN_PATHS,
      'the server serves getscflist alone (HTTP 404 to a probe of every other endpoint), so its answer for paths WeChat does not serve is not checked',
    );
  }
  if (options.controlApi && flows.some((flow) => flow.steps.some((step) => step.advance_s !== undefined))) {
    try {
      await options.control('GET', '/clock');
    } catch (error) {
      missing.set(
        'clock',
        `needs the control API's mock clock, which the server does not have (${shorten((error as Error).message, 120)})`,
      );
    }
  }
  // Transition times and forced failures are this mock's own settings (the data's lifecycle): a
  // fake without GET /__mock/lifecycle skips the flows that arrange them rather than fail them.
  if (options.controlApi && flows.some((flow) => flow.state?.lifecycle !== undefined)) {
    try {
      await options.control('GET', '/lifecycle');
    } catch (error) {
      missing.set(
        'lifecycle',
        `needs the control API's function lifecycle settings (GET /__mock/lifecycle), which the server does not have (${shorten((error as Error).message, 120)})`,
      );
    }
  }
  return missing;
}

/** The key of `missing` for the flows that call a path the API does not serve. */
const UNKNOWN_PATHS = 'unknown paths';

/** True for a flow that calls a path the API does not serve (a 40066 flow). */
function callsUnknownPath(flow: LoadedFlow): boolean {
  return flow.steps.some((step) => step.call && !(API_PATH_LIST as readonly string[]).includes(step.call.path));
}

function missingFor(flow: LoadedFlow, missing: ReadonlyMap<string, string>): string | undefined {
  for (const path of endpointsOf(flow)) if (missing.has(path)) return missing.get(path);
  if (callsUnknownPath(flow) && missing.has(UNKNOWN_PATHS)) return missing.get(UNKNOWN_PATHS);
  if (flow.steps.some((step) => step.advance_s !== undefined) && missing.has('clock')) return missing.get('clock');
  if (flow.state?.lifecycle !== undefined) return missing.get('lifecycle');
  return undefined;
}
