// Checks a WeChat answer against a case's expectation and its paging invariants; shared by the server and client kits.
import type { ContractExpectation, GetScfListRequest } from '../generated/schemas.js';
import { DEFAULT_LIMIT, DEFAULT_MAX_LIMIT } from '../mock-server/api-facts.js';
import { matchErrmsg } from '../mock-server/error-codes.js';
import { describeErrors, formatIssues, isGetScfListSuccess, isWechatError } from '../mock-server/validation.js';
import type { RawResponse } from './http.js';

const RID_SUFFIX = / rid: ([0-9a-f]{8})-[0-9a-f]{8}-[0-9a-f]{8}$/;

const show = (value: unknown) => JSON.stringify(value);

/**
 * Judges an error's errmsg (its rid suffix cut) against what an expectation asks: `true`, any
 * wording the errcode catalogue records for the errcode (WeChat's later ones included); a
 * string, that text or any recorded wording. A note says which wording came back when it is not
 * the documented one, or that the text was not compared because no reference records it.
 * @example checkErrmsg(40001, true, 'invalid credential, access_token is invalid or not latest') // {}
 */
export function checkErrmsg(
  errcode: number,
  wanted: true | string | undefined,
  text: string,
): { problem?: string; note?: string } {
  if (wanted === undefined) return {};
  if (typeof wanted === 'string' && text === wanted) return {};
  const match = matchErrmsg(errcode, text);
  if (match.kind === 'recorded') {
    return match.wording === 'the documented text'
      ? {}
      : { note: `errmsg ${show(text)} is ${match.wording} for ${errcode}: accepted` };
  }
  if (match.kind === 'unrecorded' && typeof wanted !== 'string')
    return { note: `errmsg not compared: no reference records the text of errcode ${errcode}` };
  const expected = match.kind === 'other' ? match.expected : [];
  const texts = [...new Set([...(typeof wanted === 'string' ? [wanted] : []), ...expected])];
  return {
    problem: `errmsg ${show(text)} before the rid, expected ${texts.length > 1 ? `one of ${texts.map(show).join(', ')}` : show(texts[0])}`,
  };
}

/**
 * Checks a parsed WeChat body against an expectation with an errcode: the errcode (a number),
 * the schema of a success or an error, errmsg and rid, total_count and names. Notes (which
 * wording of errmsg came back) go to `notes` when given.
 * @example checkWechatBody({ errcode: 0, total_count: 2 }, body) // [] when it holds
 */
export function checkWechatBody(expect: ContractExpectation, body: unknown, notes?: string[]): string[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return [`the body is ${show(body)}, not a JSON object`];
  const { errcode } = body as { errcode?: unknown };
  if (typeof errcode === 'string') return [`errcode is the string ${show(errcode)}; WeChat sends a number`];
  if (typeof errcode !== 'number') return ['the body has no numeric errcode'];
  const problems: string[] = [];
  if (errcode !== expect.errcode) problems.push(`errcode ${errcode}, expected ${expect.errcode}`);
  if (errcode !== 0) {
    if (!isWechatError(body))
      problems.push(`the error body breaks the error schema: ${formatIssues(describeErrors(isWechatError.errors))}`);
    const errmsg = String((body as { errmsg?: unknown }).errmsg);
    if (errcode === expect.errcode) {
      const { problem, note } = checkErrmsg(errcode, expect.errmsg, errmsg.replace(RID_SUFFIX, ''));
      if (problem) problems.push(problem);
      if (note) notes?.push(note);
    }
    if (expect.rid) {
      const rid = RID_SUFFIX.exec(errmsg);
      if (!rid) problems.push(`errmsg ${show(errmsg)} has no " rid: <hex8>-<hex8>-<hex8>" suffix`);
      else if (Math.abs(Number.parseInt(rid[1], 16) - Date.now() / 1000) > 600) {
        problems.push(`the rid's first group ${rid[1]} is not the current unix time in hex`);
      }
    }
    return problems;
  }
  if (!isGetScfListSuccess(body)) {
    problems.push(`the success body breaks the schema: ${formatIssues(describeErrors(isGetScfListSuccess.errors))}`);
    return problems;
  }
  if (expect.total_count !== undefined && body.total_count !== expect.total_count) {
    problems.push(`total_count ${body.total_count}, expected ${expect.total_count}`);
  }
  if (expect.names !== undefined) {
    const names = body.functions.map((f) => f.name);
    if (show(names) !== show(expect.names)) problems.push(`names ${show(names)}, expected ${show(expect.names)}`);
  }
  return problems;
}

