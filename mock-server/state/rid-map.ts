// The requests behind the rids answered, kept for rid/get within the documented 7 days.
import { RID_KEPT_S } from '../api-facts.js';
import type { MockClock } from './mock-clock.js';

/** A request as rid/get answers it (bodies as text, the token cut short in the URL). */
export interface RidRequest {
  invoke_time: number;
  cost_in_ms: number;
  request_url: string;
  request_body: string;
  response_body: string;
  client_ip: string;
}

/**
 * The requests behind the rids this mock issued, for rid/get: bounded like the journal (the
 * oldest is forgotten first) and, as upstream, kept 7 days of mock time.
 * @example
 * const rids = new RidMap(1000, new MockClock());
 * rids.add('6aac0064-355b48ab-4c5b487e', request);
 * rids.get('6aac0064-355b48ab-4c5b487e') // request
 */
export class RidMap {
  readonly capacity: number;
  readonly #clock: MockClock;
  #entries = new Map<string, RidRequest>();

  constructor(capacity: number, clock: MockClock) {
    this.capacity = capacity;
    this.#clock = clock;
  }

  add(rid: string, request: RidRequest): void {
    if (this.capacity === 0) return;
    this.#entries.delete(rid);
    this.#entries.set(rid, request);
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  /** The request behind a rid, or undefined when this mock never issued it, forgot it, or it is over 7 days old. */
  get(rid: string): RidRequest | undefined {
    const request = this.#entries.get(rid);
    if (!request) return undefined;
    if (this.#clock.now() / 1000 >= request.invoke_time + RID_KEPT_S) return undefined;
    return request;
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }
}
