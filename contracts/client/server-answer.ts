// What the server did with one request, read from its journal entry (shared by the checks and the timing policy).
import type { JournalEntry } from '../../mock-server/state/journal.js';

/** What the server did with one request: a WeChat answer (its body), or a transport failure (what happened). */
export type ServerAnswer = { kind: 'wechat'; body: Record<string, unknown> } | { kind: 'transport'; what: string };

/**
 * Reads the server's answer from a journal entry alone (a long answer the journal cut reads as
 * "not JSON": see isCutShort).
 * @example answerOf({ ...entry, status: null }) // { kind: 'transport', what: 'closed the connection without an answer' }
 */
export function answerOf(entry: JournalEntry): ServerAnswer {
  if (entry.client_closed_ms !== undefined)
    return { kind: 'transport', what: 'had not answered when the client gave up' };
  if (entry.status === null) return { kind: 'transport', what: 'closed the connection without an answer' };
  if (entry.status !== 200) return { kind: 'transport', what: `answered HTTP ${entry.status} with an HTML page` };
  try {
    const body = JSON.parse(entry.answer ?? '');
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) return { kind: 'wechat', body };
  } catch {}
  return { kind: 'transport', what: 'answered a body that is not JSON' };
}

/**
 * True when the journal cut a whole WeChat answer short (it keeps long answers cut): the request,
 * sent again in the same state, gets that answer in full.
 * @example isCutShort({ ...entry, status: 200, answer: '{"errcode":0,…' }) // true
 */
export function isCutShort(entry: JournalEntry): boolean {
  return Boolean(
    entry.answer?.endsWith('…') &&
      entry.client_closed_ms === undefined &&
      !entry.reason?.startsWith('fault:') &&
      entry.status === 200 &&
      entry.body,
  );
}
