// The cases stage of verify: each case of contracts/cases/ that can run here, arranged, sent, and its answer checked.
import type { GetScfListRequest } from '../../generated/schemas.js';
import { isGetScfListSuccess } from '../../mock-server/validation.js';
import { isPortable, type LoadedCase } from '../cases.js';
import { checkInvariant, checkWechatBody, readWechatAnswer } from '../expectations.js';
import { type RawRequest, type RawResponse, toCurl } from '../http.js';
import { redactResult } from '../redaction.js';
import { type CaseResult, shorten } from '../results.js';
import { type ArrangedCase, arrangeCase, caseFor } from './arrange.js';
import { compareWithListing, listingQuery, type ObservedListing } from './listing-model.js';
import { buildRequest, describeAnswer, type ServerRun, type VerifyServerOptions } from './server-run.js';

/** Checks the answer to a case's call; may fetch more pages for an invariant, or compare with the listing. */
async function checkAnswer(
  c: LoadedCase,
  res: RawResponse,
  sent: RawRequest,
  fetchRaw: (body: string) => Promise<RawResponse>,
  listing: ObservedListing | undefined,
  notes: string[] = [],
): Promise<string[]> {
  // Without arranged data an observable case's total_count and names come from the listing.
  const expect = listing ? { errcode: 0 } : c.expect;
  if (expect.transport === 'dropped')
    return res.kind === 'error' ? [] : [`expected the connection to drop, got ${describeAnswer(res)}`];
  if (res.kind === 'error') return [`no answer: ${res.message}`];
  if (expect.transport === 'http-error') {
    const wanted = expect.http_status;
    return (wanted ? res.status === wanted : res.status >= 400)
      ? []
      : [`HTTP ${res.status}, expected ${wanted ?? 'an HTTP error'}`];
  }
  if (expect.transport === 'not-json') {
    if (res.status !== 200) return [`HTTP ${res.status}, expected 200 with a broken body`];
    try {
      JSON.parse(res.text);
      return ['the body is valid JSON, expected a broken one'];
    } catch {
      return [];
    }
  }
  if (res.status !== 200) {
    return [
      `HTTP ${res.status}, expected 200: WeChat answers every outcome, errors included, with HTTP 200 and an errcode`,
    ];
  }
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return [`the body is not JSON: ${shorten(res.text, 120)}`];
  }
  const problems = checkWechatBody(expect, body, notes);
  const errcode = (body as { errcode?: unknown }).errcode;
  if (c.expect.errcode === 40001 && errcode === 0) {
    problems.push(
      'the server accepts any token: one it cannot know answered errcode 0 (a faithful server answers 40001)',
    );
  }
  if (problems.length > 0) return problems;
  if (listing && isGetScfListSuccess(body)) {
    const query = listingQuery(JSON.parse(sent.body ?? '{}') as Record<string, unknown>);
    problems.push(...compareWithListing(listing, query, body));
  } else if (expect.invariant) {
    const request = JSON.parse(sent.body ?? '{}') as GetScfListRequest;
    const fetchPage = async (next: GetScfListRequest) => readWechatAnswer(await fetchRaw(JSON.stringify(next)));
    problems.push(...(await checkInvariant(expect.invariant, request, body, fetchPage)));
  }
  return problems;
}

/** What a case needs arranged that only a control API can arrange, in a few words. */
function arrangedNeed(c: LoadedCase): string {
  if (c.state?.fault) return 'needs the control API to inject a fault';
  const tokens = Object.values(c.state?.tokens ?? {});
  const special = tokens.find((t) => t !== 'valid');
  if (special) return `needs the control API to arrange a token that is ${special}`;
  return 'needs the control API to arrange its env';
}

/** Why a case cannot run against this server, or undefined when it can. */
export function skipReason(c: LoadedCase, options: VerifyServerOptions, controlApi: boolean): string | undefined {
  if (!c.call) return 'a client-only case';
  if (controlApi) return undefined;
  if (!isPortable(c) && !c.observable) return arrangedNeed(c);
  const text = JSON.stringify(c.call) + (c.call.query === undefined ? '$TOKEN' : '');
  if ((c.observable || text.includes('$ENV')) && !options.env) return 'needs --env naming an env on the server';
  if (text.includes('$TOKEN') && !options.accessToken) return 'needs --access-token';
  return undefined;
}

/**
 * Runs the cases on the server, each in its own arranged state with the control API; without it,
 * the cases that need none, those about listings judged against the listing read (when there is one).
 */
export async function runCases(
  run: ServerRun,
  cases: readonly LoadedCase[],
  listing: ObservedListing | undefined,
): Promise<CaseResult[]> {
  const { options, controlApi, vars, budget, send, answers } = run;
  const results: CaseResult[] = [];
  for (const c of cases) {
    const started = performance.now();
    const fromListing = !controlApi && c.observable === true;
    // Its title speaks of the arranged env; here the numbers come from the listing read instead.
    const base = { id: c.id, title: fromListing ? `${c.title} (here: as the listing read gives it)` : c.title };
    const arranged: ArrangedCase | undefined = c.call ? caseFor(run, c) : undefined;
    const reason = skipReason(c, options, controlApi) ?? arranged?.needsWholeMock;
    if (reason) {
      if (c.call) results.push({ ...base, status: 'skip', reason, durationMs: 0 });
      continue;
    }
    if (budget.left <= 0) {
      results.push({
        ...base,
        status: 'skip',
        reason: `the request budget of ${budget.limit} is spent`,
        durationMs: 0,
      });
      continue;
    }
    try {
      if (controlApi) await arrangeCase(run, arranged as ArrangedCase);
    } catch (error) {
      results.push({
        ...base,
        status: 'fail',
        problems: [`could not arrange the state: ${(error as Error).message}`],
        durationMs: 0,
      });
      continue;
    }
    const useListing = fromListing;
    if (useListing && !listing) {
      results.push({
        ...base,
        status: 'fail',
        problems: ["its expectation comes from the env's listing, which could not be read (see GSL-OBS-001)"],
        durationMs: 0,
      });
      continue;
    }
    const request = buildRequest(options.baseUrl, (arranged as ArrangedCase).call);
    const curl = toCurl(request, vars.TOKEN);
    const res = await send(request);
    if (c.expect.errcode !== undefined) answers.push({ id: c.id, response: res });
    const notes: string[] = [];
    const problems = await checkAnswer(
      c,
      res,
      request,
      (body) => send({ ...request, body }),
      useListing ? listing : undefined,
      notes,
    );
    if (controlApi && c.state?.fault && (c.state.fault.times ?? 1) === 1 && problems.length === 0) {
      // A fault is for its `times` requests only: the next one is served normally.
      const after = await send(request);
      const read = readWechatAnswer(after);
      if ('failure' in read || !isGetScfListSuccess(read.body)) {
        problems.push(`the fault did not end after its one request: the next answer was ${describeAnswer(after)}`);
      }
    }
    const durationMs = Math.round(performance.now() - started);
    const extras = notes.length > 0 ? { notes } : {};
    const result: CaseResult =
      problems.length === 0
        ? { ...base, status: 'pass', durationMs, ...extras }
        : { ...base, status: 'fail', problems, ...extras, actual: describeAnswer(res), curl, durationMs };
    results.push(redactResult(result, [vars.TOKEN]));
  }
  return results;
}
