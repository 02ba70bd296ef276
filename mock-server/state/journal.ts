// The journal: a ring buffer of recent requests with bounded texts, read by the control API and the dashboard.
import { API_PATHS } from '../api-facts.js';
/** One request as the journal records it. Access tokens are cut to a short prefix. */
export interface JournalEntry {
  /** Order of arrival, from 1. */
  seq: number;
  /** ISO time the request arrived. */
  time: string;
  method: string;
  /** The path without the query string. */
  path: string;
  query: Record<string, string | string[]>;
  /** The raw body as text (invalid UTF-8 shown as U+FFFD), or null when none was sent. */
  body: string | null;
  /** The request's Content-Type header, or null. */
  content_type: string | null;
  /** The WeChat errcode answered, or null when no WeChat answer was sent (an HTTP or connection fault). */
  errcode: number | null;
  /** Why the request failed, when it did. */
  reason?: string;
  /** The HTTP status sent, or null when the connection was dropped. */
  status: number | null;
  duration_ms: number;
  /** The body answered (cut like body), absent when none was sent. */
  answer?: string;
  /** The client closed the connection this long after the request arrived, before the answer was complete. */
  client_closed_ms?: number;
  /** SHA-256 (hex) of the whole access_token sent: an exact comparison without keeping the token. */
  access_token_sha256?: string;
  /** SHA-256 (hex) of the token an api_component_token or api_authorizer_token answer issued (the answer keeps it cut). */
  issued_token_sha256?: string;
  /** For invokecloudfunction, once env, name and a JSON event were read: the call as the function saw it. */
  invocation?: JournalInvocation;
}

/** One cloud function call in the journal: which function, the event it was sent, and its result or error. */
export interface JournalInvocation {
  env: string;
  name: string;
  /** The event as sent, parsed; past 4,096 characters of JSON it is kept as its cut JSON text (body has 16 kB of it). */
  event: unknown;
  /** resp_data as answered, when the function returned a result. */
  resp_data?: string;
  /** The scripted error, when the function threw. */
  error?: string;
}

/**
 * What `GET /__mock/requests` may filter by (all given must hold): the request's env (its body's,
 * else its query's), the SHA-256 of its whole access token, and its body's component_appid, as a
 * fault's `match` reads a request.
 */
export interface JournalFilter {
  env?: string;
  access_token_sha256?: string;
  component_appid?: string;
}

/** The env and component_appid a journal entry's request carried, read from its kept body once. */
interface EntryKeys {
  env?: string;
  component_appid?: string;
}

// Read when a filter first asks, not when the request is recorded: the API path pays nothing for it.
const entryKeys = new WeakMap<JournalEntry, EntryKeys>();

function keysOf(entry: JournalEntry): EntryKeys {
  let keys = entryKeys.get(entry);
  if (keys) return keys;
  keys = {};
  // invokecloudfunction's body is the function's event: its env is the query's, and it carries no appid.
  if (entry.path !== API_PATHS.invokeCloudFunction && entry.body?.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(entry.body);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const { env, component_appid } = parsed as Record<string, unknown>;
        if (typeof env === 'string') keys.env = env;
        if (typeof component_appid === 'string') keys.component_appid = component_appid;
      }
    } catch {
      // Not JSON (or cut short in the journal): the request carried no env or appid a filter can read.
    }
  }
  const queryEnv = entry.query.env;
  if (keys.env === undefined && queryEnv !== undefined) keys.env = Array.isArray(queryEnv) ? queryEnv[0] : queryEnv;
  entryKeys.set(entry, keys);
  return keys;
}

/**
 * True when a journal entry's request carried every key the filter names.
 * @example entryMatches(entry, { env: 'test-a-1' })
 */
export function entryMatches(entry: JournalEntry, filter: JournalFilter): boolean {
  if (filter.access_token_sha256 !== undefined && entry.access_token_sha256 !== filter.access_token_sha256)
    return false;
  if (filter.env === undefined && filter.component_appid === undefined) return true;
  const keys = keysOf(entry);
  if (filter.env !== undefined && keys.env !== filter.env) return false;
  return filter.component_appid === undefined || keys.component_appid === filter.component_appid;
}

/** What `GET /__mock/requests` answers: entries oldest first, and cursors for asking only for newer ones. */
export interface JournalSnapshot {
  requests: JournalEntry[];
  /** Entries pushed out of the ring buffer since the journal was last cleared. */
  dropped: number;
  /** The cursor of the oldest entry still kept; a client drops what it holds below it. */
  oldest: number;
  /** The cursor of the first entry in `requests` (of the next one recorded when there is none): pass it as `before` for the page before. */
  first: number;
  /** The cursor to pass as `after` next time to get only entries recorded since. */
  next: number;
}

