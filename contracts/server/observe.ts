// The observation checks: paging, order and search, each judged exactly against the listing read.
import type { CloudFunction, GetScfListSuccess } from '../../generated/schemas.js';
import { DEFAULT_LIMIT, DEFAULT_MAX_LIMIT } from '../../mock-server/api-facts.js';
import { describeErrors, formatIssues, isGetScfListSuccess } from '../../mock-server/validation.js';
import type { RawRequest, RawResponse } from '../http.js';
import type { CaseResult } from '../results.js';
import { shorten } from '../results.js';
import {
  checkOrder,
  compareWithListing,
  describeNames,
  type ListingQuery,
  listingQuery,
  type ObservedListing,
} from './listing-model.js';
import { servedOrder } from './observation-env.js';
import { CONTRACT_READING, MISREADINGS, planSearches } from './search-keys.js';

/** One request the kit sent and what came back. */
export interface Exchange {
  request: RawRequest;
  response: RawResponse;
}

/** What the observation checks need from the runner. */
export interface ObservationContext {
  env: string;
  /** Sends one getscflist body; undefined when the request budget is spent. */
  send(body: Record<string, unknown>): Promise<Exchange | undefined>;
  /** Most pages to read the listing with (the rest of the budget goes to the other checks). */
  maxListingPages: number;
  /** The functions arranged through the control API, when the kit arranged them. */
  arranged?: readonly CloudFunction[];
}

/** What one check found: failures, warnings, and the request to show for them. */
interface Finding {
  problems: string[];
  warnings: string[];
  shown?: Exchange;
}

const show = (value: unknown) => JSON.stringify(value);

/**
 * The titles of the observation checks, by name, in the order they run.
 * @example OBSERVATION_CHECKS.order // 'functions come newest add_time first, then by name'
 */
export const OBSERVATION_CHECKS = {
  listing: `paging with the largest limit honoured (${DEFAULT_MAX_LIMIT}) gives total_count distinct, schema-valid functions, each page min(limit, total_count - offset) long`,
  order: 'functions come newest add_time first, then by name',
  defaultPage: `the default page is exactly the first ${DEFAULT_LIMIT} functions of the listing`,
  windows: 'windows across page boundaries and at the end are exactly the same slice of the listing',
  substring: 'a substring of names in another case matches case-insensitively across the whole env',
  searchWindow: 'a search is paged after filtering: a window of the matches, total_count counting them all',
  special:
    'a key with characters special to patterns (. * ( + _ % ? \\) or white space around it matches literally, untrimmed',
  nonAscii: 'a key beyond ASCII matches literally, its case ignored beyond ASCII too',
} as const;

const IDS: Record<keyof typeof OBSERVATION_CHECKS, string> = {
  listing: 'GSL-OBS-001',
  order: 'GSL-OBS-002',
  defaultPage: 'GSL-OBS-003',
  windows: 'GSL-OBS-004',
  substring: 'GSL-OBS-005',
  searchWindow: 'GSL-OBS-006',
  special: 'GSL-OBS-007',
  nonAscii: 'GSL-OBS-008',
};

/**
 * The id of an observation check.
 * @example observationId('order') // 'GSL-OBS-002'
 */
export function observationId(check: keyof typeof OBSERVATION_CHECKS): string {
  return IDS[check];
}

/** Reads a success out of an exchange, or says why it is not one. */
function success(exchange: Exchange, what: string): { page: GetScfListSuccess } | { problem: string } {
  const res = exchange.response;
  if (res.kind === 'error') return { problem: `${what}: no answer (${res.message})` };
  if (res.status !== 200) return { problem: `${what}: HTTP ${res.status}, expected 200` };
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return { problem: `${what}: the body is not JSON: ${shorten(res.text, 120)}` };
  }
  const errcode = (body as { errcode?: unknown } | null)?.errcode;
  if (errcode !== 0) return { problem: `${what}: errcode ${show(errcode)}, expected 0 (${shorten(body, 160)})` };
  if (!isGetScfListSuccess(body)) {
    return {
      problem: `${what}: the success body breaks the schema: ${formatIssues(describeErrors(isGetScfListSuccess.errors))}`,
    };
  }
  return { page: body };
}

