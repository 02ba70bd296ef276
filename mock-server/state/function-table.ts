// One env's functions in served order, changed in place by the function lifecycle: exact paging and search at 100,000 functions.
import type { CloudFunction, StatusReason } from '../../generated/schemas.js';
import { beijingSlot, formatBeijingTime, timeSlot } from './beijing-time.js';
import { NameIndex } from './name-index.js';

/**
 * Envs at least this large get an n-gram index; smaller ones are scanned, which is as fast and smaller.
 * @example new FunctionTable(stored).indexed // true when stored.length >= INDEX_THRESHOLD
 */
export const INDEX_THRESHOLD = 1000;

/**
 * A generated function's drawn values: its JSON is that of `{ mod_time, add_time, runtime, name,
 * status, status_reason: reason ? [reason] : [] }`, the times formatted in Beijing time.
 */
export interface GeneratedValues {
  name: string;
  addMs: number;
  modMs: number;
  runtime: string;
  status: string;
  reason: StatusReason | undefined;
}

/**
 * The record a generated function's values stand for, keys in wire order.
 * @example generatedRecord({ name: 'f', addMs: 0, modMs: 0, runtime: 'Go1', status: 'Active', reason: undefined }).add_time // '1970-01-01 08:00:00'
 */
export function generatedRecord(values: GeneratedValues): CloudFunction {
  return {
    mod_time: formatBeijingTime(values.modMs),
    add_time: formatBeijingTime(values.addMs),
    runtime: values.runtime,
    name: values.name,
    status: values.status,
    status_reason: values.reason ? [{ ...values.reason }] : [],
  };
}

/** JSON texts of the few strings a generated function shares (its runtime and status), at most 64. */
const QUOTED = new Map<string, string>();
const quoted = (text: string): string => {
  let json = QUOTED.get(text);
  if (json === undefined) {
    json = JSON.stringify(text);
    if (QUOTED.size < 64) QUOTED.set(text, json);
  }
  return json;
};

/**
 * A function as the store keeps it, with its search key; every read on the hot path wants its wire
 * JSON. A record given whole, as the function lifecycle's changes are, is serialised once and kept
 * as JSON; a data file's listed function keeps its record (whose strings the loaded data holds
 * anyway) and makes the JSON on each read, as a generated one (GeneratedFunction) does from its
 * drawn values. A start-up with 100,000 functions then formats and serialises nothing, and a load
 * that reads many of them keeps no text per function read: keeping each text once made moved it
 * to the old generation, which grew under the bench's load (RSS after it 232 MB, against 187 MB).
 * @example new StoredFunction(record).json // the record's wire JSON
 */
export class StoredFunction {
  /** The exact name. */
  readonly name: string;
  /** The add_time as a number in served order (timeSlot), -1 when out of the packed range. */
  readonly sortSlot: number;
  #json: string | undefined;
  #searchKey: string | undefined;
  /** A kept record, serialised on each read. */
  #record: CloudFunction | undefined;

  /**
   * A record, serialised now; or kept as it is and serialised on each read (`keep`: the caller never
   * changes it afterwards, as a data file's listed functions). (A name and slot alone: GeneratedFunction.)
   */
  constructor(from: CloudFunction | { name: string; sortSlot: number }, keep = false) {
    this.name = from.name;
    if ('sortSlot' in from) {
      this.sortSlot = from.sortSlot;
      return;
    }
    this.sortSlot = timeSlot(from.add_time);
    if (keep) this.#record = from;
    else this.#json = JSON.stringify(from);
  }

  /** The wire JSON. */
  get json(): string {
    return this.#json ?? JSON.stringify(this.#record);
  }

  /** The add_time text, without making the JSON when it is made on each read (the rare comparator sort). */
  get addTime(): string {
    return this.#record ? this.#record.add_time : (JSON.parse(this.json) as CloudFunction).add_time;
  }

  /** The name lower-cased, as searches compare it. */
  get searchKey(): string {
    if (this.#searchKey === undefined) this.#searchKey = this.name.toLowerCase();
    return this.#searchKey;
  }

  /** The record, parsed anew from the JSON (for the control API and tests, not the hot path). */
  get record(): CloudFunction {
    return JSON.parse(this.json);
  }
}

/**
 * A generated function, kept as its drawn values in the object itself: whole seconds (small
 * integers, where milliseconds took a heap number each) and shared strings. Its JSON, that of
 * generatedRecord(values), is made on each read without the record (a third of the time).
 * @example new GeneratedFunction({ name: 'f', addMs: 0, modMs: 0, runtime: 'Go1', status: 'Active', reason: undefined }).json // '{"mod_time":"1970-01-01 08:00:00",…,"status_reason":[]}'
 */
export class GeneratedFunction extends StoredFunction {
  readonly #addSeconds: number;
  readonly #modSeconds: number;
  readonly #runtime: string;
  readonly #status: string;
  readonly #reason: StatusReason | undefined;

