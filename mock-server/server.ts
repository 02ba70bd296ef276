// Listens: startMockServer binds a port, refuses unsafe exposure, and closes cleanly.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { OPTION_RANGES } from './api-facts.js';
import { createApp, type MockApp } from './app.js';
import type { MockContext } from './context.js';
import { isLoopback } from './http/hosts.js';
import type { MockOptions } from './settings.js';
import { rangeMessage } from './validation.js';

export { isLoopback };

/** Options of startMockServer: the app's options plus where to listen. */
export interface ServerOptions extends MockOptions {
  /** Port to listen on; 0 (the default) takes a free one. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1. Any other address needs control: false or a controlToken. */
  host?: string;
  /** Cut off a client that has not sent all its headers within this time. Default 10 s. */
  headersTimeoutMs?: number;
  /** Cut off a client that has not sent its whole request within this time. Default 30 s. */
  requestTimeoutMs?: number;
  /**
   * Cut off a client that stops reading an answer: once an answer is complete on our side, the
   * connection may sit this long without a byte being taken. Default 10 s.
   */
  writeTimeoutMs?: number;
}

/**
 * Refused options: the control API would be open to the network.
 * @example await startMockServer({ host: '0.0.0.0' }) // throws ExposureError
 */
export class ExposureError extends Error {}

/** A running mock. */
export interface RunningMock
  extends Pick<
    MockContext,
    'store' | 'journal' | 'faults' | 'settings' | 'clock' | 'registry' | 'authorizers' | 'rids'
  > {
  /** Base URL, e.g. http://127.0.0.1:4020: use it in place of https://api.weixin.qq.com. */
  url: string;
  port: number;
  host: string;
  app: MockApp;
  server: Server;
  /** Stops listening, lets requests in flight finish, and resolves when closed. */
  close(): Promise<void>;
}

function checkTimeout(
  name: 'headersTimeoutMs' | 'requestTimeoutMs' | 'writeTimeoutMs',
  value: number | undefined,
): void {
  const range = OPTION_RANGES[name];
  if (value !== undefined && (!Number.isInteger(value) || value < range.min || value > range.max)) {
    throw new RangeError(`${name} ${rangeMessage(range, value)} (milliseconds)`);
  }
}

/**
 * The timeouts as given, each honoured: a request timeout below the default headers timeout lowers
 * that too (a whole request cannot take less than its headers); below an explicit one is refused.
 */
function resolveTimeouts(options: ServerOptions): { headersTimeout: number; requestTimeout: number } {
  checkTimeout('headersTimeoutMs', options.headersTimeoutMs);
  checkTimeout('requestTimeoutMs', options.requestTimeoutMs);
  checkTimeout('writeTimeoutMs', options.writeTimeoutMs);
  const requestTimeout = options.requestTimeoutMs ?? Math.max(30_000, options.headersTimeoutMs ?? 0);
  const headersTimeout = options.headersTimeoutMs ?? Math.min(10_000, requestTimeout);
  if (requestTimeout < headersTimeout) {
    throw new RangeError(
      `requestTimeoutMs (${requestTimeout}) is below headersTimeoutMs (${headersTimeout}): a whole request cannot take less time than its headers`,
    );
  }
  return { headersTimeout, requestTimeout };
}

/** Bytes of an answer still waiting on this socket: in Node's buffer and in libuv's write queue. */
function pendingBytes(socket: Socket): number {
  const queued = (socket as unknown as { _handle?: { writeQueueSize?: number } })._handle?.writeQueueSize;
  return socket.writableLength + (typeof queued === 'number' ? queued : 0);
}

/**
 * Destroys the socket once the client has taken no byte of the answer for `timeout` ms, checked
 * every twentieth of it, so the cut comes within 5 % of the setting. Node's socket timeout came
 * at about twice it: the answer's write, handed to the system whole, counts as activity.
 */
function watchWrites(res: ServerResponse, timeout: number): void {
  const socket = res.socket;
  if (!socket) return;
  let pending = pendingBytes(socket);
  // All of it already with the system (a usual answer, written at once): 'finish' follows in this
  // turn of the loop, so there is nothing to watch, and no timer per request to set and clear.
  if (pending === 0) return;
  let lastProgress = performance.now();
  const timer = setInterval(
    () => {
      const now = pendingBytes(socket);
      if (now < pending) lastProgress = performance.now();
      pending = now;
      if (performance.now() - lastProgress >= timeout) socket.destroy();
    },
    Math.max(5, Math.floor(timeout / 20)),
  );
  timer.unref();
  // 'finish': the whole answer is with the system, so the client took it; 'close': the socket went.
  const stop = () => clearInterval(timer);
  res.once('finish', stop);
  res.once('close', stop);
}

/**
 * Starts the mock on a port (a free one by default) and resolves when it is listening.
 * @example
 * const mock = await startMockServer({ data: { envs: { 'prod-1': { generate: 30 } } } });
 * // ...point your client at mock.url...
 * await mock.close();
 */
export async function startMockServer(options: ServerOptions = {}): Promise<RunningMock> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && options.control !== false && options.controlToken === undefined) {
    throw new ExposureError(
      `listening on ${host} would open the control API to the network: add a control token (--control-token TOKEN or WECHAT_SCF_KIT_CONTROL_TOKEN) or turn the control API off (--no-control, or WECHAT_SCF_KIT_CONTROL=auto for on only with a token)`,
    );
  }
  const { headersTimeout, requestTimeout } = resolveTimeouts(options);
  // The address listened on is a name clients may use for the control API too.
  const app = createApp({ ...options, allowedHosts: [...(options.allowedHosts ?? []), host] });
  const server = createServer(
    // Timeouts are checked on this interval; Node's default (30 s) would let a stalled client sit far longer.
    { headersTimeout, requestTimeout, connectionsCheckingInterval: Math.min(1000, headersTimeout) },
  );
  // Answers in flight when close() is called say Connection: close, so their sockets end with them.
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  const writeTimeout = options.writeTimeoutMs ?? 10_000;
  // Made once per server, not per request: the listeners read their answer as `this`.
  function onPrefinish(this: ServerResponse): void {
    watchWrites(this, writeTimeout);
  }
  function onClose(this: ServerResponse): void {
    inFlight.delete(this);
  }
  server.on('request', (_req, res: ServerResponse) => {
    // An answer not being read (megabytes to a client that never reads) would hold its memory for as
    // long as the socket lives. 'prefinish' (emitted once): the whole answer is handed to the socket.
    res.on('prefinish', onPrefinish);
    if (closing) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.on('close', onClose);
  });
  // After the listener above, which must see each answer before the app can end it.
  server.on('request', app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const { store, journal, faults, settings, clock, registry, authorizers, rids } = app.mock;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    app,
    server,
    store,
    journal,
    faults,
    settings,
    clock,
    registry,
    authorizers,
    rids,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests in flight get a moment to finish; then whatever is left is cut.
        setTimeout(() => server.closeAllConnections(), 1500).unref();
      }),
  };
}
