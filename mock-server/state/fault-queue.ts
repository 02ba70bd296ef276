// The queue of faults tests arrange: which request takes which fault, and how long it waits.
import type { MockFault } from '../../generated/schemas.js';
import { MAX_FAULTS } from '../api-facts.js';
import { describeErrors, isMockFault } from '../validation.js';
import { DataError } from './data-file.js';

const EXCLUSIVE = ['errcode', 'http_status', 'body', 'drop'] as const;

/**
 * Checks a fault given to POST /__mock/faults.
 * @example checkFault({ errcode: -1, times: 2 })
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

/** A queued fault and how many more requests it applies to. */
export interface QueuedFault extends MockFault {
  remaining: number;
}

/**
 * Faults waiting for the next requests, first in first out; each request uses up one of the
 * `times` of the first fault that applies to its path (a fault without `path` applies to all).
 * @example
 * const faults = new FaultQueue();
 * faults.add({ errcode: -1, times: 2 });
 * faults.take(); faults.take(); faults.take() // fault, fault, undefined
 */
export class FaultQueue {
  #queue: QueuedFault[] = [];

  add(fault: MockFault): void {
    const { times = 1, ...rest } = fault;
    this.#queue.push({ ...rest, remaining: times });
  }

  /** The fault for the next request to `path`, if any, counting it as used. */
  take(path?: string): MockFault | undefined {
    const index = this.#queue.findIndex((fault) => fault.path === undefined || fault.path === path);
    if (index === -1) return undefined;
    const head = this.#queue[index];
    head.remaining -= 1;
    if (head.remaining === 0) this.#queue.splice(index, 1);
    const { remaining: _, ...fault } = head;
    return fault;
  }

  /** How many faults are queued. */
  get size(): number {
    return this.#queue.length;
  }

  list(): QueuedFault[] {
    return this.#queue.map((fault) => ({ ...fault }));
  }

  clear(): void {
    this.#queue = [];
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
