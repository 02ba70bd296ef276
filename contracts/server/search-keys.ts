// Search keys for the observation checks: the readings of searchkey a server might have, and the queries that tell them apart.
import { DEFAULT_LIMIT } from '../../mock-server/api-facts.js';
import { type ListingQuery, matchesKey } from './listing-model.js';

/** A way a server might read searchkey and paging, right or wrong: its answer over a listing. */
export interface Reading {
  name: string;
  /**
   * Which check's keys are chosen to tell it apart: 'pattern' (GSL-OBS-007: characters special to
   * patterns, escapes and white space), 'beyond-ascii' (GSL-OBS-008); none: the substring and
   * window checks.
   */
  keys?: 'pattern' | 'beyond-ascii';
  answer(names: readonly string[], query: ListingQuery): { names: string[]; total: number } | 'error';
}

const pageOf = (matches: string[], q: ListingQuery) => ({
  names: matches.slice(q.offset, q.offset + q.limit),
  total: matches.length,
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A filter from a pattern turned into a regular expression; an invalid one is an error answer. */
function patternReading(name: string, toRegExp: (key: string) => RegExp): Reading {
  return {
    name,
    keys: 'pattern',
    answer(names, q) {
      let pattern: RegExp;
      try {
        pattern = toRegExp(q.searchkey);
      } catch {
        return 'error';
      }
      return pageOf(
        names.filter((n) => pattern.test(n)),
        q,
      );
    },
  };
}

const wildcard = (key: string, many: string, one: string) =>
  new RegExp([...key].map((c) => (c === many ? '.*' : c === one ? '.' : escapeRegExp(c))).join(''), 'i');

const asciiLower = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

const filterReading = (name: string, keep: (n: string, key: string) => boolean, keys?: Reading['keys']): Reading => ({
  name,
  ...(keys ? { keys } : {}),
  answer: (names, q) =>
    pageOf(
      names.filter((n) => keep(n, q.searchkey)),
      q,
    ),
});

/**
 * The contract's reading: a case-insensitive literal substring, then the offset/limit window of
 * the matches, total_count counting every match.
 * @example CONTRACT_READING.answer(['a', 'B'], { offset: 0, limit: 20, searchkey: 'b' }) // { names: ['B'], total: 1 }
 */
export const CONTRACT_READING: Reading = filterReading('contract', matchesKey);

/**
 * Misreadings of searchkey and paging a server author might write. The keys and windows the
 * kit searches with are picked from the listing so that each of these answers differently from
 * the contract, where the env's names allow it.
 * @example MISREADINGS.map((r) => r.name) // ['case-sensitive', 'regular expression', …]
 */
export const MISREADINGS: readonly Reading[] = [
  filterReading('case-sensitive', (n, key) => n.includes(key)),
  patternReading('regular expression', (key) => new RegExp(key, 'i')),
  patternReading('case-sensitive regular expression', (key) => new RegExp(key)),
  patternReading('SQL LIKE (% and _ as wildcards)', (key) => wildcard(key, '%', '_')),
  patternReading('glob (* and ? as wildcards)', (key) => wildcard(key, '*', '?')),
  filterReading('key trimmed of white space', (n, key) => matchesKey(n, key.trim()), 'pattern'),
  filterReading('backslashes dropped', (n, key) => matchesKey(n, key.replace(/\\/g, '')), 'pattern'),
  filterReading(
    'case ignored for ASCII letters only',
    (n, key) => asciiLower(n).includes(asciiLower(key)),
    'beyond-ascii',
  ),
  filterReading(
    'characters beyond ASCII dropped from the key',
    (n, key) => matchesKey(n, key.replace(/[\u{80}-\u{10FFFF}]/gu, '')),
    'beyond-ascii',
  ),
  filterReading('prefix only', (n, key) => n.toLowerCase().startsWith(key.toLowerCase())),
  filterReading('whole name only', (n, key) => n.toLowerCase() === key.toLowerCase()),
  {
    name: 'filter after paging',
    answer(names, q) {
      const page = names.slice(q.offset, q.offset + q.limit).filter((n) => matchesKey(n, q.searchkey));
      return { names: page, total: page.length };
    },
  },
  {
    name: 'filter after paging, total of all matches',
    answer(names, q) {
      const page = names.slice(q.offset, q.offset + q.limit).filter((n) => matchesKey(n, q.searchkey));
      return { names: page, total: names.filter((n) => matchesKey(n, q.searchkey)).length };
    },
  },
  {
    name: 'total_count of the page',
    answer(names, q) {
      const { names: page } = CONTRACT_READING.answer(names, q) as { names: string[] };
      return { names: page, total: page.length };
    },
  },
  {
    name: 'total_count of the env',
    answer: (names, q) => ({ ...(CONTRACT_READING.answer(names, q) as { names: string[] }), total: names.length }),
  },
];

/**
 * The misreadings a query tells apart from the contract over these names.
 * @example misreadingsCaught(['a.b', 'axb'], { offset: 0, limit: 20, searchkey: 'a.b' }) // ['regular expression', …]
 */
export function misreadingsCaught(names: readonly string[], query: ListingQuery, readings = MISREADINGS): string[] {
  const right = JSON.stringify(CONTRACT_READING.answer(names, query));
  return readings.filter((r) => JSON.stringify(r.answer(names, query)) !== right).map((r) => r.name);
}

/** Names sampled evenly through the listing, so candidates come from every part of it. */
function sample(names: readonly string[], most: number): string[] {
  if (names.length <= most) return [...names];
  return Array.from({ length: most }, (_, i) => names[Math.floor((i * names.length) / most)]);
}

const swapCase = (text: string) =>
  [...text].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');

const SPECIAL = /[.*+?^${}()|[\]\\%_ ]/;
const BEYOND_ASCII = /[^\x20-\x7e]/;
/** A letter beyond ASCII that has another case (É, ü), the kind an ASCII-only case fold misses. */
const CASED_BEYOND_ASCII = /[\u{80}-\u{10FFFF}]/u;
const hasCase = (c: string) => c.toLowerCase() !== c.toUpperCase();

/** Picks the query (of the candidates, first wins ties) that tells the most misreadings apart. */
function best(
  names: readonly string[],
  queries: ListingQuery[],
  readings: readonly Reading[] = MISREADINGS,
): { query: ListingQuery; caught: string[] } | undefined {
  let chosen: { query: ListingQuery; caught: string[] } | undefined;
  for (const query of queries) {
    const caught = misreadingsCaught(names, query, readings);
    if (!chosen || caught.length > chosen.caught.length) chosen = { query, caught };
  }
  return chosen;
}

const DEFAULT_PAGE = { offset: 0, limit: DEFAULT_LIMIT };

/** The searches the observation checks send, each with the misreadings it tells apart. */
export interface SearchPlan {
  /** A substring of names in another case, on the default page. */
  substring?: { query: ListingQuery; caught: string[] };
  /** The same key, a window of its matches. */
  window?: { query: ListingQuery; caught: string[] };
  /** Keys with characters special to patterns (regular expressions, LIKE, globs), backslashes and white space around. */
  special: { query: ListingQuery; caught: string[] }[];
  /** Keys with characters beyond ASCII (one with a letter whose case is swapped, where the names have one). */
  nonAscii: { query: ListingQuery; caught: string[] }[];
}

/** The most keys GSL-OBS-007 sends: the real API counts a daily quota. */
const MOST_SPECIAL_KEYS = 4;

/**
 * Keys from the candidate sets, first set first, each the one that tells the most readings still
 * untold apart from the contract, until every reading is told or `most` keys are picked.
 */
function pickKeys(
  names: readonly string[],
  sources: Set<string>[],
  readings: readonly Reading[],
  most: number,
): { query: ListingQuery; caught: string[] }[] {
  const picked: { query: ListingQuery; caught: string[] }[] = [];
  const toCatch = new Set(readings.map((r) => r.name));
  for (const source of sources) {
    while (picked.length < most && toCatch.size > 0) {
      const left = readings.filter((r) => toCatch.has(r.name));
      const next = best(
        names,
        [...source].map((key) => ({ ...DEFAULT_PAGE, searchkey: key })),
        left,
      );
      if (!next || next.caught.length === 0) break;
      picked.push(next);
      for (const name of next.caught) toCatch.delete(name);
      source.delete(next.query.searchkey);
    }
  }
  return picked;
}

/**
 * Picks the searches for a listing: keys taken from its names, windows placed so that each
 * misreading in MISREADINGS answers differently from the contract where the names allow it.
 * @example planSearches(listing.functions.map((f) => f.name)).substring?.query.searchkey // e.g. 'SER'
 */
export function planSearches(listing: readonly string[]): SearchPlan {
  // Large envs: candidates are compared on the listing's first 2,000 names, so that planning stays
  // fast (a few queries over the whole listing say at the end what each catches).
  const names = listing.length > 2000 ? listing.slice(0, 2000) : listing;
  const pool = sample(names, 150);
  const withLetters = new Set<string>();
  for (const name of pool) {
    for (const [start, length] of [
      [1, 3],
      [Math.floor(name.length / 2) - 1, 3],
      [1, 2],
      [2, 4],
    ]) {
      const part = name.slice(Math.max(0, start), Math.max(0, start) + length);
      if (part.length === length && /[a-z]/i.test(part) && !SPECIAL.test(part)) withLetters.add(swapCase(part));
    }
  }
  // Score on literal matches first (cheap), then compare readings on the best few.
  const lower = names.map((n) => n.toLowerCase());
  const scored = [...withLetters]
    .map((key) => {
      const needle = key.toLowerCase();
      const positions: number[] = [];
      lower.forEach((name, i) => {
        if (name.includes(needle)) positions.push(i);
      });
      const beyondFirstPage = positions.some((i) => i >= DEFAULT_LIMIT);
      const score = (beyondFirstPage ? 4 : 0) + (positions.length >= 2 ? 2 : 0) + (positions.length <= 60 ? 1 : 0);
      return { key, score };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, 30);
  const substring = best(
    names,
    scored.map(({ key }) => ({ ...DEFAULT_PAGE, searchkey: key })),
  );
  let window: SearchPlan['window'];
  if (substring) {
    const key = substring.query.searchkey;
    const count = names.filter((n) => matchesKey(n, key)).length;
    const windows = [
      [1, 2],
      [1, 5],
      [2, 3],
      [count - 1, 2],
      [Math.floor(count / 2), 3],
      [count, 5],
    ].filter(([offset]) => offset >= 0);
    window = best(
      names,
      windows.map(([offset, limit]) => ({ offset, limit, searchkey: key })),
    );
  }

  const patternReadings = MISREADINGS.filter((r) => r.keys === 'pattern');
  const fromNames = new Set<string>();
  const made = new Set<string>();
  for (const name of names) {
    const at = name.search(SPECIAL);
    if (at !== -1) {
      for (const [from, to] of [
        [at - 1, at + 2],
        [at, at + 3],
        [at - 2, at + 1],
      ]) {
        const part = name.slice(Math.max(0, from), to);
        if (part.length >= 2) fromNames.add(part);
      }
    }
  }
  for (const name of pool.slice(0, 40)) {
    const part = name.slice(1, 4);
    if (part.length < 3) continue;
    for (const special of ['.', '_', '*', '?', '(', '+', '%']) made.add(`${part[0]}${special}${part[2]}`);
    // A backslash between two letters of a name: dropped (or taken as an escape) it matches that name.
    made.add(`${part[0]}\\${part[1]}`);
    // White space around a piece of a name: trimmed, it matches that name.
    made.add(` ${part} `);
  }
  const special = pickKeys(names, [fromNames, made], patternReadings, MOST_SPECIAL_KEYS);
  if (special.length === 0) special.push({ query: { ...DEFAULT_PAGE, searchkey: '.*(' }, caught: [] });

  // Beyond ASCII: a piece of a name around a letter with case (its case swapped), and around any
  // character beyond ASCII; else a key no name holds, whose answer is still known (none).
  const beyondReadings = MISREADINGS.filter((r) => r.keys === 'beyond-ascii' || r.name === 'case-sensitive');
  const cased = new Set<string>();
  const other = new Set<string>();
  for (const name of names) {
    const chars = [...name];
    chars.forEach((c, i) => {
      if (!BEYOND_ASCII.test(c)) return;
      const around = chars.slice(Math.max(0, i - 1), i + 3).join('');
      if (CASED_BEYOND_ASCII.test(c) && hasCase(c)) cased.add(swapCase(around));
      other.add(chars.slice(i, i + 2).join(''));
    });
    if (cased.size + other.size > 200) break;
  }
  const beyond = pickKeys(names, [cased, other], beyondReadings, 2);
  if (beyond.length === 0) beyond.push({ query: { ...DEFAULT_PAGE, searchkey: '云函数' }, caught: [] });
  const whole = (step: { query: ListingQuery }) => ({
    query: step.query,
    caught: misreadingsCaught(listing, step.query),
  });
  return {
    ...(substring ? { substring: whole(substring) } : {}),
    ...(window ? { window: whole(window) } : {}),
    special: special.map(whole),
    nonAscii: beyond.map(whole),
  };
}
