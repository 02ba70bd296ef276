import { createHash } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import cors from 'cors';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { API_PATH_LIST, API_PATHS, CONTROL_PREFIX, WECHAT_CONTENT_TYPE } from './api-facts.js';
import { answerComponentToken } from './endpoints/api-component-token.js';
import { answerDescribeEnvs } from './endpoints/describeenvs.js';
import { answerGetScfList } from './endpoints/getscflist.js';
import { readToken } from './endpoints/request-rules.js';
import { answerRidGet } from './endpoints/rid-get.js';
import { errorBody, makeRid } from './error-codes.js';
import { apiRoute } from './http/api-route.js';
import { ControlError, controlRouter } from './http/control-api.js';
import { guardControl } from './http/control-guard.js';
import { dashboardRouter } from './http/dashboard/dashboard.js';
import {
  type MockContext,
  type MockOptions,
  type RequestRecord,
  type ResolvedSettings,
  resolveSettings,
} from './settings.js';
import { checkMockData } from './state/data-file.js';
import { DEFAULT_DATA } from './state/default-data.js';
import { Store } from './state/env-store.js';
import { FaultQueue } from './state/fault-queue.js';
import { cutText, JOURNAL_TEXT_CHARS, Journal, type JournalEntry, TOKEN_QUERY_KEYS } from './state/journal.js';
import { MockClock } from './state/mock-clock.js';
import { keptBody, redactQuery } from './state/redaction.js';
import { RidMap } from './state/rid-map.js';
import { TokenRegistry } from './state/token-registry.js';

/**
 * The mock as an app: a Node request listener (an Express app underneath) with the state it serves
 * on `mock`. Declared here rather than as Express's type so the published types need no
 * @types/express: pass it to http.createServer, supertest, or app.use() of your own Express app.
 * @example createServer(createApp()).listen(4020)
 */
