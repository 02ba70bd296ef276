// The route every API endpoint shares: reads the request, applies a fault, answers by the endpoint's rules, records it.
import { setTimeout as delay } from 'node:timers/promises';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { ApiPath } from '../api-facts.js';
import type { MockContext } from '../context.js';
import { type Answer, type ApiState, fail, type Outcome, readToken } from '../endpoints/request-rules.js';
import { faultDelay } from '../state/fault-queue.js';
import { keptBody, redactedUrl } from '../state/redaction.js';
import { send, transportFaultReason } from './fault-responses.js';

function bodyReadFailure(error: unknown, state: ApiState): Outcome {
  const type = (error as { type?: string }).type;
  if (type === 'entity.too.large')
    return fail(state, 47001, `body: larger than the ${state.settings.bodyLimit}-byte limit`);
  return fail(state, 47001, `body: could not be read (${(error as Error).message})`);
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
    const token = readToken(query, options.tokenKeys);
    const body = Buffer.isBuffer(req.body) ? req.body : undefined;
    const fault = faults.take(path);
    const wait = fault ? faultDelay(fault) : 0;
    if (wait > 0) await delay(wait, undefined, { signal: gone.signal }).catch(() => undefined);

    let outcome = readError
      ? bodyReadFailure(readError, context)
      : answer({ method: req.method, accessToken: token, body, query }, context);
    // A scripted function's run: the answer waits, unless the client has gone.
    if (outcome.waitMs && fault?.errcode === undefined && !transportFaultReason(fault)) {
      await delay(outcome.waitMs, undefined, { signal: gone.signal }).catch(() => undefined);
    }
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
      ...(token !== undefined ? { token } : {}),
      seq,
      time,
      started,
      body,
      errcode,
      status,
      reason: transportReason ?? outcome.reason,
      ...(sent !== undefined ? { answer: sent } : {}),
      ...(clientClosedAt !== undefined ? { clientClosedAt } : {}),
      ...(outcome.invocation ? { invocation: outcome.invocation } : {}),
    });
  };
}