const BUDGET_SPENT = 'the request budget is spent';

/** Reads the env's listing page by page with the largest limit the server honours. */
async function readListing(
  context: ObservationContext,
): Promise<{ listing?: ObservedListing; finding: Finding; pagesRead: number }> {
  const finding: Finding = { problems: [], warnings: [] };
  let pagesRead = 0;
  const fetch = async (offset: number, limit: number) => {
    pagesRead += 1;
    const exchange = await context.send({ env: context.env, offset, limit });
    if (!exchange) return { problem: BUDGET_SPENT } as const;
    const read = success(exchange, `offset ${offset} limit ${limit}`);
    if ('problem' in read) finding.shown ??= exchange;
    return read;
  };
  // DEFAULT_MAX_LIMIT is the contract's largest limit; smaller ones are tried only to go on checking a server
  // that refuses it.
  let limit = 0;
  let first: GetScfListSuccess | undefined;
  for (const tried of [DEFAULT_MAX_LIMIT, 50, DEFAULT_LIMIT, 10, 1]) {
    const read = await fetch(0, tried);
    if ('page' in read) {
      limit = tried;
      first = read.page;
      break;
    }
    finding.problems.push(read.problem);
    if (read.problem === BUDGET_SPENT) return { finding, pagesRead };
  }
  if (!first) return { finding, pagesRead };
  const total = first.total_count;
  if (first.functions.length < Math.min(limit, total) && first.functions.length > 0) {
    finding.problems.push(
      `limit ${limit} gave ${first.functions.length} functions of total_count ${total}, expected ${Math.min(limit, total)}: the page is capped`,
    );
    // Go on with the page size the server keeps to, so the other checks still see the listing.
    limit = first.functions.length;
  }
  const functions: CloudFunction[] = [...first.functions.slice(0, limit)];
  let offset = functions.length;
  let complete = offset >= total;
  while (!complete && pagesRead < context.maxListingPages) {
    const read = await fetch(offset, limit);
    if ('problem' in read) {
      if (read.problem !== BUDGET_SPENT) finding.problems.push(read.problem);
      break;
    }
    const { page } = read;
    if (page.total_count !== total) {
      finding.problems.push(`offset ${offset}: total_count ${page.total_count}, but ${total} on the first page`);
    }
    const expected = Math.min(limit, total - offset);
    if (page.functions.length !== expected) {
      finding.problems.push(
        `offset ${offset} limit ${limit} gave ${page.functions.length} functions, expected ${expected}`,
      );
    }
    if (page.functions.length === 0) break;
    functions.push(...page.functions.slice(0, limit));
    offset += limit;
    complete = offset >= total;
  }
  if (first.functions.length > Math.min(limit, total)) {
    finding.problems.push(`limit ${limit} gave ${first.functions.length} functions`);
  }
  const names = functions.map((f) => f.name);
  const firstAt = new Map<string, number>();
  const repeats: string[] = [];
  names.forEach((name, i) => {
    const before = firstAt.get(name);
    if (before === undefined) firstAt.set(name, i);
    else repeats.push(`${show(name)} at positions ${before} and ${i}`);
  });
  if (repeats.length > 0) {
    finding.problems.push(
      `a function appears twice in the listing: ${repeats.slice(0, 3).join('; ')}${repeats.length > 3 ? ` (and ${repeats.length - 3} more)` : ''}`,
    );
  }
  if (complete && functions.length !== total) {
    finding.problems.push(`the pages hold ${functions.length} functions in all, but total_count is ${total}`);
  }
  if (!complete) {
    finding.warnings.push(
      `only the first ${functions.length} of ${total} functions were read within the request budget; the checks cover that part (raise --max-requests to see more)`,
    );
  }
  const listing: ObservedListing = { env: context.env, functions, total, complete, pageLimit: limit };
  if (context.arranged) finding.problems.push(...compareArranged(listing, context.arranged));
  return { listing, finding, pagesRead };
}

