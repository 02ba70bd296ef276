// The listing model: an env's functions as read by paging, and the page any query should get from them.
import type { CloudFunction } from '../../generated/schemas.js';
import { DEFAULT_LIMIT } from '../../mock-server/api-facts.js';

/** An env's functions as the kit saw them by paging through it, in served order. */
export interface ObservedListing {
  env: string;
  /** The functions seen, in served order: all of them when `complete`, else the first ones. */
  functions: CloudFunction[];
  /** total_count as the server reported it. */
  total: number;
  /** True when every function was seen (the request budget allowed it). */
  complete: boolean;
  /** The limit the listing was read with: the largest the server honoured. */
  pageLimit: number;
}

/** The paging and search fields of a request, with the contract's defaults applied. */
export interface ListingQuery {
  offset: number;
  limit: number;
  searchkey: string;
}

/**
 * Reads offset, limit and searchkey from a request body as the contract does: `null` is absent,
 * `searchKey` stands for `searchkey`, and the defaults are 0, 20 and no filter.
 * @example listingQuery({ env: 'e', searchKey: 'cart', limit: null }) // { offset: 0, limit: 20, searchkey: 'cart' }
 */
export function listingQuery(body: Record<string, unknown>): ListingQuery {
  const number = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback);
  const key = body.searchkey ?? body.searchKey;
  return {
    offset: number(body.offset, 0),
    limit: number(body.limit, DEFAULT_LIMIT),
    searchkey: typeof key === 'string' ? key : '',
  };
}

/**
 * The contract's search: the name contains the key, ignoring case, taken literally.
 * @example matchesKey('order.sync', 'R.S') // true
 */
export function matchesKey(name: string, key: string): boolean {
  return name.toLowerCase().includes(key.toLowerCase());
}

const show = (value: unknown) => JSON.stringify(value);

/**
 * Says where two name lists part, briefly: long pages make a full diff unreadable.
 * @example describeNames(["a", "c"], ["a", "b"]) // 'names ["a","c"], expected ["a","b"]'
 */
export function describeNames(got: readonly string[], expected: readonly string[]): string | undefined {
  if (show(got) === show(expected)) return undefined;
  if (got.length + expected.length <= 12) return `names ${show(got)}, expected ${show(expected)}`;
  const at = got.findIndex((name, i) => name !== expected[i]);
  const first = at === -1 ? Math.min(got.length, expected.length) : at;
  const lengths = got.length === expected.length ? '' : `${got.length} functions, expected ${expected.length}; `;
  const nameAt = (names: readonly string[]) => (first < names.length ? show(names[first]) : 'nothing');
  return `${lengths}first difference at position ${first}: ${nameAt(got)}, expected ${nameAt(expected)}`;
}

/**
 * Checks a success answer against what the listing says the request must give: exactly, when the
 * whole listing was seen; when only its start was, what that start decides (the known names lead
 * the page, total_count is at least the matches seen).
 * @example compareWithListing(listing, { offset: 5, limit: 5, searchkey: '' }, body) // [] when it holds
 */
export function compareWithListing(
  listing: ObservedListing,
  query: ListingQuery,
  answer: { total_count: number; functions: readonly { name: string }[] },
): string[] {
  const { offset, limit, searchkey } = query;
  const seen = listing.functions.map((f) => f.name);
  const matches = searchkey ? seen.filter((name) => matchesKey(name, searchkey)) : seen;
  const names = answer.functions.map((f) => f.name);
  const what = searchkey ? `names containing ${show(searchkey)}` : 'functions';
  const problems: string[] = [];
  if (listing.complete || !searchkey) {
    const total = searchkey ? matches.length : listing.total;
    if (answer.total_count !== total) {
      problems.push(`total_count ${answer.total_count}, expected ${total}${searchkey ? ` (the ${what})` : ''}`);
    }
  } else if (answer.total_count < matches.length) {
    problems.push(`total_count ${answer.total_count}, but ${matches.length} ${what} were seen already`);
  }
  const known = matches.slice(offset, offset + limit);
  const decided = listing.complete || offset + limit <= matches.length;
  if (decided) {
    const diff = describeNames(names, known);
    if (diff) problems.push(`${diff} (the window ${offset}..${offset + limit} of the ${what} in listing order)`);
    return problems;
  }
  const diff = describeNames(names.slice(0, known.length), known);
  if (diff) problems.push(`${diff} (the start of the window ${offset}..${offset + limit} of the ${what} seen)`);
  if (!searchkey && names.length !== Math.max(0, Math.min(limit, listing.total - offset))) {
    problems.push(`${names.length} functions, expected ${Math.max(0, Math.min(limit, listing.total - offset))}`);
  }
  if (names.length > limit) problems.push(`${names.length} functions on a page of limit ${limit}`);
  const seenSet = new Set(seen);
  const strays = names.slice(known.length).filter((name) => seenSet.has(name) || !matchesKey(name, searchkey));
  if (strays.length > 0) problems.push(`${show(strays.slice(0, 5))} cannot follow the ${what} seen`);
  return problems;
}

const compareCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Checks the served order: newest add_time first, then name in code-unit order (as the mock sorts).
 * Ties ordered by name another common way (ignoring case, or by locale) are warnings, not failures:
 * the upstream documents no tie order.
 * @example checkOrder(listing.functions) // { problems: [], warnings: [] }
 */
export function checkOrder(functions: readonly CloudFunction[]): { problems: string[]; warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  let otherTieOrder = 0;
  for (let i = 0; i + 1 < functions.length; i++) {
    const [a, b] = [functions[i], functions[i + 1]];
    const where = `positions ${i} and ${i + 1}: ${show(a.name)} (${a.add_time}) before ${show(b.name)} (${b.add_time})`;
    if (a.add_time < b.add_time) problems.push(`not newest add_time first at ${where}`);
    else if (a.add_time === b.add_time && compareCodeUnits(a.name, b.name) > 0) {
      const loose =
        a.name.localeCompare(b.name) <= 0 || compareCodeUnits(a.name.toLowerCase(), b.name.toLowerCase()) <= 0;
      if (loose) otherTieOrder += 1;
      else problems.push(`equal add_time not ordered by name at ${where}`);
    }
  }
  if (otherTieOrder > 0) {
    warnings.push(
      `${otherTieOrder} pair(s) of functions with equal add_time are ordered by name ignoring case or by locale; this mock orders them by name in code-unit order ("B" before "a")`,
    );
  }
  const count = problems.length;
  return { problems: count > 5 ? [...problems.slice(0, 5), `… and ${count - 5} more`] : problems, warnings };
}