export interface MockApp {
  (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void;
  /** The state the app serves: settings, store, journal, faults, clock, tokens, rids. */
  readonly mock: MockContext;
  /** Listens on a port, as Express's app.listen does. */
  listen(port?: number, host?: string, callback?: () => void): Server;
}

const roundMs = (ms: number) => Math.round(ms * 100) / 100;

function makeRecorder(journal: Journal, settings: ResolvedSettings): MockContext['record'] {
  return (req: Request, record: RequestRecord) => {
    const duration_ms = roundMs(performance.now() - record.started);
    const query = record.query ?? (req.query as Record<string, unknown>);
    const token = readToken(query, TOKEN_QUERY_KEYS);
    const entry: JournalEntry = {
      seq: record.seq,
      time: record.time,
      method: req.method,
      path: req.path,
      query: redactQuery(query),
      body: record.body === undefined ? null : keptBody(record.body),
      content_type: req.headers['content-type'] ?? null,
      errcode: record.errcode,
      ...(record.reason ? { reason: record.reason } : {}),
      status: record.status,
      duration_ms,
      ...(record.answer !== undefined ? { answer: record.answer } : {}),
      ...(record.clientClosedAt !== undefined
        ? { client_closed_ms: roundMs(record.clientClosedAt - record.started) }
        : {}),
      ...(token !== undefined ? { access_token_sha256: createHash('sha256').update(token).digest('hex') } : {}),
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

/** One log line per control request, as for the API, once its answer is sent. */
function logControl(settings: ResolvedSettings): RequestHandler {
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

function notFound(context: MockContext) {
  return (req: Request, res: Response) => {
    const started = performance.now();
    const reason = `no such API: ${req.method} ${req.path}; this mock serves POST ${API_PATH_LIST.join(', ')}`;
    const answer = JSON.stringify({ error: reason });
    context.record(req, {
      seq: context.journal.nextSeq(),
      time: new Date().toISOString(),
      started,
      errcode: null,
      status: 404,
      reason,
      answer,
    });
    res.status(404).type('json').send(answer);
  };
}

function errorHandler(context: MockContext): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    if (error instanceof ControlError) {
      res.status(error.status).json({ error: error.message, issues: error.issues });
      return;
    }
    const type = (error as { type?: string }).type;
    if (type === 'entity.parse.failed') {
      res.status(400).json({ error: `body: is not valid JSON (${(error as Error).message})`, issues: [] });
      return;
    }
    const status = Number((error as { status?: number }).status);
    if (status >= 400 && status < 500) {
      res.status(status).json({ error: (error as Error).message, issues: [] });
      return;
    }
    // A bug of ours: say so without a stack trace; the API still answers like WeChat does.
    const message = error instanceof Error ? error.message : String(error);
    console.error(`wechat-scf-kit: internal error on ${req.method} ${req.path}: ${message}`);
    const path = req.path.toLowerCase();
    if (API_PATH_LIST.some((api) => path.startsWith(api))) {
      res.status(200).setHeader('Content-Type', WECHAT_CONTENT_TYPE);
      res.end(errorBody(-1, { rid: context.settings.rid && makeRid(context.clock.now()) }));
    } else {
      res.status(500).json({ error: `internal error: ${message}`, issues: [] });
    }
  };
}

/**
 * Creates the mock as an Express app, without listening: for supertest, or to mount in your own server.
 * @example
 * import request from 'supertest';
 * const app = createApp({ rid: false });
 * await request(app).post('/componenttcb/getscflist?access_token=t').send({ env: 'prod-5g7k2m9x3d' });
 * @throws DataError when options.data breaks the data-file schema, RangeError for a bad option
 */
export function createApp(options: MockOptions = {}): MockApp {
  const settings = resolveSettings(options);
  const data = options.data === undefined ? DEFAULT_DATA : checkMockData(options.data, 'options.data');
  const journal = new Journal(settings.journalLimit);
  const clock = new MockClock();
  const store = new Store(data, options.seed ?? data.seed ?? 1);
  const registry = new TokenRegistry(clock, store.seed);
  store.onLoad((loaded, seed) => registry.load(loaded.components ?? {}, seed));
  const context: MockContext = {
    settings,
    store,
    journal,
    faults: new FaultQueue(),
    clock,
    registry,
    rids: new RidMap(settings.journalLimit, clock),
    record: makeRecorder(journal, settings),
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (settings.cors.length > 0) {
    // Only the API route: it serves fake data a browser client may read. /__mock/ never gets CORS headers.
    const origin = settings.cors.includes('*') ? '*' : [...settings.cors];
    app.all(API_PATH_LIST as string[], cors({ origin, methods: ['POST'], maxAge: 600 }));
  }
  // componenttcb routes also read ?component_access_token= (WxJava, wechatpy and fastwego send it);
  // rid/get is documented with access_token only; the token endpoint is where a token comes from.
  const componenttcb = { tokenKeys: TOKEN_QUERY_KEYS };
  app.all(API_PATHS.getscflist, apiRoute(context, API_PATHS.getscflist, answerGetScfList, componenttcb));
  app.all(API_PATHS.describeenvs, apiRoute(context, API_PATHS.describeenvs, answerDescribeEnvs, componenttcb));
  app.all(
    API_PATHS.componentToken,
    apiRoute(context, API_PATHS.componentToken, answerComponentToken, { tokenKeys: [] }),
  );
  app.all(API_PATHS.ridGet, apiRoute(context, API_PATHS.ridGet, answerRidGet, { tokenKeys: ['access_token'] }));
  const guard = guardControl({ allowedHosts: settings.allowedHosts, bodyLimit: settings.bodyLimit });
  if (settings.control) {
    app.use(
      CONTROL_PREFIX,
      logControl(settings),
      guard,
      // The dashboard's page and files come before the control token check: the page asks for the token.
      dashboardRouter(settings),
      controlRouter(context),
    );
  } else {
    // A page saying how to turn the control API on, behind the same checks as every /__mock/ route.
    app.use(CONTROL_PREFIX, guard, dashboardRouter(settings));
  }
  app.use(notFound(context));
  app.use(errorHandler(context));
  return Object.assign(app, { mock: context }) as unknown as MockApp;
}
