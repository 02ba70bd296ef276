// Guards every /__mock/ route: Host, Origin and Content-Type checks against DNS-rebinding and cross-site pages.
import type { NextFunction, Request, Response } from 'express';
import { hostName, isAnsweredHost, refusedHostMessage } from './hosts.js';

function refuse(res: Response, status: number, error: string): void {
  res.status(status).json({ error, issues: [] });
}

/**
 * Checks that a request for the control API comes from this machine's own pages and tools, never from
 * a web page on another site: the threat dev servers such as Vite and webpack-dev-server closed with host
 * checks. A page in the developer's browser can reach 127.0.0.1; these checks make what it sends fail.
 *
 * - Host must be one the mock answers (isAnsweredHost: loopback, IP literals, single-label names, …,
 *   and `allowedHosts`; else 403): a DNS-rebinding page sends its own name, so it cannot read or change
 *   anything even though its requests reach the port.
 * - An `Origin` other than the mock's own is refused (403): browsers send one on every cross-site POST,
 *   PUT and DELETE, so a form or fetch from another site is stopped before it changes anything.
 * - A request with a body needs `Content-Type: application/json` (else 415): a browser cannot send that
 *   to another site without a preflight, and no preflight on /__mock/ ever succeeds (no CORS headers).
 * - A declared body over `bodyLimit` is refused at once (413), before any of it is read.
 * @example app.use(CONTROL_PREFIX, guardControl({ allowedHosts: ['mock.internal'], bodyLimit: 1 << 20 }), router)
 */
export function guardControl(options: { allowedHosts: readonly string[]; bodyLimit: number }) {
  const allowed = new Set(options.allowedHosts.map(hostName));
  return (req: Request, res: Response, next: NextFunction): void => {
    const host = req.headers.host;
    // A request without Host is HTTP/1.0 from a tool: browsers always send one.
    if (host !== undefined) {
      if (!isAnsweredHost(hostName(host), allowed)) {
        refuse(res, 403, refusedHostMessage(host));
        return;
      }
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) {
      refuse(
        res,
        403,
        `Origin ${JSON.stringify(origin.slice(0, 100))} is not this mock's own: the control API does not take requests from web pages of other sites`,
      );
      return;
    }
    const length = Number(req.headers['content-length'] ?? 0);
    const hasBody = req.headers['transfer-encoding'] !== undefined || length > 0;
    if (hasBody && !isJson(req.headers['content-type'])) {
      refuse(
        res,
        415,
        'a control request with a body needs Content-Type: application/json (e.g. curl -H "Content-Type: application/json")',
      );
      return;
    }
    if (length > options.bodyLimit) {
      res.setHeader('Connection', 'close');
      refuse(res, 413, `body: larger than the ${options.bodyLimit}-byte limit (--body-limit)`);
      return;
    }
    next();
  };
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/json\s*(;|$)/i.test(contentType.trim());
}
