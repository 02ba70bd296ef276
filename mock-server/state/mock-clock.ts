// The mock clock: real time plus an offset tests can move forward.
/** What the clock answers on GET /__mock/clock. */
export interface ClockView {
  /** The mock's time, ISO 8601. */
  now: string;
  /** The mock's time in unix seconds (the first group of a rid, in hex). */
  unix: number;
  /** How far the mock runs ahead of real time, in seconds. */
  offset_s: number;
}

/**
 * The mock's clock: real time plus an offset that only moves forward (until reset), so tests can
 * reach a token's or ticket's expiry without waiting. Token and ticket expiry and the rid's time
 * read it; function times do not (they are seeded).
 * @example
 * const clock = new MockClock();
 * clock.advance(7200);
 * clock.now() - Date.now() // about 7,200,000
 */
export class MockClock {
  #offsetMs = 0;
  readonly #realNow: () => number;

  constructor(realNow: () => number = Date.now) {
    this.#realNow = realNow;
  }

  /** The mock's time in milliseconds since the epoch. */
  now(): number {
    return this.#realNow() + this.#offsetMs;
  }

  /** Moves the clock forward by whole seconds. */
  advance(seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 0)
      throw new RangeError(`advance_s must be an integer >= 0, got ${seconds}`);
    this.#offsetMs += seconds * 1000;
  }

  /** Back to real time. */
  reset(): void {
    this.#offsetMs = 0;
  }

  view(): ClockView {
    const now = this.now();
    return { now: new Date(now).toISOString(), unix: Math.floor(now / 1000), offset_s: this.#offsetMs / 1000 };
  }
}
