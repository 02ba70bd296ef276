// The observation stage of verify: reads an env's listing and checks paging, order and search against it.
import type { CloudFunction } from '../../generated/schemas.js';
import type { LoadedCase } from '../cases.js';
import { loadFlows, needsControl } from '../flows.js';
import { sendRaw, toCurl } from '../http.js';
import { redactResult } from '../redaction.js';
import type { CaseResult } from '../results.js';
import { arrangeObservation } from './arrange.js';
import type { ObservedListing } from './listing-model.js';
import { observationChecks, runObservation } from './observe.js';
import { skipReason } from './run-cases.js';
import { buildRequest, type ListingCoverage, type ServerRun } from './server-run.js';
import { ownName } from './shared-mock.js';

/**
 * The env the kit arranges for the observation checks when there is a control API.
 * @example (await verifyServer({ baseUrl: mock.url })).listing?.env === OBSERVATION_ENV
 */
export const OBSERVATION_ENV = 'contract-observe';

/** What the observation stage found: its results, the listing read, and how much of it. */
export interface Observation {
  results: CaseResult[];
  listing?: ObservedListing;
  coverage?: ListingCoverage;
}

/**
 * The observation stage: reads an env's whole listing (one it arranged, with the control API; the
 * given env, without) and checks paging, order and search exactly against it. The listing gets
 * what the cases do not need of the budget.
 */
export async function runObservationStage(run: ServerRun, cases: readonly LoadedCase[]): Promise<Observation> {
  const { options, controlApi, vars, budget, timeoutMs, selected, answers } = run;
  const env = controlApi
    ? run.shared
      ? ownName(OBSERVATION_ENV, run.shared.suffix, 64)
      : OBSERVATION_ENV
    : options.env;
  const skipAll = (reason: string) => ({
    results: observationChecks()
      .filter(({ id }) => selected(id))
      .map(({ id, title }) => ({ id, title, status: 'skip' as const, reason, durationMs: 0 })),
  });
  if (!env) return skipAll('needs --env naming an env on the server');
  if (!controlApi && !options.accessToken) return skipAll('needs --access-token');
  let arranged: CloudFunction[] | undefined;
  if (controlApi) {
    try {
      arranged = await arrangeObservation(run, env);
    } catch (error) {
      return {
        results: observationChecks()
          .filter(({ id }) => selected(id))
          .map(({ id, title }) => ({
            id,
            title,
            status: 'fail' as const,
            problems: [`could not arrange the state: ${(error as Error).message}`],
            durationMs: 0,
          })),
      };
    }
  }
  // The listing gets what the rest of the run does not need (about 20 observation requests, one
  // per case that can run, a few more for invariants, the flows that can run and their endpoint
  // probes), and at least a third of what is left.
  const flowCalls = loadFlows()
    .filter((flow) => selected(flow.id) && (controlApi || !needsControl(flow)))
    .reduce((sum, flow) => sum + flow.steps.filter((step) => step.call).length, 0);
  const planned = 20 + cases.filter((c) => !skipReason(c, options, controlApi)).length + flowCalls + 3;
  const spare = budget.left - planned;
  const observed = await runObservation(
    {
      env,
      maxListingPages: spare >= 2 ? spare : Math.max(2, Math.floor(budget.left / 3)),
      ...(arranged ? { arranged } : {}),
      send: async (body) => {
        const request = buildRequest(options.baseUrl, { query: { access_token: vars.TOKEN }, body });
        if (!budget.take()) return undefined;
        const response = await sendRaw(request, timeoutMs);
        answers.push({ id: 'GSL-OBS', response });
        return { request, response };
      },
    },
    selected,
  );
  let coverage: ListingCoverage | undefined;
  if (observed.listing) {
    const { functions, total, complete, pageLimit } = observed.listing;
    coverage = { env, seen: functions.length, total, complete, pageLimit, arranged: controlApi };
  }
  const shown = observed.results.map(({ request, ...result }) =>
    redactResult(request && result.status === 'fail' ? { ...result, curl: toCurl(request, vars.TOKEN) } : result, [
      vars.TOKEN,
    ]),
  );
  return {
    results: shown,
    ...(observed.listing ? { listing: observed.listing } : {}),
    ...(coverage ? { coverage } : {}),
  };
}
