import { setTimeout as delay } from 'node:timers/promises';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { MockFault } from '../../generated/schemas.js';
import { type ApiPath, WECHAT_CONTENT_TYPE } from '../api-facts.js';
import { type Answer, type ApiState, fail, type Outcome, readToken } from '../endpoints/request-rules.js';
import type { MockContext } from '../settings.js';
import { faultDelay } from '../state/fault-queue.js';
import { redactToken, TOKEN_QUERY_KEYS } from '../state/journal.js';
import { keptBody } from '../state/redaction.js';

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

function bodyReadFailure(error: unknown, state: ApiState): Outcome {
  const type = (error as { type?: string }).type;
  if (type === 'entity.too.large')
    return fail(state, 47001, `body: larger than the ${state.settings.bodyLimit}-byte limit`);
  return fail(state, 47001, `body: could not be read (${(error as Error).message})`);
}

/**
 * Sends an outcome as WeChat would, bent by a fault when one applies.
 * Returns the HTTP status and the body sent; status null when the connection was dropped.
 */
function send(
  res: Response,
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

/** The reason for a fault that replaces the WeChat answer, if this one does. */
function transportFaultReason(fault: MockFault | undefined): string | undefined {
  if (fault?.drop) return 'fault: connection dropped';
  if (fault?.http_status) return `fault: http_status ${fault.http_status}`;
  if (fault?.body) return `fault: body ${fault.body}`;
  return undefined;
}

/** The request's path and query as rid/get shows it, every token cut to a short prefix. */
function redactedUrl(path: string, query: Record<string, unknown>): string {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      const text = String(item);
      const shown = TOKEN_QUERY_KEYS.includes(key) ? redactToken(text) : encodeURIComponent(text);
      pairs.push(`${encodeURIComponent(key)}=${shown}`);
    }
  }
  return pairs.length > 0 ? `${path}?${pairs.join('&')}` : path;
}

/** Options of apiRoute. */
export interface ApiRouteOptions {
  /** Query keys read for the token, in order of precedence. */
  tokenKeys: readonly string[];
}

/**
 * One API endpoint's route, shared by all of them: reads the raw body (any Content-Type, as the
 * real server accepts JSON under any), takes the next fault for this path, answers by the
 * endpoint's rules, and records the request in the journal, the log and (for an answer with a
 * rid) the rid map.
 * @example app.all(API_PATHS.describeenvs, apiRoute(context, API_PATHS.describeenvs, answerDescribeEnvs, { tokenKeys }))
 */
export function apiRoute(
  context: MockContext,
  path: ApiPath,
  answer: Answer,
  options: ApiRouteOptions,
): RequestHandler {
  const { settings, faults, journal, rids } = context;
  const readBody = express.raw({ type: () => true, limit: settings.bodyLimit });
  return async (req: Request, res: Response) => {
    const started = performance.now();
    const seq = journal.nextSeq();
    const time = new Date().toISOString();
    // A client that gives up (its timeout) closes the connection: note when, and stop waiting to answer it.
    let clientClosedAt: number | undefined;
    const gone = new AbortController();
    res.on('close', () => {
      if (res.writableFinished || res.socket?.destroyed === false) return;
      clientClosedAt ??= performance.now();
      gone.abort();
    });
    // A declared length over the limit is answered at once, unread: waiting for a body that may never
    // come (or reading one only to refuse it) would hold the client until the request timeout.
    const declaredTooLarge = Number(req.headers['content-length']) > settings.bodyLimit;
    if (declaredTooLarge) res.setHeader('Connection', 'close');
    const readError = declaredTooLarge
      ? { type: 'entity.too.large' }
      : await new Promise<unknown>((resolve) => readBody(req, res, resolve));
    if ((readError as { type?: string } | undefined)?.type === 'request.aborted') {
      context.record(req, {
        seq,
        time,
        started,
        errcode: null,
        status: null,
        reason: 'client aborted the body',
        clientClosedAt: clientClosedAt ?? performance.now(),
      });
      return;
    }
    const query = req.query as Record<string, unknown>;
    const body = Buffer.isBuffer(req.body) ? req.body : undefined;
    const fault = faults.take(path);
    const wait = fault ? faultDelay(fault) : 0;
    if (wait > 0) await delay(wait, undefined, { signal: gone.signal }).catch(() => undefined);

    let outcome = readError
      ? bodyReadFailure(readError, context)
      : answer({ method: req.method, accessToken: readToken(query, options.tokenKeys), body }, context);
    if (fault?.errcode !== undefined) {
      outcome = fail(context, fault.errcode, `fault: errcode ${fault.errcode}`, fault.errmsg);
    }
    const transportReason = transportFaultReason(fault);
    const { status, answer: sent } = send(res, outcome, fault, transportReason ?? outcome.reason);
    const errcode = transportReason ? null : outcome.errcode;
    if (outcome.rid && !transportReason) {
      rids.add(outcome.rid, {
        invoke_time: Number.parseInt(outcome.rid.slice(0, 8), 16),
        cost_in_ms: Math.round(performance.now() - started),
        request_url: redactedUrl(req.path, query),
        request_body: body === undefined ? '' : keptBody(body),
        response_body: outcome.body,
        client_ip: req.socket.remoteAddress ?? '',
      });
    }
    context.record(req, {
      query,
      seq,
      time,
      started,
      body,
      errcode,
      status,
      reason: transportReason ?? outcome.reason,
      ...(sent !== undefined ? { answer: sent } : {}),
      ...(clientClosedAt !== undefined ? { clientClosedAt } : {}),
    });
  };
}
