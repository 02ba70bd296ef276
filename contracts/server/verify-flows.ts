// The server kit's flows stage: runs each flow's steps against the server and judges them.
import type { ContractFlowCall } from '../../generated/schemas.js';
import { API_PATHS } from '../../mock-server/api-facts.js';
import { checkFlowBody, fill, flowState, type LoadedFlow, loadFlows, needsControl, ridOf } from '../flows.js';
import { type RawRequest, type RawResponse, toCurl } from '../http.js';
import { redactResult } from '../redaction.js';
import { type CaseResult, shorten } from '../results.js';

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
  control(method: string, path: string, body?: unknown): Promise<void>;
  /** Whether a flow id was asked for (--case). */
  selected(id: string): boolean;
  /** Requests left in the run's budget. */
  budgetLeft(): number;
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

/** Runs one flow's steps in order; the first step that does not hold fails the flow. */
async function runFlow(flow: LoadedFlow, options: FlowRunOptions): Promise<CaseResult> {
  const started = performance.now();
  const base = { id: flow.id, title: flow.title };
  const vars: Record<string, string> = { ...options.vars };
  const issued: string[] = [];
  const rids: string[] = [];
  const done = (result: Omit<CaseResult, 'durationMs'>): CaseResult =>
    redactResult({ ...result, durationMs: Math.round(performance.now() - started) }, [options.vars.TOKEN, ...issued]);
  try {
    if (options.controlApi) {
      // A fresh start for every flow: real time, no issued tokens or pushed tickets, no faults.
      await options.control('POST', '/reset');
      await options.control('PUT', '/data', flowState(flow, vars));
    }
  } catch (error) {
    return done({ ...base, status: 'fail', problems: [`could not arrange the state: ${(error as Error).message}`] });
  }
  for (const [index, step] of flow.steps.entries()) {
    const where = `step ${index + 1}`;
    try {
      if (step.advance_s !== undefined) await options.control('POST', '/clock', { advance_s: step.advance_s });
      if (step.push_ticket) {
        const { component_appid: appid, component_verify_ticket } = fill(step.push_ticket, vars);
        await options.control('POST', `/components/${encodeURIComponent(appid)}/ticket`, { component_verify_ticket });
      }
      if (step.fault) await options.control('POST', '/faults', step.fault);
    } catch (error) {
      return done({
        ...base,
        status: 'fail',
        problems: [`${where}: the control API refused: ${(error as Error).message}`],
      });
    }
    if (!step.call || !step.expect) continue;
    const call = fill(step.call, vars);
    const request = buildRequest(options.baseUrl, call);
    const res = await options.send(request);
    const fail = (problems: string[]) =>
      done({
        ...base,
        status: 'fail',
        problems: problems.map((problem) => `${where} (${call.method ?? 'POST'} ${call.path}): ${problem}`),
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
    const problems = checkFlowBody(call.path, fill(step.expect, vars), body);
    if (problems.length > 0) return fail(problems);
    const token = (body as { component_access_token?: unknown }).component_access_token;
    if (typeof token === 'string') {
      issued.push(token);
      vars.ISSUED_TOKEN = token;
      vars[`ISSUED_TOKEN_${issued.length}`] = token;
    }
    const rid = ridOf(body);
    if (rid) {
      rids.push(rid);
      vars.RID = rid;
      vars[`RID_${rids.length}`] = rid;
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
    const because = reason ?? missingFor(flow, missing);
    if (because) results.push({ id: flow.id, title: flow.title, status: 'skip', reason: because, durationMs: 0 });
    else results.push(await runFlow(flow, options));
  }
  return results;
}

/** The endpoints a flow calls, other than getscflist (which every server under test serves). */
function endpointsOf(flow: LoadedFlow): string[] {
  const paths = flow.steps.flatMap((step) => (step.call ? [step.call.path] : []));
  return [...new Set(paths)].filter((path) => path !== API_PATHS.getscflist);
}

/**
 * What the server lacks, found by asking once for each thing the flows need: an endpoint that
 * answers HTTP 404 (a fake that serves only getscflist), or a control route (the clock) it does
 * not have. Flows that need one are skipped with the reason, not failed: the server is judged on
 * what it serves, and the skip lines say what was not checked.
 */
async function findMissing(flows: readonly LoadedFlow[], options: FlowRunOptions): Promise<Map<string, string>> {
  const missing = new Map<string, string>();
  for (const path of new Set(flows.flatMap(endpointsOf))) {
    const res = await options.send({
      method: 'POST',
      url: new URL(path, options.baseUrl).toString(),
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    if (res.kind === 'answer' && res.status === 404)
      missing.set(path, `the server does not serve POST ${path} (HTTP 404 to a probe), so its flows are not checked`);
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

function missingFor(flow: LoadedFlow, missing: ReadonlyMap<string, string>): string | undefined {
  for (const path of endpointsOf(flow)) if (missing.has(path)) return missing.get(path);
  if (flow.steps.some((step) => step.advance_s !== undefined) && missing.has('clock')) return missing.get('clock');
  if (flow.state?.lifecycle !== undefined) return missing.get('lifecycle');
  return undefined;
}
