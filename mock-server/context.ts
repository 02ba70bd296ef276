// The state one app serves and what its endpoints record: shared by the endpoints, the HTTP layer and the control API.
import type { IncomingHttpHeaders } from 'node:http';
import type { ResolvedSettings } from './settings.js';
import type { AuthorizerRegistry } from './state/authorizer-registry.js';
import type { Store } from './state/env-store.js';
import type { FaultQueue } from './state/fault-queue.js';
import type { FunctionLifecycle } from './state/function-lifecycle.js';
import type { Journal } from './state/journal.js';
import type { MockClock } from './state/mock-clock.js';
import type { RidMap } from './state/rid-map.js';
import type { TokenRegistry } from './state/token-registry.js';

/** What the journal and the log learn of one finished request. */
export interface RequestRecord {
  /** The parsed query, when the handler has it (Express 5 parses req.query anew on each read). */
  query?: Record<string, unknown>;
  seq: number;
  time: string;
  started: number;
  body?: Buffer;
  /** The body as the journal keeps it (keptBody), when the route already made it: redacted once per request. */
  keptBody?: string;
  errcode: number | null;
  status: number | null;
  reason?: string;
  /** The body text answered, when there was one. */
  answer?: string;
  /** Makes `answer` again, the same text (Outcome.bodyAgain): the journal keeps this rather than the text. */
  answerAgain?: () => string;
  /** When (performance.now()) the client closed the connection before the answer was complete. */
  clientClosedAt?: number;
  /** The token the endpoint read (by its own query keys), hashed for the journal. */
  token?: string;
  /** For invokecloudfunction: the function called and the event it was sent. */
  invocation?: Invocation;
}

/** One call of a cloud function as the journal keeps it: which function, with which event, and what came of it. */
export interface Invocation {
  env: string;
  name: string;
  /** The body as sent, parsed: the function's event. */
  event: unknown;
  /** The function's result as sent in resp_data, when it answered one. */
  resp_data?: string;
  /** The scripted error the function threw, when it did. */
  error?: string;
}

/**
 * What the recorder reads of a request: Express's Request has it all. Declared here so the
 * published types stand alone, without @types/express.
 */
export interface RecordedRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  query: unknown;
  headers: IncomingHttpHeaders;
}

/** The state one app serves: shared by the endpoints and the control API. */
export interface MockContext {
  readonly settings: ResolvedSettings;
  readonly store: Store;
  readonly journal: Journal;
  readonly faults: FaultQueue;
  /** The mock's clock: token and ticket expiry and the rid's time read it. */
  readonly clock: MockClock;
  /** Components, their tickets and the component tokens issued. */
  readonly registry: TokenRegistry;
  /** The apps authorized to each component and the authorizer tokens issued. */
  readonly authorizers: AuthorizerRegistry;
  /** The requests behind the rids answered, for rid/get. */
  readonly rids: RidMap;
  /** The function lifecycle: changes under way, configuration and triggers, forced failures. */
  readonly lifecycle: FunctionLifecycle;
  /** Records a finished API request in the journal and the log. */
  record(req: RecordedRequest, record: RequestRecord): void;
}