/** With arranged data, the listing must be that data, in served order, field for field. */
function compareArranged(listing: ObservedListing, arranged: readonly CloudFunction[]): string[] {
  const problems: string[] = [];
  const expected = servedOrder(arranged);
  if (listing.total !== expected.length)
    problems.push(`total_count ${listing.total}, but ${expected.length} functions were arranged`);
  const diff = describeNames(
    listing.functions.map((f) => f.name),
    expected.slice(0, listing.functions.length).map((f) => f.name),
  );
  if (diff) problems.push(`the listing is not the arranged functions in served order: ${diff}`);
  const byName = new Map(arranged.map((f) => [f.name, f]));
  const changed = listing.functions.find((fn) => {
    const want = byName.get(fn.name);
    return want !== undefined && show(sortKeys(fn)) !== show(sortKeys(want));
  });
  if (changed) {
    problems.push(
      `${show(changed.name)} is ${shorten(changed, 200)}, arranged as ${shorten(byName.get(changed.name), 200)}`,
    );
  }
  return problems;
}

const sortKeys = (value: object) => Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)));

/** Sends a query and compares the answer with the listing. */
async function query(
  context: ObservationContext,
  listing: ObservedListing,
  body: Record<string, unknown>,
  finding: Finding,
): Promise<boolean> {
  const exchange = await context.send({ env: context.env, ...body });
  if (!exchange) {
    finding.problems.push(BUDGET_SPENT);
    return false;
  }
  const what = shorten(body, 120);
  const read = success(exchange, what);
  const problems =
    'problem' in read
      ? [read.problem]
      : compareWithListing(listing, listingQuery(body), read.page).map((p) => `${what}: ${p}`);
  if (problems.length > 0 && 'page' in read && listing.complete) {
    const like = misreadingOf(listing, listingQuery(body), read.page);
    if (like) problems.push(`that is the answer of a server that reads the request as: ${like}`);
  }
  if (problems.length > 0) {
    finding.problems.push(...problems);
    finding.shown ??= exchange;
  }
  return true;
}

const asBody = (q: ListingQuery) => ({
  searchkey: q.searchkey,
  ...(q.offset === 0 ? {} : { offset: q.offset }),
  ...(q.limit === DEFAULT_LIMIT ? {} : { limit: q.limit }),
});

function toResult(check: keyof typeof OBSERVATION_CHECKS, finding: Finding, started: number): ObservationResult {
  const base = {
    id: IDS[check],
    title: OBSERVATION_CHECKS[check],
    durationMs: Math.round(performance.now() - started),
  };
  const { warnings } = finding;
  if (finding.problems.length === 1 && finding.problems[0] === BUDGET_SPENT) {
    return { ...base, status: 'skip', reason: BUDGET_SPENT, durationMs: 0 };
  }
  if (finding.problems.length > 0) {
    const res = finding.shown?.response;
    return {
      ...base,
      status: 'fail',
      problems: finding.problems,
      ...(warnings.length > 0 ? { warnings } : {}),
      ...(res
        ? {
            actual:
              res.kind === 'error' ? `no answer (${res.message})` : `HTTP ${res.status} ${shorten(res.text, 300)}`,
          }
        : {}),
      ...(finding.shown ? { request: finding.shown.request } : {}),
    };
  }
  return warnings.length > 0 ? { ...base, status: 'warn', warnings } : { ...base, status: 'pass' };
}

/** A result with the request to reproduce it, for the runner to turn into a curl. */
export type ObservationResult = CaseResult & { request?: RawRequest };

/**
 * The observation checks: read the env's whole listing (within the budget), then check paging,
 * order and search exactly against it, with keys and windows picked from the listing so that
 * each common misreading of the rules answers differently. The same checks run on an env the
 * kit arranged (with a control API) or on one it can only observe.
 * @example const { results, listing } = await runObservation({ env: 'prod', send, maxListingPages: 20 });
 */