/**
 * Parses an HTTP answer the way a WeChat client must: HTTP 200 and a JSON body, or a transport failure.
 * @example readWechatAnswer(await sendRaw(req, 5000)) // { body } or { failure: 'HTTP 502' }
 */
export function readWechatAnswer(res: RawResponse): { body: unknown } | { failure: string } {
  if (res.kind === 'error') return { failure: `no answer: ${res.message}` };
  if (res.status !== 200) return { failure: `HTTP ${res.status}` };
  try {
    return { body: JSON.parse(res.text) };
  } catch {
    return { failure: `a body that is not JSON: ${show(res.text.slice(0, 80))}` };
  }
}

/** Fetches a page for an invariant: the parsed success body, or a problem. */
export type PageFetcher = (body: GetScfListRequest) => Promise<{ body: unknown } | { failure: string }>;

function asSuccess(answer: { body: unknown } | { failure: string }, what: string) {
  if ('failure' in answer) return { problem: `${what}: ${answer.failure}` };
  if (!isGetScfListSuccess(answer.body))
    return { problem: `${what}: not a valid success (${show(answer.body).slice(0, 120)})` };
  return { page: answer.body };
}

/**
 * Checks a success against one of the named invariants, fetching the extra pages it needs
 * (at most one more request per invariant).
 * @example await checkInvariant('past-end', { env: 'e' }, body, fetchPage) // [] when it holds
 */
export async function checkInvariant(
  invariant: NonNullable<ContractExpectation['invariant']>,
  sent: GetScfListRequest,
  body: unknown,
  fetchPage: PageFetcher,
): Promise<string[]> {
  const first = asSuccess({ body }, 'the answer');
  if (!first.page) return [first.problem as string];
  const page = first.page;
  const offset = sent.offset ?? 0;
  const limit = sent.limit ?? DEFAULT_LIMIT;
  const names = page.functions.map((f) => f.name);
  const problems: string[] = [];
  if (names.length > limit) problems.push(`${names.length} functions on a page of limit ${limit}`);
  if (names.length > 0 && page.total_count < offset + names.length) {
    problems.push(
      `total_count ${page.total_count} is less than offset ${offset} + ${names.length} functions on the page`,
    );
  }
  if (invariant === 'page-window') {
    const wider = asSuccess(
      await fetchPage({ ...sent, offset: 0, limit: Math.min(offset + limit, DEFAULT_MAX_LIMIT) }),
      'the first page',
    );
    if (!wider.page) return [...problems, wider.problem as string];
    const window = wider.page.functions.slice(offset, offset + limit).map((f) => f.name);
    if (show(window) !== show(names))
      problems.push(`names ${show(names)}, expected the same window of the first page ${show(window)}`);
    if (wider.page.total_count !== page.total_count) {
      problems.push(`total_count ${page.total_count}, but ${wider.page.total_count} on the first page`);
    }
  } else if (invariant === 'past-end') {
    const past = asSuccess(await fetchPage({ ...sent, offset: page.total_count }), `offset ${page.total_count}`);
    if (!past.page) return [...problems, past.problem as string];
    if (past.page.functions.length !== 0)
      problems.push(`offset = total_count gave ${past.page.functions.length} functions, expected none`);
    if (past.page.total_count !== page.total_count) {
      problems.push(`offset = total_count gave total_count ${past.page.total_count}, expected ${page.total_count}`);
    }
  } else if (invariant === 'search-matches') {
    const key = (sent.searchkey ?? '').toLowerCase();
    const strays = names.filter((name) => !name.toLowerCase().includes(key));
    if (strays.length > 0) problems.push(`names not containing ${show(sent.searchkey)}: ${show(strays)}`);
  }
  return problems;
}
