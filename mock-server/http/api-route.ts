// The route every API endpoint shares: reads the request, applies a fault, answers by the endpoint's rules, records it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import express, { type RequestHandler } from 'express';
import { type ApiPath, TOKEN_QUERY_KEYS } from '../api-facts.js';
import type { MockContext } from '../context.js';
import {
  type Answer,
  type ApiState,
  fail,
  firstString,
  type Outcome,
  parseJsonObject,
  readToken,
} from '../endpoints/request-rules.js';
import { faultDelay, type RequestKeys } from '../state/fault-queue.js';
import { cutText, JOURNAL_TEXT_CHARS } from '../state/journal.js';
import { keptAnswer, keptBody, redactedUrl } from '../state/redaction.js';
import { guardApi } from './api-guard.js';
import { send, transportFaultReason } from './fault-responses.js';

function bodyReadFailure(error: unknown, state: ApiState): Outcome {
  const type = (error as { type?: string }).type;
  if (type === 'entity.too.large')
    return fail(state, 47001, `body: larger than the ${state.settings.bodyLimit}-byte limit`);
  return fail(state, 47001, `body: could not be read (${(error as Error).message})`);
}

/**
 * A request's keys as a fault's match reads them, each worked out only when a queued fault asks:
 * the whole token under any of the endpoint's query keys, the body's env (else the query's), the
 * body's component_appid. The body is parsed at most once, and not at all when no fault names an env
 * or appid; an endpoint whose body is a function's event (bodyIsEvent) has its env in the query only.
 */
function requestKeys(
  query: Record<string, unknown>,
  token: string | undefined,
  body: Buffer | undefined,
  bodyIsEvent: boolean,
): RequestKeys {
  let parsed: Record<string, unknown> | undefined;
  const field = (name: string): unknown => {
    if (bodyIsEvent) return undefined;
    if (parsed === undefined) {
      const result = body === undefined ? undefined : parseJsonObject(body);
      parsed = result && 'value' in result ? result.value : {};
    }
    return parsed[name];
  };
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  return {
    access_token: () => token ?? readToken(query, TOKEN_QUERY_KEYS),
    env: () => text(field('env')) ?? text(firstString(query.env)),
    component_appid: () => text(field('component_appid')),
  };
}

/**
 * Watches for the client closing the connection before its answer is complete: a client that gives
 * up (its timeout) closes it, so note when, and stop waiting to answer it. Made only for a request
 * the route has to wait on (a fault's delay, a scripted function's run): every other request is
 * answered without yielding once its body is read, so nothing could be noticed in between.
 */
class ClientWatch {
  /** When (performance.now()) the client closed the connection, if it did. */
  closedAt: number | undefined;
  readonly #gone = new AbortController();

  constructor(res: ServerResponse, closedAt?: number) {
    this.closedAt = closedAt;
    if (closedAt !== undefined) this.#gone.abort();
    else
      res.on('close', () => {
        if (res.writableFinished || res.socket?.destroyed === false) return;
        this.closedAt ??= performance.now();
        this.#gone.abort();
      });
  }

