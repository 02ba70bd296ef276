import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type MockApp } from './app.js';
import type { MockContext, MockOptions } from './settings.js';

/** Options of startMockServer: the app's options plus where to listen. */
export interface ServerOptions extends MockOptions {
  /** Port to listen on; 0 (the default) takes a free one. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
}

/** A running mock. */
export interface RunningMock extends Pick<MockContext, 'store' | 'journal' | 'faults' | 'settings'> {
  /** Base URL, e.g. http://127.0.0.1:4020: use it in place of https://api.weixin.qq.com. */
  url: string;
  port: number;
  host: string;
  app: MockApp;
  server: Server;
  /** Stops listening, lets requests in flight finish, and resolves when closed. */
  close(): Promise<void>;
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
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
  const app = createApp({ ...options, control: options.control ?? isLoopback(host) });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const { store, journal, faults, settings } = app.mock;
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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests in flight get a moment to finish; then whatever is left is cut.
        setTimeout(() => server.closeAllConnections(), 1500).unref();
      }),
  };
}
