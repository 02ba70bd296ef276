// Which API requests the mock refuses unread: a Host it does not answer, or a web page of another site.
import type { IncomingHttpHeaders } from 'node:http';
import { ERROR_CODES } from '../error-codes.js';
import type { ResolvedSettings } from '../settings.js';
import { hostName, isAnsweredHost, refusedHostMessage } from './hosts.js';

/** Why an API request is refused: the reason for the journal and log, and the errmsg the client reads. */
export interface ApiRefusal {
  reason: string;
  errmsg: string;
}

/** 61004's errmsg (the real API's answer to a caller it does not know); what to change is appended. */
const ERRMSG = ERROR_CODES['61004'].errmsg;

/**
 * A check of API requests, built once from the settings: refuses (with 61004, before any fault
 * is taken, token issued or data read) a request whose Host the mock does not answer (a
 * DNS-rebinding page; see isAnsweredHost) and a request a browser marks as coming from a page of
 * another site (`Origin`, or `Sec-Fetch-Site` for an `<img>` that sends none) unless --cors names
 * that origin. Server-side clients send neither header, so they are never affected.
 * @example const refusal = guardApi(settings)(req.headers); if (refusal) return fail(state, 61004, refusal.reason, refusal.errmsg)
 */
export function guardApi(settings: ResolvedSettings): (headers: IncomingHttpHeaders) => ApiRefusal | undefined {
  const allowed = new Set(settings.allowedHosts.map(hostName));
  const anyOrigin = settings.cors.includes('*');
  const origins = new Set(settings.cors);
  return (headers) => {
    const host = headers.host;
    // No Host: HTTP/1.0 from a tool; browsers always send one.
    if (host !== undefined && !isAnsweredHost(hostName(host), allowed)) {
      const reason = refusedHostMessage(host);
      return { reason, errmsg: `${ERRMSG}: ${reason}` };
    }
    if (anyOrigin) return undefined;
    const origin = headers.origin;
    const site = headers['sec-fetch-site'];
    const ownOrigin = origin !== undefined && host !== undefined && origin === `http://${host}`;
    const crossSite = site === 'cross-site' || site === 'same-site';
    if (
      (origin !== undefined && !ownOrigin && !origins.has(origin)) ||
      (crossSite && !ownOrigin && !origins.has(origin ?? ''))
    ) {
      const from = origin === undefined ? 'a page of another site' : `Origin ${JSON.stringify(origin.slice(0, 100))}`;
      const reason = `a browser request from ${from}: the API answers pages only of origins given with --cors ORIGIN`;
      return { reason, errmsg: `${ERRMSG}: ${reason}` };
    }
    return undefined;
  };
}