  constructor(values: GeneratedValues) {
    super({ name: values.name, sortSlot: beijingSlot(values.addMs) });
    // The texts show whole seconds: dropping the milliseconds changes none of them.
    this.#addSeconds = Math.floor(values.addMs / 1000);
    this.#modSeconds = Math.floor(values.modMs / 1000);
    this.#runtime = values.runtime;
    this.#status = values.status;
    this.#reason = values.reason;
  }

  override get json(): string {
    const reason = this.#reason ? `[${JSON.stringify(this.#reason)}]` : '[]';
    return `{"mod_time":"${formatBeijingTime(this.#modSeconds * 1000)}","add_time":"${this.addTime}","runtime":${quoted(this.#runtime)},"name":${JSON.stringify(this.name)},"status":${quoted(this.#status)},"status_reason":${reason}}`;
  }

  override get addTime(): string {
    return formatBeijingTime(this.#addSeconds * 1000);
  }
}

/** The parameters of one page, already validated and defaulted. */
export interface PageQuery {
  offset: number;
  limit: number;
  searchkey?: string;
}

/** A page: the total number of matches and the stored functions on this page. */
export interface Page {
  total_count: number;
  functions: readonly StoredFunction[];
}

/** A function added since the table was built: its record and where it falls among the base functions. */
interface Added {
  fn: StoredFunction;
  name: string;
  addTime: string;
  /** How many base functions (deleted or not) come before it in served order. */
  basePosition: number;
}

/** Between the search keys of JoinedKeys: a searchkey without it cannot match across two keys. */
const SEPARATOR = '\u0000';

/** Search keys joined into one text, and where each starts: one substring search finds the keys that match. */
interface JoinedKeys {
  text: string;
  starts: number[];
}

function joinKeys(keys: readonly string[]): JoinedKeys {
  const starts: number[] = [];
  let at = 0;
  for (const key of keys) {
    starts.push(at);
    at += key.length + 1;
  }
  return { text: keys.join(SEPARATOR), starts };
}

/**
 * The indices, ascending, of the joined keys that contain `needle`: a native search over the
 * joined text, where testing each key was a call per key on every page (6.5 % of a loaded
 * server's time with ~110 changes pending). A needle holding SEPARATOR tests each key.
 */
function keysContaining(joined: JoinedKeys, needle: string): number[] {
  const { text, starts } = joined;
  if (needle.includes(SEPARATOR)) {
    const keyAt = (i: number) => text.slice(starts[i], i + 1 < starts.length ? starts[i + 1] - 1 : text.length);
    return [...starts.keys()].filter((i) => keyAt(i).includes(needle));
  }
  const found: number[] = [];
  let from = 0;
  for (;;) {
    const at = text.indexOf(needle, from);
    if (at === -1) return found;
    // The last key starting at or before the match holds it.
    const key = lowerBound(starts, at + 1) - 1;
    found.push(key);
    if (key + 1 >= starts.length) return found;
    from = starts[key + 1];
  }
}

/** Served order: newest add_time first, then name ascending. */
function compareKeys(a: { addTime: string; name: string }, b: { addTime: string; name: string }): number {
  if (a.addTime !== b.addTime) return a.addTime < b.addTime ? 1 : -1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** First index in an ascending list whose value is >= value. */
function lowerBound(list: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * One env's functions. The functions it was built with (the base) stay in one sorted array with
 * its name index; a change since then is kept beside it (a replaced record by position, a
 * deleted position, an added function with its place among the base), so a create or delete
 * costs O(log n) and never rebuilds the index. A page merges the base's matches, minus the
 * deleted, with the added matches, exactly as if the table were rebuilt. When the changes
 * outgrow COMPACT_AT the table folds them into a new base.
 * @example
 * const table = new FunctionTable([new StoredFunction(record)]);
 * table.insert(new StoredFunction(other));
 * table.list({ offset: 0, limit: 20 }).total_count // 2
 */
export class FunctionTable {
  #base: StoredFunction[] = [];
  /** The base's name index, built on the first search that needs it (a start-up with 100,000 functions spent ~125 ms building it). */
  #index: NameIndex | undefined;
  #indexWanted = false;
  /** Base position → its current record (a status or time changed; add_time and name never do). */
  #replaced = new Map<number, StoredFunction>();
  /** Deleted base positions, ascending, and the same as a set for lookups. */
  #deleted: number[] = [];
  #deletedSet = new Set<number>();
  /** Added functions in served order, and by name. */
  #added: Added[] = [];
  #addedByName = new Map<string, Added>();
  /** The deleted and the added functions' search keys joined, made on the first search after a change. */
  #deletedKeys: JoinedKeys | undefined;
  #addedKeys: JoinedKeys | undefined;
  /** Base search key → position(s), built on the first lookup by name. */
  #byKey: Map<string, number | number[]> | undefined;

  /** @param sorted stored functions already in served order */
  constructor(sorted: StoredFunction[]) {
    this.#rebuild(sorted);
  }

  #rebuild(sorted: StoredFunction[]): void {
    this.#base = sorted;
    this.#index = undefined;
    this.#indexWanted = sorted.length >= INDEX_THRESHOLD;
    this.#replaced = new Map();
    this.#deleted = [];
    this.#deletedSet = new Set();
    this.#added = [];
    this.#addedByName = new Map();
    this.#deletedKeys = undefined;
    this.#addedKeys = undefined;
    this.#byKey = undefined;
  }

  /** How many functions the env holds. */
  get count(): number {
    return this.#base.length - this.#deleted.length + this.#added.length;
  }

  /** True when the base is searched through a name index (INDEX_THRESHOLD functions or more when built), built on its first search. */
  get indexed(): boolean {
    return this.#indexWanted;
  }

  /** Changes kept beside the base: added functions plus deleted ones. */
  get pendingChanges(): number {
    return this.#added.length + this.#deleted.length;
  }

  #baseAt(position: number): StoredFunction {
    return this.#replaced.get(position) ?? this.#base[position];
  }

  #basePosition(name: string): number | undefined {
    // Keyed by the lower-cased search key the base already holds, so building it parses no JSON
    // (parsing 100,000 records stalled the first change for most of a second); the few records
    // sharing a key are told apart by their exact name.
    if (!this.#byKey) {
      this.#byKey = new Map();
      for (let i = 0; i < this.#base.length; i++) {
        const key = this.#base[i].searchKey;
        const seen = this.#byKey.get(key);
        if (seen === undefined) this.#byKey.set(key, i);
        else this.#byKey.set(key, typeof seen === 'number' ? [seen, i] : [...seen, i]);
      }
    }
    const found = this.#byKey.get(name.toLowerCase());
    if (found === undefined) return undefined;
    for (const position of typeof found === 'number' ? [found] : found) {
      if (this.#deletedSet.has(position) || this.#base[position].name !== name) continue;
      return position;
    }
    return undefined;
  }

  /**
   * The function of that exact name (case-sensitive), or undefined.
   * @example table.get('login')?.record.status
   */
  get(name: string): StoredFunction | undefined {
    const added = this.#addedByName.get(name);
    if (added) return added.fn;
    const position = this.#basePosition(name);
    return position === undefined ? undefined : this.#baseAt(position);
  }

  /**
   * Adds a function whose name is not in the table.
   * @throws Error when the name is taken
   */
  insert(fn: StoredFunction): void {
    const record = fn.record;
    if (this.get(record.name)) throw new Error(`function ${record.name} exists`);
    const key = { addTime: record.add_time, name: record.name };
    // Where it falls among the base: the first base function that comes after it.
    let low = 0;
    let high = this.#base.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      // addTime and name, not the record: each record read makes and parses the function's JSON.
      if (compareKeys(this.#base[mid], key) < 0) low = mid + 1;
      else high = mid;
    }
    const item: Added = { fn, name: record.name, addTime: record.add_time, basePosition: low };
    let at = 0;
    let end = this.#added.length;
    while (at < end) {
      const mid = (at + end) >>> 1;
      if (compareKeys(this.#added[mid], item) < 0) at = mid + 1;
      else end = mid;
    }
    this.#added.splice(at, 0, item);
    this.#addedKeys = undefined;
    this.#addedByName.set(item.name, item);
    this.#compactIfLarge();
  }

  /**
   * Puts a new record in place of the function of the same name; add_time must not change.
   * @throws Error when there is no such function
   */
  replace(fn: StoredFunction): void {
    const name = fn.record.name;
    const added = this.#addedByName.get(name);
    if (added) {
      added.fn = fn;
      return;
    }
    const position = this.#basePosition(name);
    if (position === undefined) throw new Error(`function ${name} is not in the table`);
    this.#replaced.set(position, fn);
  }

  /**
   * Removes the function of that name; false when there was none.
   * @example table.remove('login') // true
   */
  remove(name: string): boolean {
    const added = this.#addedByName.get(name);
    if (added) {
      this.#added.splice(this.#added.indexOf(added), 1);
      this.#addedKeys = undefined;
      this.#addedByName.delete(name);
      return true;
    }
    const position = this.#basePosition(name);
    if (position === undefined) return false;
    this.#deleted.splice(lowerBound(this.#deleted, position), 0, position);
    this.#deletedSet.add(position);
    this.#deletedKeys = undefined;
    this.#replaced.delete(position);
    this.#compactIfLarge();
    return true;
  }

  /** Folds the changes into a new base once they are many: each page pays for them, a rebuild pays once. */
  #compactIfLarge(): void {
    if (this.pendingChanges > Math.max(COMPACT_AT, this.#base.length >>> 4)) this.#rebuild(this.all());
  }

  /** Every function in served order (for the control API; builds a new array). */
  all(): StoredFunction[] {
    return [...this.#pages(0, Number.MAX_SAFE_INTEGER, undefined).functions];
  }

  /**
   * One page in served order. `searchkey` matches a case-insensitive, literal substring of the
   * name; `total_count` counts every match.
   */
  list(query: PageQuery): Page {
    return this.#pages(query.offset, query.limit, query.searchkey?.toLowerCase() || undefined);
  }

  #pages(offset: number, limit: number, needle: string | undefined): Page {
    const base = this.#base;
    // The base's matching positions, ascending.
    // Without a searchkey every position matches: null stands for 0..n-1, so nothing is allocated.
    let matches: ArrayLike<number> | null = null;
    if (needle && this.#indexWanted) {
      this.#index ??= new NameIndex(base.map((fn) => fn.searchKey));
      matches = this.#index.match(needle);
    } else if (needle) {
      const found: number[] = [];
      for (let i = 0; i < base.length; i++) if (base[i].searchKey.includes(needle)) found.push(i);
      matches = found;
    }
    const matchCount = matches ? matches.length : base.length;
    const rankOf = (position: number) => (matches ? lowerBound(matches, position) : position);
    // Indices into `matches` of the deleted base functions that match, ascending.
    // Without a searchkey they are the deleted positions themselves.
    let gone: readonly number[] = this.#deleted;
    if (needle) {
      this.#deletedKeys ??= joinKeys(this.#deleted.map((position) => base[position].searchKey));
      gone = keysContaining(this.#deletedKeys, needle).map((i) => rankOf(this.#deleted[i]));
    }
    const liveBase = matchCount - gone.length;
    // Added matches with their rank among the live base matches.
    const added: { fn: StoredFunction; rank: number }[] = [];
    let addedHits: Iterable<number> = this.#added.keys();
    if (needle) {
      this.#addedKeys ??= joinKeys(this.#added.map((item) => item.fn.searchKey));
      addedHits = keysContaining(this.#addedKeys, needle);
    }
    for (const i of addedHits) {
      const item = this.#added[i];
      const before = rankOf(item.basePosition);
      added.push({ fn: item.fn, rank: before - lowerBound(gone, before) });
    }
    const total = liveBase + added.length;
    const page: StoredFunction[] = [];
    if (offset >= total || limit <= 0) return { total_count: total, functions: page };
    // Added functions that come before the page, then the first live base rank on it.
    let nextAdded = 0;
    while (nextAdded < added.length && added[nextAdded].rank + nextAdded < offset) nextAdded++;
    let baseRank = offset - nextAdded;
    // The index into `matches` of live base rank baseRank, and the first deleted index after it.
    let at = baseRank;
    let nextGone = 0;
    while (nextGone < gone.length && gone[nextGone] <= at) {
      at++;
      nextGone++;
    }
    while (page.length < limit) {
      if (nextAdded < added.length && added[nextAdded].rank <= baseRank) {
        page.push(added[nextAdded].fn);
        nextAdded++;
      } else if (baseRank < liveBase) {
        page.push(this.#baseAt(matches ? matches[at] : at));
        baseRank++;
        at++;
        while (nextGone < gone.length && gone[nextGone] === at) {
          at++;
          nextGone++;
        }
      } else break;
    }
    return { total_count: total, functions: page };
  }
}

/**
 * Changes kept beside the base before it is rebuilt (or 1/16 of the base, whichever is more): a
 * page scans the added and deleted functions, a rebuild of 100,000 takes a few hundred ms.
 * @example table.pendingChanges <= Math.max(COMPACT_AT, size / 16)
 */
export const COMPACT_AT = 2000;