  /** Waits ms, or less if the client goes. */
  wait(ms: number): Promise<unknown> {
    return delay(ms, undefined, { signal: this.#gone.signal }).catch(() => undefined);
  }
}

/** Options of apiHandler. */
export interface ApiRouteOptions {
  /** Query keys read for the token, in order of precedence. */
  tokenKeys: readonly string[];
  /** The body is a cloud function's event, not the request's fields (invokecloudfunction): env and appid are not read from it. */
  bodyIsEvent?: boolean;
}

/**
 * An endpoint's handler as an Express route: the path and query as Express's router parsed them.
 * @example app.all(API_PATHS.describeenvs, apiRoute(apiHandler(context, API_PATHS.describeenvs, answerDescribeEnvs, { tokenKeys })))
 */
export function apiRoute(handle: ApiHandler): RequestHandler {
  return (req, res) => handle(req, res, req.path, req.query as Record<string, unknown>);
}

/** A request as the API handler reads it: Node's, with the body a body parser left on it. */
export type ApiRequest = IncomingMessage & { body?: unknown };

/**
 * The API route's work on Node's own request and response, given the path and the query as
 * Express would parse them (`req.path`, `req.query` with the "simple" query parser): apiRoute
 * runs it behind Express's router; createApp calls it directly for a request to an API path
 * exactly as written (the hot path), with the same outcome.
 */
export type ApiHandler = (
  req: ApiRequest,
  res: ServerResponse,
  reqPath: string,
  query: Record<string, unknown>,
) => Promise<void>;

/**
 * One API endpoint's handler, shared by all of them: reads the raw body (any Content-Type, as the
 * real server accepts JSON under any), takes the next fault for this path and this request's
 * env, token and component appid (see FaultQueue), answers by the endpoint's rules, and records
 * the request in the journal, the log and (for an answer with a rid) the rid map.
 * @example const handle = apiHandler(context, API_PATHS.getscflist, answerGetScfList, { tokenKeys }); await handle(req, res, '/componenttcb/getscflist', {})
 */
export function apiHandler(context: MockContext, path: ApiPath, answer: Answer, options: ApiRouteOptions): ApiHandler {
  const { settings, faults, journal, rids } = context;
  const readBody = express.raw({ type: () => true, limit: settings.bodyLimit });
  const refuse = guardApi(settings);
  return async (req, res, reqPath, query) => {
    const recorded = { method: req.method ?? '', path: reqPath, query, headers: req.headers };
    const started = performance.now();
    const seq = journal.nextSeq();
    const time = new Date().toISOString();
    // A declared length over the limit is answered at once, unread: waiting for a body that may never
    // come (or reading one only to refuse it) would hold the client until the request timeout.
    const declaredTooLarge = Number(req.headers['content-length']) > settings.bodyLimit;
    if (declaredTooLarge) res.setHeader('Connection', 'close');
    const readError = declaredTooLarge
      ? { type: 'entity.too.large' }
      : await new Promise<unknown>((resolve) =>
          readBody(req as Parameters<typeof readBody>[0], res as Parameters<typeof readBody>[1], resolve),
        );
    if ((readError as { type?: string } | undefined)?.type === 'request.aborted') {
      context.record(recorded, {
        seq,
        time,
        started,
        errcode: null,
        status: null,
        reason: 'client aborted the body',
        clientClosedAt: performance.now(),
      });
      return;
    }
    // A client that gave up (its timeout) while its body was read; one that gives up later is
    // watched for only while the route waits (see ClientWatch).
    let watch: ClientWatch | undefined = req.socket.destroyed ? new ClientWatch(res, performance.now()) : undefined;
    const token = readToken(query, options.tokenKeys);
    const body = Buffer.isBuffer(req.body) ? req.body : undefined;
    // A refused request takes no fault and reaches no endpoint: a web page can neither use up the
    // queued faults nor issue tokens, nor read rid/get or the data.
    const refusal = refuse(req.headers);
    const fault =
      refusal || faults.size === 0
        ? undefined
        : faults.take(path, requestKeys(query, token, body, options.bodyIsEvent === true));
    const wait = fault ? faultDelay(fault) : 0;
    if (wait > 0) {
      watch ??= new ClientWatch(res);
      await watch.wait(wait);
    }

    let outcome = refusal
      ? fail(context, 61004, refusal.reason, refusal.errmsg)
      : readError
        ? bodyReadFailure(readError, context)
        : answer({ method: recorded.method, accessToken: token, body, query }, context);
    // A scripted function's run: the answer waits, unless the client has gone.
    if (outcome.waitMs && fault?.errcode === undefined && !transportFaultReason(fault)) {
      watch ??= new ClientWatch(res);
      await watch.wait(outcome.waitMs);
    }
    if (fault?.errcode !== undefined) {
      outcome = fail(context, fault.errcode, `fault: errcode ${fault.errcode}`, fault.errmsg);
    }
    const transportReason = transportFaultReason(fault);
    const { status, answer: sent } = send(res, outcome, fault, transportReason ?? outcome.reason);
    const errcode = transportReason ? null : outcome.errcode;
    // Redacted once, for the rid map and the journal alike; without a rid the journal redacts it when read.
    const kept = body !== undefined && outcome.rid && !transportReason ? keptBody(body) : undefined;
    if (outcome.rid && !transportReason) {
      rids.add(outcome.rid, {
        invoke_time: Number.parseInt(outcome.rid.slice(0, 8), 16),
        cost_in_ms: Math.round(performance.now() - started),
        // Cut like the journal's texts: a 45 kB URL was kept whole for each of the last 1,000 rids.
        request_url: cutText(redactedUrl(reqPath, query), JOURNAL_TEXT_CHARS),
        request_body: kept ?? '',
        response_body: keptAnswer(outcome.body),
        client_ip: req.socket.remoteAddress ?? '',
      });
    }
    context.record(recorded, {
      query,
      ...(token !== undefined ? { token } : {}),
      seq,
      time,
      started,
      body,
      ...(kept !== undefined ? { keptBody: kept } : {}),
      errcode,
      status,
      reason: transportReason ?? outcome.reason,
      ...(sent !== undefined ? { answer: sent } : {}),
      ...(outcome.bodyAgain && sent === outcome.body ? { answerAgain: outcome.bodyAgain } : {}),
      ...(watch?.closedAt !== undefined ? { clientClosedAt: watch.closedAt } : {}),
      ...(outcome.invocation ? { invocation: outcome.invocation } : {}),
    });
  };
}
