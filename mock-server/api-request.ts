import { setTimeout as delay } from 'node:timers/promises';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { MockFault } from '../generated/schemas.js';
import { type ApiPath, WECHAT_CONTENT_TYPE } from './api-facts.js';
import { errorBody, makeRid } from './error-codes.js';
import { faultDelay } from './faults.js';
import { redactToken, TOKEN_QUERY_KEYS } from './journal.js';
import { keptBody } from './redact.js';
import type { MockContext } from './settings.js';

/**
 * What an endpoint answers to one request: an errcode (0 for a success), why (for failures),
 * the exact JSON body, and the rid when the body carries one.
 */
export interface Outcome {
  errcode: number;
  reason?: string;
  body: string;
  rid?: string;
}

/** The parts of a request an endpoint's rules look at, read once by the shared route. */
export interface ApiCall {
  method: string;
  /** The token from the query: access_token, else (on componenttcb routes) component_access_token. */
  accessToken: string | undefined;
  /** The raw body, undefined when none was sent. */
  body: Buffer | undefined;
}

/** The state an endpoint's rules read: everything of the context but the journal's recorder. */
export type ApiState = Pick<MockContext, 'settings' | 'store' | 'clock' | 'registry' | 'rids'>;

/** An endpoint's rules: a call in, an outcome out, no HTTP. */
export type Answer = (call: ApiCall, state: ApiState) => Outcome;

/**
 * A WeChat error answer, with a rid made on the mock's clock (unless rids are off).
 * @example fail(state, 44002, 'body: empty').body // '{"errcode":44002,"errmsg":"empty post data rid: …"}'
 */
export function fail(
  state: Pick<ApiState, 'settings' | 'clock'>,
  errcode: number,
  reason: string,
  errmsg?: string,
): Outcome {
  const rid = state.settings.rid ? makeRid(state.clock.now()) : undefined;
  return { errcode, reason, rid, body: errorBody(errcode, { rid: rid ?? false, errmsg }) };
}

/**
 * True for a body that counts as empty (44002): none, zero bytes, or only white space.
 * @example isEmptyBody(Buffer.from('  ')) // true
 */
export function isEmptyBody(raw: Buffer | undefined): boolean {
  return raw === undefined || raw.length === 0 || raw.toString('latin1').trim() === '';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a body that must be a JSON object; the reason names what is wrong (for 47001).
 * @example parseJsonObject(Buffer.from('[]')) // { reason: 'body: must be a JSON object, not an array' }
 */
export function parseJsonObject(raw: Buffer): { value: Record<string, unknown> } | { reason: string } {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return { reason: 'body: is not valid UTF-8' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { reason: `body: is not valid JSON (${(error as Error).message})` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const kind = Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed;
    return { reason: `body: must be a JSON object, not ${kind}` };
  }
  // Spread keeps an own "__proto__" key as data; it never reaches a prototype.
  return { value: { ...parsed } };
}

/**
 * The token rules shared by every endpoint that takes one, first failure wins: 41001 when no
 * token came; an issued component token that expired (42001, which wins over everything else)
 * or was superseded more than 5 minutes ago (40001); then the data's token table (unlisted
 * 40001, expired 42001, no-qbase 85088). Undefined when the token is accepted.
 * @example checkToken({ method: 'POST', accessToken: undefined, body: undefined }, state)?.errcode // 41001
 */
export function checkToken(call: ApiCall, state: ApiState, queryKeys = 'access_token'): Outcome | undefined {
  const token = call.accessToken;
  if (!token) return fail(state, 41001, `${queryKeys}: missing from the query string`);
  const issued = state.registry.state(token);
  if (issued === 'expired')
    return fail(state, 42001, 'access_token: an issued token past its expires_in on the mock clock');
  if (issued === 'superseded') {
    return fail(state, 40001, 'access_token: superseded by a newer token of the same component over 5 minutes ago');
  }
  if (issued === 'valid') return undefined;
  const listed = state.store.tokenState(token);
  if (listed === 'unlisted') return fail(state, 40001, 'access_token: not a listed token');
  if (listed === 'expired') return fail(state, 42001, 'access_token: listed as expired');
  if (listed === 'no-qbase') return fail(state, 85088, 'access_token: listed as no-qbase');
  return undefined;
}

/**
 * The first string of a query value (a repeated key gives an array).
 * @example firstString(['a', 'b']) // 'a'
 */
export function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.find((item): item is string => typeof item === 'string');
  return undefined;
}

/**
 * The token a request carries: the first non-empty of the given query keys, in order (so
 * `access_token` wins when both it and `component_access_token` are given).
 * @example readToken({ component_access_token: 't' }, ['access_token', 'component_access_token']) // 't'
 */
export function readToken(query: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = firstString(query[key]);
    if (value) return value;
  }
  return undefined;
}

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
