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
}

/** What `GET /__mock/requests` answers: entries oldest first, and cursors for asking only for newer ones. */
export interface JournalSnapshot {
  requests: JournalEntry[];
  /** Entries pushed out of the ring buffer since the journal was last cleared. */
  dropped: number;
  /** The cursor of the oldest entry still kept; a client drops what it holds below it. */
  oldest: number;
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
  #start = 0;
  #size = 0;
  #dropped = 0;
  #seq = 0;
  #recorded = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#entries = new Array(capacity);
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

  record(entry: JournalEntry): void {
    this.#recorded += 1;
    if (this.capacity === 0) {
      this.#dropped += 1;
      return;
    }
    if (this.#size === this.capacity) {
      this.#entries[this.#start] = entry;
      this.#start = (this.#start + 1) % this.capacity;
      this.#dropped += 1;
    } else {
      this.#entries[(this.#start + this.#size) % this.capacity] = entry;
      this.#size += 1;
    }
  }

  /**
   * The entries kept, oldest first; with `after`, only those recorded at or after that cursor, and
   * with `limit`, only the newest `limit` of those. A cursor past `next` (one from an earlier
   * process) counts as 0.
   */
  snapshot(after = 0, limit = Number.POSITIVE_INFINITY): JournalSnapshot {
    const oldest = this.#recorded - this.#size;
    const from = Math.max(after > this.#recorded ? 0 : after - oldest, this.#size - limit, 0);
    const requests: JournalEntry[] = [];
    for (let i = from; i < this.#size; i++)
      requests.push(this.#entries[(this.#start + i) % this.capacity] as JournalEntry);
    return { requests, dropped: this.#dropped, oldest, next: this.#recorded };
  }

  /** Empties the journal and its dropped count; returns how many entries were removed. */
  clear(): number {
    const removed = this.#size;
    this.#entries = new Array(this.capacity);
    this.#start = 0;
    this.#size = 0;
    this.#dropped = 0;
    return removed;
  }
}

/**
 * Cuts a secret to a short prefix for logs and the journal.
 * @example redactToken('tok-a-1234567890') // 'tok-a-…'
 */
export function redactToken(token: string): string {
  return `${token.slice(0, Math.min(6, Math.floor(token.length / 2)))}…`;
}

/**
 * Query keys that carry a token, cut short wherever a request is shown.
 * @example TOKEN_QUERY_KEYS.includes('component_access_token') // true
 */
export const TOKEN_QUERY_KEYS: readonly string[] = ['access_token', 'component_access_token'];

/** JSON keys whose string values are secrets: tokens, the platform's secret and its ticket. */
const SECRET_BODY_KEYS =
  /("(?:access_token|component_access_token|component_appsecret|component_verify_ticket)"\s*:\s*")([^"]*)"/g;

/**
 * A request body as text with every secret in it (tokens, a component's secret and ticket) cut
 * to a short prefix: a secret sent in a body is as secret as one in the query.
 * @example redactBodyText('{"component_appsecret":"0123456789abcdef"}') // '{"component_appsecret":"012345…"}'
 */
export function redactBodyText(text: string): string {
  return text.replace(SECRET_BODY_KEYS, (_m, head: string, secret: string) => `${head}${redactToken(secret)}"`);
}
