import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type MockApp } from './app.js';
import { isLoopback } from './control-guard.js';
import type { MockContext, MockOptions } from './settings.js';

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
}

/**
 * Refused options: the control API would be open to the network.
 * @example await startMockServer({ host: '0.0.0.0' }) // throws ExposureError
 */
export class ExposureError extends Error {}

/** A running mock. */
export interface RunningMock
  extends Pick<MockContext, 'store' | 'journal' | 'faults' | 'settings' | 'clock' | 'registry' | 'rids'> {
  /** Base URL, e.g. http://127.0.0.1:4020: use it in place of https://api.weixin.qq.com. */
  url: string;
  port: number;
  host: string;
  app: MockApp;
  server: Server;
  /** Stops listening, lets requests in flight finish, and resolves when closed. */
  close(): Promise<void>;
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
      `listening on ${host} would open the control API to the network: add a control token (--control-token TOKEN) or turn the control API off (--no-control)`,
    );
  }
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const requestTimeout = Math.max(options.requestTimeoutMs ?? 30_000, headersTimeout);
  // The address listened on is a name clients may use for the control API too.
  const app = createApp({ ...options, allowedHosts: [...(options.allowedHosts ?? []), host] });
  const server = createServer(
    // Timeouts are checked on this interval; Node's default (30 s) would let a stalled client sit far longer.
    { headersTimeout, requestTimeout, connectionsCheckingInterval: Math.min(1000, headersTimeout) },
    app,
  );
  // Answers in flight when close() is called say Connection: close, so their sockets end with them.
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  server.on('request', (_req, res: ServerResponse) => {
    if (closing) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const { store, journal, faults, settings, clock, registry, rids } = app.mock;
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
