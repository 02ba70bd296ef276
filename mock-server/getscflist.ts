import { setTimeout as delay } from 'node:timers/promises';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { MockFault } from '../generated/schemas.js';
import { errorBody } from './error-codes.js';
import { faultDelay } from './faults.js';
import type { MockContext, ResolvedSettings } from './settings.js';
import type { Store } from './store.js';
import { describeErrors, formatIssues, isGetScfListRequest, REQUEST_FIELDS } from './validation.js';

/**
 * The path of getCloudFunctionList, as on api.weixin.qq.com.
 * @example `${mock.url}${GETSCFLIST_PATH}?access_token=t`
 */
export const GETSCFLIST_PATH = '/componenttcb/getscflist';

/**
 * The real servers' Content-Type, `encoding=` and all (set with setHeader so Express adds no charset).
 * @example res.headers.get('content-type') === WECHAT_CONTENT_TYPE
 */
export const WECHAT_CONTENT_TYPE = 'application/json; encoding=utf-8';

/** What the endpoint answers to one request: an errcode, why (for failures), and the exact JSON body. */
export interface Outcome {
  errcode: number;
  reason?: string;
  body: string;
}

/** The parts of a request the endpoint's rules look at. */
export interface ApiRequest {
  method: string;
  /** The access_token query parameter, undefined when absent. */
  accessToken: string | undefined;
  /** The raw body, undefined when none was sent. */
  body: Buffer | undefined;
}

const OPTIONAL_FIELDS = ['offset', 'limit', 'searchkey'] as const;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function fail(errcode: number, reason: string, settings: ResolvedSettings): Outcome {
  return { errcode, reason, body: errorBody(errcode, { rid: settings.rid }) };
}

/** Parses and normalises the body: null optionals are absent and searchKey is an alias of searchkey. */
function parseBody(raw: Buffer): { value: Record<string, unknown> } | { reason: string } {
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
    return {
      reason: `body: must be a JSON object, not ${Array.isArray(parsed) ? 'an array' : String(parsed === null ? 'null' : typeof parsed)}`,
    };
  }
  // Spread keeps an own "__proto__" key as data; it never reaches a prototype.
  const value: Record<string, unknown> = { ...parsed };
  if ((value.searchkey === undefined || value.searchkey === null) && value.searchKey !== undefined) {
    value.searchkey = value.searchKey;
  }
  delete value.searchKey;
  for (const field of OPTIONAL_FIELDS) if (value[field] === null) delete value[field];
  return { value };
}

/**
 * The endpoint's rules, first failure wins: 43002, 41001, token (40001/42001/85088), 44002,
 * 47001, env (85088/40097), then the page. Pure apart from the rid's clock.
 * @example answerGetScfList({ method: 'GET', accessToken: 't', body: undefined }, store, settings).errcode // 43002
 */
export function answerGetScfList(request: ApiRequest, store: Store, settings: ResolvedSettings): Outcome {
  if (request.method !== 'POST') return fail(43002, `method: ${request.method} is not POST`, settings);
  if (!request.accessToken) return fail(41001, 'access_token: missing from the query string', settings);

  const token = store.tokenState(request.accessToken);
  if (token === 'unlisted') return fail(40001, 'access_token: not a listed token', settings);
  if (token === 'expired') return fail(42001, 'access_token: listed as expired', settings);
  if (token === 'no-qbase') return fail(85088, 'access_token: listed as no-qbase', settings);

  const raw = request.body;
  if (raw === undefined || raw.length === 0 || raw.toString('latin1').trim() === '') {
    return fail(44002, 'body: empty', settings);
  }
  const parsed = parseBody(raw);
  if ('reason' in parsed) return fail(47001, parsed.reason, settings);
  const body = parsed.value;
  if (settings.strict) {
    const unknown = Object.keys(body).filter((key) => !REQUEST_FIELDS.has(key));
    if (unknown.length > 0) return fail(47001, `${unknown[0]}: unknown field (--strict)`, settings);
  }
  if (!isGetScfListRequest(body)) {
    return fail(47001, formatIssues(describeErrors(isGetScfListRequest.errors)), settings);
  }
  const limit = body.limit ?? 20;
  if (limit > settings.maxLimit) return fail(47001, `limit: must be <= ${settings.maxLimit}`, settings);

  const env = store.getEnv(body.env);
  if (env && !env.qbase) return fail(85088, `env: ${body.env} has qbase false`, settings);
  if (!env) {
    if (settings.unknownEnv === 'empty') return { errcode: 0, body: successBody(0, []) };
    const errcode = settings.unknownEnv === 'no-qbase' ? 85088 : 40097;
    return fail(errcode, `env: ${body.env} is not in the data`, settings);
  }
  const page = store.listFunctions(env, { offset: body.offset ?? 0, limit, searchkey: body.searchkey });
  return { errcode: 0, body: successBody(page.total_count, page.functions) };
}

/** The success body in the real key order, built from records serialised once when stored. */
function successBody(totalCount: number, functions: readonly { json: string }[]): string {
  let list = '';
  for (let i = 0; i < functions.length; i++) list += i === 0 ? functions[i].json : `,${functions[i].json}`;
  return `{"errcode":0,"errmsg":"ok","total_count":${totalCount},"functions":[${list}]}`;
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

function bodyReadFailure(error: unknown, settings: ResolvedSettings): Outcome {
  const type = (error as { type?: string }).type;
  if (type === 'entity.too.large')
    return fail(47001, `body: larger than the ${settings.bodyLimit}-byte limit`, settings);
  return fail(47001, `body: could not be read (${(error as Error).message})`, settings);
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
 * The route: reads the raw body (any Content-Type), applies a queued fault, answers by the rules,
 * and records the request in the journal and the log.
 * @example app.all(GETSCFLIST_PATH, getScfListHandler(context))
 */
export function getScfListHandler(context: MockContext): RequestHandler {
  const { settings, store, faults, journal } = context;
  // The body is read raw whatever the Content-Type says, as the real server accepts JSON under any.
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
    const readError = await new Promise<unknown>((resolve) => readBody(req, res, resolve));
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
    const accessToken = firstString(query.access_token);
    const body = Buffer.isBuffer(req.body) ? req.body : undefined;
    const fault = faults.take();
    const wait = fault ? faultDelay(fault) : 0;
    if (wait > 0) await delay(wait, undefined, { signal: gone.signal }).catch(() => undefined);

    let outcome = readError
      ? bodyReadFailure(readError, settings)
      : answerGetScfList({ method: req.method, accessToken, body }, store, settings);
    if (fault?.errcode !== undefined) {
      outcome = {
        errcode: fault.errcode,
        reason: `fault: errcode ${fault.errcode}`,
        body: errorBody(fault.errcode, { rid: settings.rid, errmsg: fault.errmsg }),
      };
    }
    const transportReason = transportFaultReason(fault);
    const { status, answer } = send(res, outcome, fault, transportReason ?? outcome.reason);
    const errcode = transportReason ? null : outcome.errcode;
    context.record(req, {
      query,
      seq,
      time,
      started,
      body,
      errcode,
      status,
      reason: transportReason ?? outcome.reason,
      ...(answer !== undefined ? { answer } : {}),
      ...(clientClosedAt !== undefined ? { clientClosedAt } : {}),
    });
  };
}
