// How a fault bends an answer on the wire: a dropped connection, a gateway's HTML page, broken JSON.
import type { ServerResponse } from 'node:http';
import type { MockFault } from '../../generated/schemas.js';
import { WECHAT_CONTENT_TYPE } from '../api-facts.js';
import type { Outcome } from '../endpoints/request-rules.js';

/** A header-safe, bounded copy of a reason (header values must be printable ASCII here). */
function headerSafe(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return ascii.length > 300 ? `${ascii.slice(0, 297)}...` : ascii;
}

const GATEWAY_TEXT: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

function gatewayPage(status: number): string {
  const title = `${status} ${GATEWAY_TEXT[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/**
 * Sends an outcome as WeChat would, bent by a fault when one applies.
 * Returns the HTTP status and the body sent; status null when the connection was dropped.
 * @example const { status, answer } = send(res, outcome, faults.take(path), outcome.reason)
 */
export function send(
  res: ServerResponse,
  outcome: Outcome,
  fault: MockFault | undefined,
  reason: string | undefined,
): { status: number | null; answer?: string } {
  if (fault?.drop) {
    res.socket?.destroy();
    return { status: null };
  }
  if (reason) res.setHeader('x-mock-reason', headerSafe(reason));
  let status = 200;
  let answer = outcome.body;
  if (fault?.http_status) {
    status = fault.http_status;
    answer = gatewayPage(fault.http_status);
    res.setHeader('Content-Type', 'text/html');
  } else {
    res.setHeader('Content-Type', WECHAT_CONTENT_TYPE);
    if (fault?.body === 'truncated-json') answer = outcome.body.slice(0, Math.ceil(outcome.body.length / 2));
    else if (fault?.body === 'malformed-json') answer = "{errcode: 0, errmsg: 'ok', total_count: ";
  }
  res.statusCode = status;
  res.end(answer);
  return { status, answer };
}

/**
 * The reason for a fault that replaces the WeChat answer, if this one does.
 * @example transportFaultReason({ http_status: 502 }) // 'fault: http_status 502'
 */
export function transportFaultReason(fault: MockFault | undefined): string | undefined {
  if (fault?.drop) return 'fault: connection dropped';
  if (fault?.http_status) return `fault: http_status ${fault.http_status}`;
  if (fault?.body) return `fault: body ${fault.body}`;
  return undefined;
}
