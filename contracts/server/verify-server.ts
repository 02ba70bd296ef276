// verify's entry: checks a server against the contract in stages (probe, observation, cases, flows, closing checks).
import { CONTRACT_VARIABLES } from '../../mock-server/api-facts.js';
import { type CaseVariables, loadCases } from '../cases.js';
import { type RawRequest, type RawResponse, sendRaw } from '../http.js';
import type { CaseResult } from '../results.js';
import { controlRequest, controlSender } from './arrange.js';
import { HEADER_CHECK, RESET_CHECK, runClosingChecks } from './closing-checks.js';
import { observationChecks } from './observe.js';
import { probe } from './probe.js';
import { runCases } from './run-cases.js';
import { runObservationStage } from './run-observation.js';
import {
  Budget,
  defaultBudget,
  type ServerRun,
  type ServerVerification,
  type VerifyServerOptions,
} from './server-run.js';
import { OwnState, ownName, readModes, runSuffix, type SharedRun } from './shared-mock.js';
import { verifyFlows } from './verify-flows.js';

/**
 * Runs the contract against a server. First the observation checks: the kit reads an env's whole
 * listing (one it arranged, with the control API; the given --env, without) and checks paging,
 * order and search exactly against it. Then the cases: with the control API (this mock) every
 * case runs, each in its own arranged state. A mock others may be using is shared: the kit arranges
 * only its own uniquely named envs, tokens, components and matched faults, removes them after, and
 * skips (saying why) the few checks that need the whole mock; with `exclusive` the mock is the kit's
 * alone, each case gets the whole data and the server is reset afterwards. Without it the
 * cases that need no arranged state run, those about listings with expectations derived from the
 * observed listing. At most `maxRequests` requests are sent.
 * @example
 * const { results } = await verifyServer({ baseUrl: mock.url });
 * results.filter((r) => r.status === 'fail')
 */
export async function verifyServer(options: VerifyServerOptions): Promise<ServerVerification> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const budget = new Budget(options.maxRequests ?? defaultBudget(options.baseUrl));
  budget.take();
  const found = await probe(options.baseUrl, timeoutMs, options.controlToken);
  if (!found.reachable) {
    return {
      reachable: false,
      unreachableBecause: found.error,
      control: false,
      results: [],
      requestsSent: budget.sent,
    };
  }
  if (found.refused) {
    return { reachable: true, control: false, controlRefused: found.refused, results: [], requestsSent: budget.sent };
  }
  const controlApi = found.control;
  const control = controlSender(options.baseUrl, timeoutMs, options.controlToken);
  // Unless the mock is the kit's alone, share it: own names, one item at a time, removed after.
  let shared: SharedRun | undefined;
  let unshareable: string | undefined;
  if (controlApi && !options.exclusive) {
    const modes = await readModes(async (path) => {
      const res = await sendRaw(
        controlRequest(options.baseUrl, 'GET', path, undefined, options.controlToken),
        timeoutMs,
      );
      if (res.kind !== 'answer' || res.status !== 200)
        throw new Error(`GET ${path}: ${res.kind === 'answer' ? res.status : res.message}`);
      return JSON.parse(res.text) as unknown;
    });
    if (modes) shared = { suffix: runSuffix(), modes, own: new OwnState(control) };
    else
      unshareable =
        'its control API has no per-test routes (GET /__mock/token-check), so the kit used the mock whole, as with --exclusive';
  }
  const own = (name: string) => (shared ? ownName(name, shared.suffix, 64) : name);
  const vars: CaseVariables = {
    TOKEN: own(options.accessToken ?? CONTRACT_VARIABLES.TOKEN),
    ENV: own(options.env ?? CONTRACT_VARIABLES.ENV),
  };
  const selected = (id: string) => !options.cases || options.cases.includes(id);
  const run: ServerRun = {
    options,
    timeoutMs,
    controlApi,
    vars,
    budget,
    send: async (req: RawRequest): Promise<RawResponse> =>
      budget.take() ? sendRaw(req, timeoutMs) : { kind: 'error', message: `request budget of ${budget.limit} spent` },
    control,
    selected,
    answers: [],
    ...(shared ? { shared } : {}),
  };
  const cases = loadCases().filter((c) => selected(c.id));
  const results: CaseResult[] = [];

  // The observation checks, on an arranged env or the given one.
  const observationWanted = !options.cases || options.cases.some((id) => id.startsWith('GSL-OBS-'));
  const observation = observationWanted ? await runObservationStage(run, cases) : undefined;
  results.push(...(observation?.results ?? []));
  results.push(...(await runCases(run, cases, observation?.listing)));
  // The flows: the other endpoints (token, describeenvs, rid/get), several steps each.
  results.push(
    ...(await verifyFlows({
      baseUrl: options.baseUrl,
      vars,
      controlApi,
      given: { accessToken: options.accessToken !== undefined, env: options.env !== undefined },
      send: run.send,
      control: run.control,
      selected,
      budgetLeft: () => budget.left,
      ...(shared ? { shared } : {}),
    })),
  );
  // The closing checks come after the observation checks in the report, though they run last.
  const closing = await runClosingChecks(run);
  const at = results.findIndex((r) => !r.id.startsWith('GSL-OBS-'));
  results.splice(at === -1 ? results.length : at, 0, ...closing);
  // Shared: remove what the run arranged, and nothing else. Alone: back to the start-up data.
  if (shared) await shared.own.clear();
  else if (controlApi) await run.control('POST', '/reset').catch(() => undefined);
  return {
    reachable: true,
    control: controlApi,
    results,
    requestsSent: budget.sent,
    ...(shared ? { shared: { suffix: shared.suffix } } : {}),
    ...(unshareable ? { unshareable } : {}),
    ...(observation?.coverage ? { listing: observation.coverage } : {}),
  };
}

/**
 * The checks verify runs besides the cases of contracts/cases/: the observation checks, the
 * Content-Type check (GSL-OBS-001 to GSL-OBS-009) and the reset check of the control API (GSL-CTL-001).
 * @example serverChecks().map((c) => c.id) // ['GSL-OBS-001', …, 'GSL-OBS-009', 'GSL-CTL-001']
 */
export function serverChecks(): { id: string; title: string }[] {
  return [...observationChecks(), HEADER_CHECK, RESET_CHECK];
}
