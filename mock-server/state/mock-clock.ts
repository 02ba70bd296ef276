// The mock clock: real time plus an offset tests can move forward, for the whole mock or for one component.
/** What the clock answers on GET /__mock/clock. */
export interface ClockView {
  /** The mock's time (or the component's), ISO 8601. */
  now: string;
  /** That time in unix seconds (the first group of a rid, in hex). */
  unix: number;
  /** How far that time runs ahead of real time, in seconds (the mock's offset plus the component's). */
  offset_s: number;
  /** With a component: its appid. */
  component_appid?: string;
  /** With a component: how far its clock runs ahead of the mock's, in seconds. */
  component_offset_s?: number;
}

/**
 * The latest time the mock clock may show: 2100-01-01. A rid holds its unix time as 8 hex digits,
 * which run out in February 2106 (a rid of 9 digits is refused by rid/get); the years between leave
 * room for a long run to go on in real time.
 * @example new Date(MAX_MOCK_TIME_MS).toISOString() // '2100-01-01T00:00:00.000Z'
 */
export const MAX_MOCK_TIME_MS = Date.UTC(2100, 0, 1);

/**
 * Most components with a clock of their own at once: each test that moves its component's clock
 * adds one until it forgets it, so a suite that never cleans up cannot grow the mock without bound.
 * @example clock.components <= MAX_COMPONENT_CLOCKS
 */
export const MAX_COMPONENT_CLOCKS = 10_000;

/**
 * The mock's clock: real time plus an offset that only moves forward (until reset), so tests can
 * reach a token's or ticket's expiry without waiting. Each component may also run ahead of the
 * mock by an offset of its own, so one test can age its component's tokens and ticket without
 * aging anyone else's. Token and ticket expiry read the component's time, the rid's time the
 * mock's; function times do not (they are seeded).
 * @example
 * const clock = new MockClock();
 * clock.advance(7200);
 * clock.advance(60, 'wx1');
 * clock.now('wx1') - clock.now() // about 60,000
 */
/** No room for another component's own clock (a RangeError, answered 409 by the control API). */
export class ComponentClocksFullError extends RangeError {}

export class MockClock {
  #offsetMs = 0;
  #components = new Map<string, number>();
  readonly #realNow: () => number;

  constructor(realNow: () => number = Date.now) {
    this.#realNow = realNow;
  }

  /** The mock's time in milliseconds since the epoch; with an appid, that component's. */
  now(appid?: string): number {
    const own = appid === undefined || this.#components.size === 0 ? 0 : (this.#components.get(appid) ?? 0);
    return this.#realNow() + this.#offsetMs + own;
  }

  /**
   * Moves the clock forward by whole seconds: the whole mock's, or with an appid only that component's;
   * refused (RangeError, nothing changed) past MAX_MOCK_TIME_MS.
   * @throws RangeError for a negative or fractional advance, a move past MAX_MOCK_TIME_MS, or a new
   * component past MAX_COMPONENT_CLOCKS
   */
  advance(seconds: number, appid?: string): void {
    if (!Number.isInteger(seconds) || seconds < 0)
      throw new RangeError(`advance_s must be an integer >= 0, got ${seconds}`);
    const now = this.now(appid);
    if (now + seconds * 1000 > MAX_MOCK_TIME_MS) {
      const left = Math.max(0, Math.floor((MAX_MOCK_TIME_MS - now) / 1000));
      throw new RangeError(
        `advance_s: ${seconds} would move the mock clock past ${new Date(MAX_MOCK_TIME_MS).toISOString()}, the latest it shows (a rid holds the time as 8 hex digits of unix seconds, which end in 2106); it may move ${left} s more, or POST /__mock/reset`,
      );
    }
    if (appid === undefined) {
      this.#offsetMs += seconds * 1000;
      return;
    }
    const current = this.#components.get(appid);
    if (current === undefined && this.#components.size >= MAX_COMPONENT_CLOCKS) {
      throw new ComponentClocksFullError(
        `${MAX_COMPONENT_CLOCKS} components already have a clock of their own; forget some (DELETE /__mock/components/{appid}) or reset`,
      );
    }
    this.#components.set(appid, (current ?? 0) + seconds * 1000);
  }

  /** Puts one component back on the mock's time; false when its clock had not moved. */
  forget(appid: string): boolean {
    return this.#components.delete(appid);
  }

  /** How many components have a clock of their own. */
  get components(): number {
    return this.#components.size;
  }

  /** Back to real time, every component too. */
  reset(): void {
    this.#offsetMs = 0;
    this.#components.clear();
  }

  /** The clock as GET /__mock/clock shows it: the mock's, or with an appid that component's. */
  view(appid?: string): ClockView {
    const now = this.now(appid);
    const view = { now: new Date(now).toISOString(), unix: Math.floor(now / 1000), offset_s: this.#offsetMs / 1000 };
    if (appid === undefined) return view;
    const own = this.#components.get(appid) ?? 0;
    return { ...view, offset_s: (this.#offsetMs + own) / 1000, component_appid: appid, component_offset_s: own / 1000 };
  }
}