export async function runObservation(
  context: ObservationContext,
  only?: (id: string) => boolean,
): Promise<{ results: ObservationResult[]; listing?: ObservedListing }> {
  const wanted = (check: keyof typeof OBSERVATION_CHECKS) => !only || only(IDS[check]);
  let started = performance.now();
  const { listing, finding } = await readListing(context);
  const results: ObservationResult[] = [];
  if (wanted('listing')) results.push(toResult('listing', finding, started));
  const rest = (Object.keys(OBSERVATION_CHECKS) as (keyof typeof OBSERVATION_CHECKS)[]).filter(
    (c) => c !== 'listing' && wanted(c),
  );
  if (!listing) {
    for (const check of rest) {
      results.push({
        id: IDS[check],
        title: OBSERVATION_CHECKS[check],
        status: finding.problems.includes(BUDGET_SPENT) ? 'skip' : 'fail',
        ...(finding.problems.includes(BUDGET_SPENT)
          ? { reason: BUDGET_SPENT }
          : { problems: [`the listing could not be read (see ${IDS.listing})`] }),
        durationMs: 0,
      });
    }
    return { results };
  }
  const names = listing.functions.map((f) => f.name);
  const plan = planSearches(names);
  const total = listing.total;
  for (const check of rest) {
    started = performance.now();
    const found: Finding = { problems: [], warnings: [] };
    if (check === 'order') {
      const { problems, warnings } = checkOrder(listing.functions);
      found.problems.push(...problems);
      found.warnings.push(...warnings);
    } else if (check === 'defaultPage') {
      await query(context, listing, {}, found);
    } else if (check === 'windows') {
      const windows = new Map<string, Record<string, number>>();
      const add = (offset: number, limit: number) => {
        if (offset >= 0) windows.set(`${offset}/${limit}`, { offset, limit });
      };
      add(19, 3);
      if (total > DEFAULT_MAX_LIMIT + 1) add(DEFAULT_MAX_LIMIT - 1, 3);
      add(Math.floor(total / 2), 7);
      add(total - 1, DEFAULT_LIMIT);
      add(total, DEFAULT_LIMIT);
      add(total + 7, 1);
      for (const body of windows.values()) if (!(await query(context, listing, body, found))) break;
    } else if (check === 'substring' || check === 'searchWindow') {
      const step = check === 'substring' ? plan.substring : plan.window;
      if (!step) {
        // An env with no name holding a letter: still a search, with the answer known to be empty.
        await query(context, listing, { searchkey: 'zq~x' }, found);
      } else {
        await query(context, listing, asBody(step.query), found);
      }
    } else if (check === 'special') {
      for (const step of plan.special) if (!(await query(context, listing, asBody(step.query), found))) break;
    } else if (check === 'nonAscii') {
      for (const step of plan.nonAscii) if (!(await query(context, listing, asBody(step.query), found))) break;
    }
    results.push(toResult(check, found, started));
  }
  return { results, listing };
}

/** Names the misreadings whose answer is exactly what the server gave, to say what is likely wrong. */
function misreadingOf(listing: ObservedListing, q: ListingQuery, page: GetScfListSuccess): string | undefined {
  const names = listing.functions.map((f) => f.name);
  const got = show({ names: page.functions.map((f) => f.name), total: page.total_count });
  if (show(CONTRACT_READING.answer(names, q)) === got) return undefined;
  const like = MISREADINGS.filter((r) => show(r.answer(names, q)) === got).map((r) => r.name);
  return like.length > 0 ? like.join(' or ') : undefined;
}

/**
 * The observation checks, with their titles.
 * @example observationChecks()[0].id // 'GSL-OBS-001'
 */
export function observationChecks(): { id: string; title: string }[] {
  return (Object.keys(OBSERVATION_CHECKS) as (keyof typeof OBSERVATION_CHECKS)[]).map((check) => ({
    id: observationId(check),
    title: OBSERVATION_CHECKS[check],
  }));
}
