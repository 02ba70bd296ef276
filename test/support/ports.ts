// Free ports for servers a test starts by number: below the system's range for port 0, never handed out twice in a run.
import { createServer } from 'node:net';

/**
 * A source of free ports in [from, from + count), below the system's range for port 0 (32768 and
 * up on Linux), so a server another test starts on port 0 cannot be given one between our check
 * and its use; and never the same port twice in this run, since the system may give a port just
 * closed to the next caller (two docs blocks given one port once ran one page's verify against
 * another page's mock). Each test file takes a range of its own.
 * @example const freePort = portSource(20_000, 10_000); const port = await freePort();
 */
export function portSource(from: number, count: number): () => Promise<number> {
  const handedOut = new Set<number>();
  return async () => {
    for (;;) {
      if (handedOut.size >= count) throw new Error(`all ${count} ports from ${from} were handed out in this run`);
      const port = from + Math.floor(Math.random() * count);
      if (handedOut.has(port)) continue;
      const server = createServer();
      const free = await new Promise<boolean>((done) => {
        server.once('error', () => done(false));
        server.listen(port, '127.0.0.1', () => done(true));
      });
      if (!free) continue;
      await new Promise((done) => server.close(done));
      handedOut.add(port);
      return port;
    }
  };
}
