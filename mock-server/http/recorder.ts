// Records what happened: each API request into the journal and the log, each control request into the log.
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { API_PATHS, CONTROL_PREFIX } from '../api-facts.js';
import type { MockContext, RecordedRequest, RequestRecord } from '../context.js';
import type { ResolvedSettings } from '../settings.js';
import {
  boundLongText,
  cutText,
  JOURNAL_BODY_CHARS,
  JOURNAL_TEXT_CHARS,
  type Journal,
  type JournalEntry,
} from '../state/journal.js';
import { keptAnswer, keptBody, redactBodyText, redactQuery } from '../state/redaction.js';

const roundMs = (ms: number) => Math.round(ms * 100) / 100;

/** Longest token whose hash is remembered, and how many are: a client sends the same few tokens again and again. */
const HASHED_TOKEN_CHARS = 512;
const HASHED_TOKENS = 256;
const hashes = new Map<string, string>();

/** SHA-256 (hex) of a token, computed once per distinct token while it stays among the last HASHED_TOKENS. */
function sha256(text: string): string {
  let hash = hashes.get(text);
  if (hash !== undefined) return hash;
  hash = createHash('sha256').update(text).digest('hex');
  if (text.length <= HASHED_TOKEN_CHARS) {
    // A bounded cache: past its size it starts afresh (a map of thousands of one-off tokens helps nobody).
    if (hashes.size >= HASHED_TOKENS) hashes.clear();
    hashes.set(text, hash);
  }
  return hash;
}

/**
 * Longest body (in bytes) and answer (in characters) whose redaction waits until the journal entry
 * is read. Below these sizes the redacted text always fits the journal's bound (a redacted secret
 * is at most twice its key's length longer), so redacting later gives the very text redacting at
 * once would have; larger ones are redacted at once, as before.
 */
const DEFERRED_BODY_BYTES = JOURNAL_BODY_CHARS / 4;
const DEFERRED_ANSWER_CHARS = JOURNAL_BODY_CHARS;

// The journal's deferred work (Journal.record's settle), module-level so no request makes a closure.
function redactBody(entry: JournalEntry): void {
  if (entry.body !== null) entry.body = boundLongText(redactBodyText(entry.body));
}
function redactAnswer(entry: JournalEntry): void {
  if (entry.answer !== undefined) entry.answer = boundLongText(redactBodyText(entry.answer));
}
function redactBoth(entry: JournalEntry): void {
  redactBody(entry);
  redactAnswer(entry);
}

/** The token an api_component_token or api_authorizer_token answer issued, or undefined: the journal keeps only its hash. */
function issuedToken(path: string, answer: string | undefined): string | undefined {
  const key =
    path === API_PATHS.componentToken
      ? 'component_access_token'
      : path === API_PATHS.authorizerToken
        ? 'authorizer_access_token'
        : undefined;
  if (key === undefined || answer === undefined) return undefined;
  try {
    const token = (JSON.parse(answer) as Record<string, unknown>)[key];
    return typeof token === 'string' ? token : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Records a finished API request in the journal and the log: every text bounded, the token kept
 * only as its SHA-256 (the kit matches a client's requests by it).
 * @example const record = makeRecorder(journal, settings); record(req, { seq, time, started, errcode: 0, status: 200 })
 */
export function makeRecorder(journal: Journal, settings: ResolvedSettings): MockContext['record'] {
  return (req: RecordedRequest, record: RequestRecord) => {
    const duration_ms = roundMs(performance.now() - record.started);
    const query = record.query ?? (req.query as Record<string, unknown>);
    const token = record.token;
    const issued = issuedToken(req.path, record.answer);
    // The body and the answer are kept as they came and redacted when the entry is first read.
    const deferBody =
      record.keptBody === undefined && record.body !== undefined && record.body.length <= DEFERRED_BODY_BYTES;
    const deferAnswer = record.answer !== undefined && record.answer.length <= DEFERRED_ANSWER_CHARS;
    // An answer that can be made again is not kept at all until the entry is read (see Outcome.bodyAgain).
    const again = deferAnswer ? record.answerAgain : undefined;
    const entry: JournalEntry = {
      seq: record.seq,
      time: record.time,
      method: req.method,
      path: req.path,
      query: redactQuery(query),
      body: deferBody
        ? (record.body as Buffer).toString('utf8')
        : (record.keptBody ?? (record.body === undefined ? null : keptBody(record.body))),
      content_type: req.headers['content-type'] ?? null,
      errcode: record.errcode,
      ...(record.reason ? { reason: record.reason } : {}),
      status: record.status,
      duration_ms,
      // An issued token is as secret as one sent: the answer keeps it cut, the entry its hash.
      ...(record.answer !== undefined
        ? { answer: again ? '' : deferAnswer ? record.answer : keptAnswer(record.answer) }
        : {}),
      ...(record.clientClosedAt !== undefined
        ? { client_closed_ms: roundMs(record.clientClosedAt - record.started) }
        : {}),
      ...(token !== undefined ? { access_token_sha256: sha256(token) } : {}),
      ...(issued !== undefined ? { issued_token_sha256: sha256(issued) } : {}),
      ...(record.invocation ? { invocation: record.invocation } : {}),
    };
    // The log sees what the journal keeps: every text bounded.
    const settle = deferBody ? (deferAnswer ? redactBoth : redactBody) : deferAnswer ? redactAnswer : undefined;
    const kept = journal.record(
      entry,
      again
        ? (stored) => {
            stored.answer = again();
            settle?.(stored);
          }
        : settle,
    );
    if (settings.log) {
      const outcome = record.errcode ?? (record.status === null ? 'dropped' : `HTTP ${record.status}`);
      const { time, method, path, errcode, reason, status } = kept;
      settings.log(`${method} ${path} ${outcome}${reason ? ` (${reason})` : ''} ${duration_ms}ms`, {
        time,
        method,
        path,
        errcode,
        status,
        ...(reason ? { reason } : {}),
        duration_ms,
      });
    }
  };
}

/**
 * One log line per control request, as for the API, once its answer is sent.
 * @example app.use(CONTROL_PREFIX, logControl(settings), controlRouter(context))
 */
export function logControl(settings: ResolvedSettings): RequestHandler {
  return (req, res, next) => {
    const log = settings.log;
    if (log) {
      const started = performance.now();
      const time = new Date().toISOString();
      // Bounded as the journal bounds an API path: a 12 kB path would otherwise make a 12 kB log line.
      const path = cutText(`${CONTROL_PREFIX}${req.path}`, JOURNAL_TEXT_CHARS);
      res.once('close', () => {
        const duration_ms = Math.round((performance.now() - started) * 100) / 100;
        const status = res.headersSent ? res.statusCode : null;
        // Reads that succeed are not logged: an open dashboard polls twice a second and would bury the API's lines.
        if (req.method === 'GET' && status !== null && status < 400) return;
        log(`${req.method} ${path} ${status === null ? 'dropped' : `HTTP ${status}`} ${duration_ms}ms`, {
          time,
          method: req.method,
          path,
          errcode: null,
          status,
          duration_ms,
        });
      });
    }
    next();
  };
}
