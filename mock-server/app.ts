// Wiring: builds the state one mock serves and mounts the endpoints, the control API and the dashboard on Express (never listens).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import cors from 'cors';
import express from 'express';
import {
  API_PATH_LIST,
  API_PATHS,
  AUTHORIZER_TOKEN_QUERY_KEYS,
  CONTROL_PREFIX,
  HEALTH_PATH,
  INVOKE_TOKEN_QUERY_KEYS,
  TOKEN_QUERY_KEYS,
} from './api-facts.js';
import type { MockContext } from './context.js';
import { answerAuthorizerToken } from './endpoints/api-authorizer-token.js';
import { answerComponentToken } from './endpoints/api-component-token.js';
import { answerBatchUpdateTriggers } from './endpoints/batchupdatetriggers.js';
import { answerBatchUploadScf } from './endpoints/batchuploadscf.js';
import { answerBatchUploadScfCode } from './endpoints/batchuploadscfcode.js';
import { answerDeleteScf } from './endpoints/deletescf.js';
import { answerDescribeEnvs } from './endpoints/describeenvs.js';
import { answerGetScfList } from './endpoints/getscflist.js';
import { answerGetTriggers } from './endpoints/gettriggers.js';
import { answerInvokeCloudFunction } from './endpoints/invokecloudfunction.js';
import type { Answer } from './endpoints/request-rules.js';
import { answerRidGet } from './endpoints/rid-get.js';
import { answerUpdateScfConfig } from './endpoints/updatescfconfig.js';
import { type ApiHandler, type ApiRouteOptions, apiHandler, apiRoute } from './http/api-route.js';
import { controlRouter } from './http/control-api.js';
import { guardControl } from './http/control-guard.js';
import { dashboardRouter } from './http/dashboard/dashboard.js';
import { errorHandler, notFound } from './http/error-middleware.js';
import { logControl, makeRecorder } from './http/recorder.js';
import { type MockOptions, resolveSettings } from './settings.js';
import { AuthorizerRegistry } from './state/authorizer-registry.js';
import { checkMockData } from './state/data-file.js';
import { DEFAULT_DATA } from './state/default-data.js';
import { Store } from './state/env-store.js';
import { FaultQueue } from './state/fault-queue.js';
import { FunctionLifecycle } from './state/function-lifecycle.js';
import { Journal } from './state/journal.js';
import { MockClock } from './state/mock-clock.js';
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

/** The characters for which Express's URL parser (parseurl) leaves its fast path. */
const SLOW_URL = /[\t\n\f\r #\u00a0\ufeff]/;

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
  const authorizers = new AuthorizerRegistry(clock, store.seed);
  store.onLoad((loaded, seed) => {
    registry.load(loaded.components ?? {}, seed, loaded.component_check);
    authorizers.load(loaded.components ?? {}, seed);
  });
  const context: MockContext = {
    settings,
    store,
    journal,
    faults: new FaultQueue(),
    clock,
    registry,
    authorizers,
    rids: new RidMap(settings.journalLimit, clock),
    lifecycle: new FunctionLifecycle(store, clock),
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
  const routes: [keyof typeof API_PATHS, Answer, ApiRouteOptions][] = [
    ['getscflist', answerGetScfList, componenttcb],
    ['describeenvs', answerDescribeEnvs, componenttcb],
    ['componentToken', answerComponentToken, { tokenKeys: [] }],
    ['ridGet', answerRidGet, { tokenKeys: ['access_token'] }],
    ['batchuploadscf', answerBatchUploadScf, componenttcb],
    ['batchuploadscfcode', answerBatchUploadScfCode, componenttcb],
    ['updatescfconfig', answerUpdateScfConfig, componenttcb],
    ['deletescf', answerDeleteScf, componenttcb],
    ['gettriggers', answerGetTriggers, componenttcb],
    ['batchupdatetriggers', answerBatchUpdateTriggers, componenttcb],
    ['authorizerToken', answerAuthorizerToken, { tokenKeys: AUTHORIZER_TOKEN_QUERY_KEYS }],
    ['invokeCloudFunction', answerInvokeCloudFunction, { tokenKeys: INVOKE_TOKEN_QUERY_KEYS, bodyIsEvent: true }],
  ];
  /** The API's handlers by their exact path: the hot path (see mockApp below). */
  const direct = new Map<string, ApiHandler>();
  for (const [name, answer, options] of routes) {
    const handle = apiHandler(context, API_PATHS[name], answer, options);
    app.all(API_PATHS[name], apiRoute(handle));
    direct.set(API_PATHS[name], handle);
  }
  // Before the control API's checks and its log: health checks call it every few seconds, by whatever
  // name reaches the mock, without a token; it says nothing but that the mock is up.
  app.get(HEALTH_PATH, (_req, res) => {
    res.json({ status: 'ok' });
  });
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
  const onError = errorHandler(context);
  app.use(onError);

  // The hot path: a request to an API path exactly as written (the path every client sends) goes
  // straight to its handler, with the path and query as Express's router would give them; anything
  // else (another spelling Express also routes, CORS preflights and headers, /__mock/, unknown
  // paths) goes through Express. Express's router and its per-request prototype changes were the
  // largest cost left on the API's path (docs/performance.md).
  const hotPath = settings.cors.length === 0;
  const mockApp = function mockApp(req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) {
    // A URL with a character that makes Express parse it the slow way (a fragment, white space) goes
    // through Express too, so the path and query are always the ones its router would see.
    const url = req.url ?? '';
    if (hotPath && !SLOW_URL.test(url)) {
      const mark = url.indexOf('?');
      const path = mark === -1 ? url : url.slice(0, mark);
      const handle = direct.get(path);
      if (handle) {
        const query = parseQuery(mark === -1 ? '' : url.slice(mark + 1)) as Record<string, unknown>;
        handle(req, res, path, query).catch((error: unknown) => {
          // As Express would: the one error middleware answers, on Express's request and response.
          Object.setPrototypeOf(req, app.request);
          Object.setPrototypeOf(res, app.response);
          Object.assign(req, { res });
          Object.assign(res, { req });
          onError(error, req as unknown as express.Request, res as unknown as express.Response, () => {});
        });
        return;
      }
    }
    app(req as unknown as express.Request, res as unknown as express.Response, next as (error?: unknown) => void);
  };
  // Everything else an Express app has (use, set, listen, handle, …) is the app's.
  Object.setPrototypeOf(mockApp, app);
  return Object.assign(mockApp, { mock: context }) as unknown as MockApp;
}