/**
 * A bounded journal: the newest `capacity` entries, oldest first, and an exact count of the
 * entries pushed out, so `recorded + dropped` always equals the requests received.
 * Every entry also gets a cursor, its position in the order of recording, which never goes back
 * (not even on clear), so a poller can ask for what is new without missing an entry.
 * @example
 * const journal = new Journal(2);
 * journal.record(a); journal.record(b); journal.record(c);
 * journal.snapshot() // { requests: [b, c], dropped: 1, oldest: 1, next: 3 }
 * journal.snapshot(2) // { requests: [c], dropped: 1, oldest: 1, next: 3 }
 */
export class Journal {
  readonly capacity: number;
  #entries: (JournalEntry | undefined)[];
  /** Per slot, the work left to finish its entry before anyone reads it (see record). */
  #settle: (((entry: JournalEntry) => void) | undefined)[];
  #start = 0;
  #size = 0;
  #dropped = 0;
  #seq = 0;
  #recorded = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#entries = new Array(capacity);
    this.#settle = new Array(capacity);
  }

  /** The sequence number of the latest request to arrive (0 before any): entries below it may still be in flight. */
  get lastSeq(): number {
    return this.#seq;
  }

  /** The next sequence number, taken when a request arrives. */
  nextSeq(): number {
    this.#seq += 1;
    return this.#seq;
  }

  /**
   * Keeps a bounded copy of the entry (see boundEntry) and returns it. `settle`, when given, is
   * work on the kept copy (redacting its body and answer) put off until the entry is first read:
   * most entries are pushed out unread, and the API path should not pay for what nobody reads.
   * Until then the returned copy may hold texts not yet redacted; every read goes through snapshot.
   */
  record(full: JournalEntry, settle?: (entry: JournalEntry) => void): JournalEntry {
    const entry = boundEntry(full);
    this.#recorded += 1;
    if (this.capacity === 0) {
      this.#dropped += 1;
      return entry;
    }
    let slot: number;
    if (this.#size === this.capacity) {
      slot = this.#start;
      this.#start = (this.#start + 1) % this.capacity;
      this.#dropped += 1;
    } else {
      slot = (this.#start + this.#size) % this.capacity;
      this.#size += 1;
    }
    this.#entries[slot] = entry;
    this.#settle[slot] = settle;
    return entry;
  }

  /** The entry at position i (0 = oldest kept), its deferred work done. */
  #read(i: number): JournalEntry {
    const slot = (this.#start + i) % this.capacity;
    const entry = this.#entries[slot] as JournalEntry;
    const settle = this.#settle[slot];
    if (settle !== undefined) {
      this.#settle[slot] = undefined;
      settle(entry);
    }
    return entry;
  }

  /**
   * The entries kept, oldest first; with `after`, only those recorded at or after that cursor, with
   * `before`, only those recorded before that one, and with `limit`, only the newest `limit` of
   * those; with a filter, only those whose request matches it (`dropped`, `oldest` and `next` stay
   * the whole journal's, so a cursor works with any filter). A cursor past `next` (one from an
   * earlier process) counts as 0.
   */
  snapshot(
    after = 0,
    limit = Number.POSITIVE_INFINITY,
    filter?: JournalFilter,
    before = Number.POSITIVE_INFINITY,
  ): JournalSnapshot {
    const oldest = this.#recorded - this.#size;
    const to = Math.max(Math.min(before - oldest, this.#size), 0);
    const start = Math.min(Math.max(after > this.#recorded ? 0 : after - oldest, 0), to);
    const requests: JournalEntry[] = [];
    if (!filter) {
      const from = Math.max(start, to - limit);
      for (let i = from; i < to; i++) requests.push(this.#read(i));
      return { requests, dropped: this.#dropped, oldest, first: oldest + from, next: this.#recorded };
    }
    // Newest first, so a limit stops the walk once it has the newest `limit` matches.
    let first = oldest + to;
    for (let i = to - 1; i >= start && requests.length < limit; i--) {
      const entry = this.#read(i);
      if (entryMatches(entry, filter)) {
        requests.push(entry);
        first = oldest + i;
      }
    }
    return { requests: requests.reverse(), dropped: this.#dropped, oldest, first, next: this.#recorded };
  }

  /** Empties the journal and its dropped count; returns how many entries were removed. */
  clear(): number {
    const removed = this.#size;
    this.#entries = new Array(this.capacity);
    this.#settle = new Array(this.capacity);
    this.#start = 0;
    this.#size = 0;
    this.#dropped = 0;
    return removed;
  }
}

/**
 * Longest text kept from a request in a journal field (reason, path, a query value, …), in characters.
 * @example boundEntry(entry).reason!.length <= JOURNAL_TEXT_CHARS + 40
 */
export const JOURNAL_TEXT_CHARS = 1024;
/**
 * Longest body or answer kept in the journal, in characters.
 * @example boundEntry(entry).body!.length <= JOURNAL_BODY_CHARS + 40
 */
export const JOURNAL_BODY_CHARS = 16 * 1024;
/** Room for the note a cut text ends with; a text already cut with its note is not cut again. */
const NOTE_ROOM = 40;
/** Most keys or items kept of an object or array (a query has few; a hostile one has thousands). */
const MAX_ITEMS = 16;
const LONG_FIELDS: ReadonlySet<string> = new Set(['body', 'answer']);

/**
 * Cuts a text to `max` characters, noting how long the whole was, so a cut is never mistaken for what was sent.
 * @example cutText('x'.repeat(5000), 1024) // 'xxx…x… [5000 characters in all]'
 */
export function cutText(text: string, max: number, whole = `${text.length} characters`): string {
  if (text.length <= max && whole === `${text.length} characters`) return text;
  return `${copyText(text.slice(0, max))}… [${whole} in all]`;
}

/**
 * A fresh copy of a text. V8 keeps a slice as a view of the whole it was cut from, so a 1 kB cut of
 * a 1 MB reason would keep the 1 MB alive for as long as the journal keeps the entry.
 */
function copyText(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}

function boundValue(value: unknown, max: number): unknown {
  if (typeof value === 'string') return value.length > max + NOTE_ROOM ? cutText(value, max) : value;
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_ITEMS).map((item) => boundValue(item, max / 4));
    return value.length > MAX_ITEMS ? [...kept, `… [${value.length} items in all]`] : kept;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const entries = Object.entries(value);
    for (const [key, item] of entries.slice(0, MAX_ITEMS)) {
      // defineProperty keeps a "__proto__" key as data, where assignment would drop it.
      Object.defineProperty(out, cutText(key, 64), {
        value: boundValue(item, max / 4),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    if (entries.length > MAX_ITEMS) out['…'] = `[${entries.length} keys in all]`;
    return out;
  }
  return value;
}

/**
 * A body or answer text bounded as boundEntry bounds one: for a text finished after the entry was
 * bounded (redacted on first read, see Journal.record).
 * @example boundLongText('x'.repeat(1e6)).length // 16,384 x's and a note
 */
export function boundLongText(text: string): string {
  return boundValue(text, JOURNAL_BODY_CHARS) as string;
}

/**
 * The entry with every text copied from a request bounded: bodies and answers to JOURNAL_BODY_CHARS,
 * every other string (reason, path, …) to JOURNAL_TEXT_CHARS, and objects and arrays (the query) to
 * 16 members of a quarter of that each, and an invocation's event and resp_data to a quarter of
 * JOURNAL_BODY_CHARS each. A journal of N entries so holds at most about N × 45 kB of JSON, whatever
 * clients send.
 * @example boundEntry({ ...entry, reason: 'x'.repeat(1e6) }).reason // 1024 x's, then '… [1000000 characters in all]'
 */
export function boundEntry(entry: JournalEntry): JournalEntry {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) {
    out[key] =
      key === 'invocation'
        ? boundInvocation(value as JournalInvocation)
        : boundValue(value, LONG_FIELDS.has(key) ? JOURNAL_BODY_CHARS : JOURNAL_TEXT_CHARS);
  }
  return out as unknown as JournalEntry;
}

/** Longest JSON of an invocation's event, and longest resp_data, kept in the journal: a quarter of a body each. */
const INVOCATION_CHARS = JOURNAL_BODY_CHARS / 4;

/**
 * An invocation with its event kept whole (a test asserts on what its client sent) while its JSON
 * fits INVOCATION_CHARS, else as that JSON cut (the entry's body keeps more); the rest bounded like texts.
 */
function boundInvocation(invocation: JournalInvocation): JournalInvocation {
  const json = JSON.stringify(invocation.event) ?? 'null';
  return {
    env: cutText(invocation.env, JOURNAL_TEXT_CHARS),
    name: cutText(invocation.name, JOURNAL_TEXT_CHARS),
    event: json.length <= INVOCATION_CHARS ? invocation.event : cutText(json, INVOCATION_CHARS),
    ...(invocation.resp_data === undefined
      ? {}
      : { resp_data: boundValue(invocation.resp_data, INVOCATION_CHARS) as string }),
    ...(invocation.error === undefined ? {} : { error: cutText(invocation.error, JOURNAL_TEXT_CHARS) }),
  };
}
