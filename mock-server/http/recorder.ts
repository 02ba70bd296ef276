// Records what happened: each API request into the journal and the log, each control request into the log.
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { API_PATHS, CONTROL_PREFIX } from '../api-facts.js';
import type { MockContext, RecordedRequest, RequestRecord } from '../context.js';
import type { ResolvedSettings } from '../settings.js';
import { cutText, JOURNAL_TEXT_CHARS, type Journal, type JournalEntry } from '../state/journal.js';
import { keptAnswer, keptBody, redactQuery } from '../state/redaction.js';

const roundMs = (ms: number) => Math.round(ms * 100) / 100;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

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
    const entry: JournalEntry = {
      seq: record.seq,
      time: record.time,
      method: req.method,
      path: req.path,
      query: redactQuery(query),
      body: record.keptBody ?? (record.body === undefined ? null : keptBody(record.body)),
      content_type: req.headers['content-type'] ?? null,
      errcode: record.errcode,
      ...(record.reason ? { reason: record.reason } : {}),
      status: record.status,
      duration_ms,
      // An issued token is as secret as one sent: the answer keeps it cut, the entry its hash.
      ...(record.answer !== undefined ? { answer: keptAnswer(record.answer) } : {}),
      ...(record.clientClosedAt !== undefined
        ? { client_closed_ms: roundMs(record.clientClosedAt - record.started) }
        : {}),
      ...(token !== undefined ? { access_token_sha256: sha256(token) } : {}),
      ...(issued !== undefined ? { issued_token_sha256: sha256(issued) } : {}),
      ...(record.invocation ? { invocation: record.invocation } : {}),
    };
    // The log sees what the journal keeps: every text bounded.
    const kept = journal.record(entry);
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
