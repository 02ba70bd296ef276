// The queue of faults tests arrange: which request takes which fault (by path and by the env, token and appid it carries), and how long it waits.
import type { MockFault } from '../../generated/schemas.js';
import { MAX_FAULTS } from '../api-facts.js';
import { describeErrors, isMockFault } from '../validation.js';
import { DataError } from './data-file.js';

const EXCLUSIVE = ['errcode', 'http_status', 'body', 'drop'] as const;

/**
 * Checks a fault given to POST /__mock/faults.
 * @example checkFault({ errcode: -1, times: 2, match: { access_token: 'test-a' } })
 * @throws DataError naming what is wrong
 */
export function checkFault(value: unknown): MockFault {
  if (!isMockFault(value)) throw new DataError('', describeErrors(isMockFault.errors));
  const kinds = EXCLUSIVE.filter((key) => value[key] !== undefined);
  if (kinds.length > 1) {
    throw new DataError('', [
      { path: kinds[1], message: `cannot be combined with ${kinds[0]}; give one fault at a time` },
    ]);
  }
  if (kinds.length === 0 && value.latency_ms === undefined) {
    throw new DataError('', [{ path: '', message: 'must set one of errcode, http_status, body, drop or latency_ms' }]);
  }
  if (value.errmsg !== undefined && value.errcode === undefined) {
    throw new DataError('', [{ path: 'errmsg', message: 'needs errcode' }]);
  }
  if (typeof value.latency_ms === 'object' && value.latency_ms.min > value.latency_ms.max) {
    throw new DataError('', [{ path: 'latency_ms.min', message: 'must not be greater than latency_ms.max' }]);
  }
  return value;
}

export { MAX_FAULTS };

/** What a fault's `match` may name: the request's env, whole access token and component appid. */
export type FaultMatch = NonNullable<MockFault['match']>;

/**
 * The keys of `match`, in the order a matched fault is indexed by: the token first (the most
 * specific, and read without parsing the body), then the appid, then the env.
 * @example MATCH_KEYS.includes('env') // true
 */
export const MATCH_KEYS = ['access_token', 'component_appid', 'env'] as const;

/** One of MATCH_KEYS. */
export type MatchKey = (typeof MATCH_KEYS)[number];

/**
 * A request's keys as a fault's `match` reads them. A function is called only when a queued fault
 * names that key, so a request is parsed for its env or appid only when some fault asks for one.
 */
export type RequestKeys = Readonly<Record<MatchKey, () => string | undefined>>;

/** A queued fault and how many more requests it applies to. */
export interface QueuedFault extends MockFault {
  remaining: number;
}

interface Entry {
  /** Order of queuing: among the faults a request matches, the lowest wins. */
  order: number;
  fault: QueuedFault;
  /** The bucket of #matched this entry sits in, when it has a match. */
  bucket?: string;
}

const bucketOf = (key: MatchKey, value: string) => `${key}\u0000${value}`;

/** True when every key `filter` names is one the fault's match carries with the same value. */
function matchedBy(fault: MockFault, filter: FaultMatch): boolean {
  return MATCH_KEYS.every((key) => filter[key] === undefined || fault.match?.[key] === filter[key]);
}

/**
 * Faults waiting for the next requests, first in first out; each request uses up one of the
 * `times` of the first queued fault that applies to it: its `path` (none: every path) and its
 * `match` (none: every request; else the request carries every key it names). Matched faults sit
 * in buckets by their first key (see MATCH_KEYS), so a request looks at the unmatched faults and
 * at most three buckets, never at the faults of other tests.
 * @example
 * const faults = new FaultQueue();
 * faults.add({ errcode: -1, times: 2 });
 * faults.take('/componenttcb/getscflist'); faults.take('/componenttcb/getscflist'); faults.take('/componenttcb/getscflist') // fault, fault, undefined
 */
export class FaultQueue {
  /** Every entry, in order of queuing (for list). */
  #all: Entry[] = [];
  /** Entries without match, in order. */
  #unmatched: Entry[] = [];
  /** Entries with match, by the bucket of their first key, each list in order. */
  #matched = new Map<string, Entry[]>();
  /** How many matched entries are bucketed under each key: a key none is bucketed under is never read. */
  #bucketed: Record<MatchKey, number> = { access_token: 0, component_appid: 0, env: 0 };
  #order = 0;

