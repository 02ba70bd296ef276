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
 * The latest time the mock clock may show: 2100-01-01. A rid holds its unix time as 8 hex digits,
 * which run out in February 2106 (a rid of 9 digits is refused by rid/get); the years between leave
 * room for a long run to go on in real time.
 * @example new Date(MAX_MOCK_TIME_MS).toISOString() // '2100-01-01T00:00:00.000Z'
 */
export const MAX_MOCK_TIME_MS = Date.UTC(2100, 0, 1);

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

  /**
   * Moves the clock forward by whole seconds; refused (RangeError, nothing changed) past MAX_MOCK_TIME_MS.
   * @throws RangeError naming how far the clock may still go
   */
  advance(seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 0)
      throw new RangeError(`advance_s must be an integer >= 0, got ${seconds}`);
    const now = this.now();
    if (now + seconds * 1000 > MAX_MOCK_TIME_MS) {
      const left = Math.max(0, Math.floor((MAX_MOCK_TIME_MS - now) / 1000));
      throw new RangeError(
        `advance_s: ${seconds} would move the mock clock past ${new Date(MAX_MOCK_TIME_MS).toISOString()}, the latest it shows (a rid holds the time as 8 hex digits of unix seconds, which end in 2106); it may move ${left} s more, or POST /__mock/reset`,
      );
    }
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
