// An index of function names for fast case-insensitive literal search and paging at 100,000 functions.
/**
 * An n-gram index over lower-cased names, so a substring search does not scan every name.
 *
 * Every 1-, 2- and 3-gram of ASCII characters is a code in one integer space; a counting sort
 * over those codes lays out, for each code, the positions of the names that contain it, in
 * ascending (served) order, in one Uint32Array. A key of up to 3 characters is answered exactly
 * by its posting list; a longer key takes the shortest posting list of its trigrams and checks
 * those candidates. Names with non-ASCII characters are also kept in a short list that keys
 * with non-ASCII characters scan.
 */

const ASCII = 128;
const BI_BASE = ASCII;
const TRI_BASE = BI_BASE + ASCII * ASCII;
const CODES = TRI_BASE + ASCII * ASCII * ASCII;

function gramCode(text: string, start: number, length: number): number {
  const a = text.charCodeAt(start);
  if (length === 1) return a;
  const b = text.charCodeAt(start + 1);
  if (length === 2) return BI_BASE + a * ASCII + b;
  return TRI_BASE + (a * ASCII + b) * ASCII + text.charCodeAt(start + 2);
}

/** Calls visit(code) for each gram of a name with only ASCII characters. */
function eachGram(name: string, visit: (code: number) => void): void {
  if (isAscii(name)) {
    for (let start = 0; start < name.length; start++) {
      visit(gramCode(name, start, 1));
      if (start + 2 <= name.length) visit(gramCode(name, start, 2));
      if (start + 3 <= name.length) visit(gramCode(name, start, 3));
    }
    return;
  }
  for (let length = 1; length <= 3; length++) {
    for (let start = 0; start + length <= name.length; start++) {
      let ascii = true;
      for (let i = start; i < start + length; i++) if (name.charCodeAt(i) >= ASCII) ascii = false;
      if (ascii) visit(gramCode(name, start, length));
    }
  }
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= ASCII) return false;
  return true;
}

/**
 * The index of one env's names (see the top of this file).
 * @example new NameIndex(['login', 'logout']).match('log') // [0, 1]
 */
export class NameIndex {
  readonly #keys: readonly string[];
  /** postings[bounds[code + 1] .. bounds[code + 2]) are the positions of the names containing the gram. */
  readonly #bounds: Uint32Array;
  readonly #postings: Uint32Array;
  /** Positions of names with a non-ASCII character, ascending. */
  readonly #nonAscii: number[] = [];

  /**
   * @param keys lower-cased names, in served order
   * @example new NameIndex(['login', 'logout']).match('out') // [1]
   */
  constructor(keys: readonly string[]) {
    this.#keys = keys;
    // The last position seen for each code, so a name counts a gram once however often it has it.
    // Freed after the build; what stays is bounds and postings.
    const last = new Int32Array(CODES).fill(-1);
    // Counting sort in one array: the count of each code at [code + 1], then ends by prefix sums;
    // filling backwards leaves the positions of code at [code + 1] .. [code + 2].
    const bounds = new Uint32Array(CODES + 2);
    for (let position = 0; position < keys.length; position++) {
      const key = keys[position];
      if (!isAscii(key)) this.#nonAscii.push(position);
      eachGram(key, (code) => {
        if (last[code] !== position) {
          last[code] = position;
          bounds[code + 1] += 1;
        }
      });
    }
    for (let code = 1; code < CODES + 2; code++) bounds[code] += bounds[code - 1];
    const postings = new Uint32Array(bounds[CODES + 1]);
    last.fill(-1);
    for (let position = keys.length - 1; position >= 0; position--) {
      eachGram(keys[position], (code) => {
        if (last[code] !== position) {
          last[code] = position;
          postings[--bounds[code + 1]] = position;
        }
      });
    }
    this.#bounds = bounds;
    this.#postings = postings;
  }

  #posting(code: number): Uint32Array {
    return this.#postings.subarray(this.#bounds[code + 1], this.#bounds[code + 2]);
  }

  /**
   * Positions of the names containing `needle` (already lower-cased), ascending.
   * @example index.match('get').length // how many names contain "get"
   */
  match(needle: string): ArrayLike<number> {
    if (needle.length === 0) return Uint32Array.from(this.#keys.keys());
    if (!isAscii(needle)) return this.#nonAscii.filter((position) => this.#keys[position].includes(needle));
    if (needle.length <= 3) return this.#posting(gramCode(needle, 0, needle.length));
    let shortest = this.#posting(gramCode(needle, 0, 3));
    for (let start = 1; start + 3 <= needle.length && shortest.length > 0; start++) {
      const candidate = this.#posting(gramCode(needle, start, 3));
      if (candidate.length < shortest.length) shortest = candidate;
    }
    const matches: number[] = [];
    for (const position of shortest) if (this.#keys[position].includes(needle)) matches.push(position);
    return matches;
  }
}
