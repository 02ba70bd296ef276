// WeChat's times (`YYYY-MM-DD HH:mm:ss`, Beijing time, no zone): as text, and as a number in the text's order.

const BEIJING_OFFSET_MS = 8 * 3600 * 1000;
const YEAR_FROM = 1970;
/** Seconds in a year of 12 months of 31 days: an order-keeping count, not a calendar. */
const YEAR_SLOTS = 12 * 31 * 86_400;
/** The last year whose slots fit in 32 bits (2102). */
const YEAR_TO = YEAR_FROM + Math.floor(2 ** 32 / YEAR_SLOTS) - 1;

// The civil date of the last instant converted, kept here so converting allocates nothing.
let year = 0;
let month = 0;
let day = 0;
let secondOfDay = 0;

/** Sets year, month, day and secondOfDay to the Beijing civil time of an instant (days to civil date, by hand). */
function toCivil(ms: number): void {
  const seconds = Math.floor((ms + BEIJING_OFFSET_MS) / 1000);
  const days = Math.floor(seconds / 86400);
  secondOfDay = seconds - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = yoe + era * 400 + (month <= 2 ? 1 : 0);
}

/** 0-59 as two digits. */
const TWO = Array.from({ length: 60 }, (_, n) => (n < 10 ? `0${n}` : `${n}`));
/** Beijing day number → its `YYYY-MM-DD ` (a generated env's times fall on about 1,100 days). */
const DATES = new Map<number, string>();
/** Days kept in DATES at most; a day past that is formatted each time. */
const MAX_DATES = 8192;

/**
 * Formats an instant as WeChat does: `YYYY-MM-DD HH:mm:ss` in Beijing time, no zone.
 * @example formatBeijingTime(Date.UTC(2021, 6, 29, 7, 4, 19)) // '2021-07-29 15:04:19'
 */
export function formatBeijingTime(ms: number): string {
  // A listing formats two times per generated function on every read: a Date and toISOString per call
  // cost 5x more, and the date's arithmetic is done once per day (DATES), not per call.
  const seconds = Math.floor((ms + BEIJING_OFFSET_MS) / 1000);
  const days = Math.floor(seconds / 86400);
  const rest = seconds - days * 86400;
  let date = DATES.get(days);
  if (date === undefined) {
    toCivil(ms);
    date = `${year}-${TWO[month]}-${TWO[day]} `;
    if (DATES.size < MAX_DATES) DATES.set(days, date);
  }
  return `${date}${TWO[Math.floor(rest / 3600)]}:${TWO[Math.floor(rest / 60) % 60]}:${TWO[rest % 60]}`;
}

/**
 * Reads a `YYYY-MM-DD HH:mm:ss` Beijing time as an instant (ms since the epoch).
 * @example parseBeijingTime('2021-07-29 15:04:19') // Date.UTC(2021, 6, 29, 7, 4, 19)
 */
export function parseBeijingTime(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}+08:00`);
}

/**
 * A `YYYY-MM-DD HH:mm:ss` time as a number below 2^32 in the same order as the text (equal only
 * for equal texts of that shape, which the schemas enforce; the separators are not read), or -1
 * for a text of another length, with a non-digit in a field, or of a year outside 1970-2102.
 * @example timeSlot('1970-01-01 00:00:01') // 1
 */
export function timeSlot(text: string): number {
  if (text.length !== 19) return -1;
  const digits = (from: number, to: number) => {
    let n = 0;
    for (let i = from; i < to; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return Number.NaN;
      n = n * 10 + d;
    }
    return n;
  };
  const slot = slotOf(
    digits(0, 4),
    digits(5, 7),
    digits(8, 10),
    digits(11, 13) * 3600 + digits(14, 16) * 60 + digits(17, 19),
  );
  return Number.isNaN(slot) ? -1 : slot;
}

/**
 * The time slot of an instant: `timeSlot(formatBeijingTime(ms))` without making the text.
 * @example beijingSlot(Date.UTC(1969, 11, 31, 16, 0, 1)) // 1
 */
export function beijingSlot(ms: number): number {
  toCivil(ms);
  return slotOf(year, month, day, secondOfDay);
}

function slotOf(y: number, m: number, d: number, second: number): number {
  if (!(y >= YEAR_FROM && y <= YEAR_TO)) return -1;
  return (((y - YEAR_FROM) * 12 + m - 1) * 31 + d - 1) * 86_400 + second;
}
