// Wiring: builds the state one mock serves and mounts the endpoints, the control API and the dashboard on Express (never listens).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
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
import { apiRoute } from './http/api-route.js';
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
  app.all(API_PATHS.getscflist, apiRoute(context, API_PATHS.getscflist, answerGetScfList, componenttcb));
  app.all(API_PATHS.describeenvs, apiRoute(context, API_PATHS.describeenvs, answerDescribeEnvs, componenttcb));
  app.all(
    API_PATHS.componentToken,
    apiRoute(context, API_PATHS.componentToken, answerComponentToken, { tokenKeys: [] }),
  );
  app.all(API_PATHS.ridGet, apiRoute(context, API_PATHS.ridGet, answerRidGet, { tokenKeys: ['access_token'] }));
  const management: [keyof typeof API_PATHS, Answer][] = [
    ['batchuploadscf', answerBatchUploadScf],
    ['batchuploadscfcode', answerBatchUploadScfCode],
    ['updatescfconfig', answerUpdateScfConfig],
    ['deletescf', answerDeleteScf],
    ['gettriggers', answerGetTriggers],
    ['batchupdatetriggers', answerBatchUpdateTriggers],
  ];
  for (const [name, answer] of management) {
    app.all(API_PATHS[name], apiRoute(context, API_PATHS[name], answer, componenttcb));
  }
  app.all(
    API_PATHS.authorizerToken,
    apiRoute(context, API_PATHS.authorizerToken, answerAuthorizerToken, { tokenKeys: AUTHORIZER_TOKEN_QUERY_KEYS }),
  );
  app.all(
    API_PATHS.invokeCloudFunction,
    apiRoute(context, API_PATHS.invokeCloudFunction, answerInvokeCloudFunction, {
      tokenKeys: INVOKE_TOKEN_QUERY_KEYS,
      bodyIsEvent: true,
    }),
  );
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
  app.use(errorHandler(context));
  return Object.assign(app, { mock: context }) as unknown as MockApp;
}