  add(fault: MockFault): void {
    const { times = 1, ...rest } = fault;
    const entry: Entry = { order: this.#order++, fault: { ...rest, remaining: times } };
    this.#all.push(entry);
    const key = MATCH_KEYS.find((name) => fault.match?.[name] !== undefined);
    if (key === undefined) {
      this.#unmatched.push(entry);
      return;
    }
    entry.bucket = bucketOf(key, fault.match?.[key] as string);
    const list = this.#matched.get(entry.bucket);
    if (list) list.push(entry);
    else this.#matched.set(entry.bucket, [entry]);
    this.#bucketed[key] += 1;
  }

  /**
   * The fault for the next request to `path` carrying `keys`, if any, counting it as used.
   * Without keys only unmatched faults apply.
   */
  take(path?: string, keys?: RequestKeys): MockFault | undefined {
    if (this.#all.length === 0) return undefined;
    let best = this.#unmatched.find((entry) => entry.fault.path === undefined || entry.fault.path === path);
    if (keys && this.#matched.size > 0) {
      // Each key read at most once per request, and only when some fault asks for it.
      const seen: Partial<Record<MatchKey, string | undefined>> = {};
      const read = (key: MatchKey) => {
        if (!(key in seen)) seen[key] = keys[key]();
        return seen[key];
      };
      for (const key of MATCH_KEYS) {
        if (this.#bucketed[key] === 0) continue;
        const value = read(key);
        if (value === undefined) continue;
        const list = this.#matched.get(bucketOf(key, value));
        if (!list) continue;
        for (const entry of list) {
          if (best && entry.order > best.order) break;
          const { fault } = entry;
          if (fault.path !== undefined && fault.path !== path) continue;
          if (MATCH_KEYS.every((name) => fault.match?.[name] === undefined || fault.match[name] === read(name))) {
            best = entry;
            break;
          }
        }
      }
    }
    if (!best) return undefined;
    best.fault.remaining -= 1;
    if (best.fault.remaining === 0) this.#remove(best);
    const { remaining: _, ...fault } = best.fault;
    return fault;
  }

  #remove(entry: Entry): void {
    this.#all.splice(this.#all.indexOf(entry), 1);
    if (entry.bucket === undefined) {
      this.#unmatched.splice(this.#unmatched.indexOf(entry), 1);
      return;
    }
    const list = this.#matched.get(entry.bucket) as Entry[];
    list.splice(list.indexOf(entry), 1);
    if (list.length === 0) this.#matched.delete(entry.bucket);
    const key = MATCH_KEYS.find((name) => entry.fault.match?.[name] !== undefined) as MatchKey;
    this.#bucketed[key] -= 1;
  }

  /** How many faults are queued. */
  get size(): number {
    return this.#all.length;
  }

  /** The queued faults in order; with a filter, only those whose match carries every key it names. */
  list(filter?: FaultMatch): QueuedFault[] {
    const entries = filter ? this.#all.filter((entry) => matchedBy(entry.fault, filter)) : this.#all;
    return entries.map((entry) => ({ ...entry.fault }));
  }

  /**
   * Removes every fault, or with a filter only those whose match carries every key it names (an
   * unmatched fault is never removed by a filter). Returns how many were removed.
   */
  clear(filter?: FaultMatch): number {
    if (!filter) {
      const removed = this.#all.length;
      this.#all = [];
      this.#unmatched = [];
      this.#matched = new Map();
      this.#bucketed = { access_token: 0, component_appid: 0, env: 0 };
      return removed;
    }
    const doomed = this.#all.filter((entry) => matchedBy(entry.fault, filter));
    for (const entry of doomed) this.#remove(entry);
    return doomed.length;
  }
}

/**
 * The delay a fault asks for, in milliseconds (random within {min, max} when given so).
 * @example faultDelay({ latency_ms: { min: 100, max: 200 } }) // a number from 100 to 200
 */
export function faultDelay(fault: MockFault): number {
  const latency = fault.latency_ms;
  if (latency === undefined) return 0;
  if (typeof latency === 'number') return latency;
  return latency.min + Math.floor(Math.random() * (latency.max - latency.min + 1));
}
