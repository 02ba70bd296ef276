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
 *
 * The codes count only the ASCII characters the names hold (their alphabet, about 40 for generated
 * names): a space for all 128 took 8.4 MB of bounds at any size (2.1 million codes), and as much
 * again while building; 40 characters take 66,000 codes, 0.3 MB.
 */

const ASCII = 128;

/** The names' ASCII characters, each with its number in the alphabet (-1: in no name). */
class Alphabet {
  readonly letter = new Int16Array(ASCII).fill(-1);
  size = 0;

  add(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < ASCII && this.letter[c] === -1) this.letter[c] = this.size++;
    }
  }

  /** How many codes its 1-, 2- and 3-grams take. */
  get codes(): number {
    return this.size + this.size * this.size + this.size * this.size * this.size;
  }

  /** The code of an ASCII gram all of whose characters are in the alphabet, else -1. */
  gramCode(text: string, start: number, length: number): number {
    const n = this.size;
    const a = this.letter[text.charCodeAt(start)];
    if (length === 1) return a;
    const b = this.letter[text.charCodeAt(start + 1)];
    if (a < 0 || b < 0) return -1;
    if (length === 2) return n + a * n + b;
    const c = this.letter[text.charCodeAt(start + 2)];
    if (c < 0) return -1;
    return n + n * n + (a * n + b) * n + c;
  }
}

/** Calls visit(code) for each ASCII gram of a name (whose ASCII characters are all in the alphabet). */
function eachGram(alphabet: Alphabet, name: string, visit: (code: number) => void): void {
  if (isAscii(name)) {
    for (let start = 0; start < name.length; start++) {
      visit(alphabet.gramCode(name, start, 1));
      if (start + 2 <= name.length) visit(alphabet.gramCode(name, start, 2));
      if (start + 3 <= name.length) visit(alphabet.gramCode(name, start, 3));
    }
    return;
  }
  for (let length = 1; length <= 3; length++) {
    for (let start = 0; start + length <= name.length; start++) {
      let ascii = true;
      for (let i = start; i < start + length; i++) if (name.charCodeAt(i) >= ASCII) ascii = false;
      if (ascii) visit(alphabet.gramCode(name, start, length));
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
  readonly #alphabet = new Alphabet();
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
    const alphabet = this.#alphabet;
    for (const key of keys) alphabet.add(key);
    const codes = alphabet.codes;
    // The last position seen for each code, so a name counts a gram once however often it has it.
    // Freed after the build; what stays is bounds and postings.
    const last = new Int32Array(codes).fill(-1);
    // Counting sort in one array: the count of each code at [code + 1], then ends by prefix sums;
    // filling backwards leaves the positions of code at [code + 1] .. [code + 2].
    const bounds = new Uint32Array(codes + 2);
    for (let position = 0; position < keys.length; position++) {
      const key = keys[position];
      if (!isAscii(key)) this.#nonAscii.push(position);
      eachGram(alphabet, key, (code) => {
        if (last[code] !== position) {
          last[code] = position;
          bounds[code + 1] += 1;
        }
      });
    }
    for (let code = 1; code < codes + 2; code++) bounds[code] += bounds[code - 1];
    const postings = new Uint32Array(bounds[codes + 1]);
    last.fill(-1);
    for (let position = keys.length - 1; position >= 0; position--) {
      eachGram(alphabet, keys[position], (code) => {
        if (last[code] !== position) {
          last[code] = position;
          postings[--bounds[code + 1]] = position;
        }
      });
    }
    this.#bounds = bounds;
    this.#postings = postings;
  }

  /** The positions of the names containing a gram; none for a gram with a character no name holds (code -1). */
  #posting(code: number): Uint32Array {
    if (code < 0) return this.#postings.subarray(0, 0);
    return this.#postings.subarray(this.#bounds[code + 1], this.#bounds[code + 2]);
  }

  /**
   * Positions of the names containing `needle` (already lower-cased), ascending.
   * @example index.match('get').length // how many names contain "get"
   */
  match(needle: string): ArrayLike<number> {
    if (needle.length === 0) return Uint32Array.from(this.#keys.keys());
    if (!isAscii(needle)) return this.#nonAscii.filter((position) => this.#keys[position].includes(needle));
    const alphabet = this.#alphabet;
    if (needle.length <= 3) return this.#posting(alphabet.gramCode(needle, 0, needle.length));
    let shortest = this.#posting(alphabet.gramCode(needle, 0, 3));
    for (let start = 1; start + 3 <= needle.length && shortest.length > 0; start++) {
      const candidate = this.#posting(alphabet.gramCode(needle, start, 3));
      if (candidate.length < shortest.length) shortest = candidate;
    }
    const matches: number[] = [];
    for (const position of shortest) if (this.#keys[position].includes(needle)) matches.push(position);
    return matches;
  }
}
