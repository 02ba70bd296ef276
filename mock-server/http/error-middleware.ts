// The last middlewares: paths the mock does not serve, and every error, answered without a stack trace.
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import { API_PATH_LIST, API_PREFIXES, WECHAT_CONTENT_TYPE } from '../api-facts.js';
import type { MockContext } from '../context.js';
import { fail } from '../endpoints/request-rules.js';
import { errorBody, makeRid } from '../error-codes.js';
import { cutText, JOURNAL_TEXT_CHARS } from '../state/journal.js';
import { keptBody, redactedUrl } from '../state/redaction.js';
import { guardApi } from './api-guard.js';
import { ControlError } from './control-api.js';

/**
 * Answers a path the mock does not serve, and records it: under the API's own prefixes (/cgi-bin/,
 * /componenttcb/, /tcb/) as WeChat does, HTTP 200 `{"errcode":40066,"errmsg":"invalid url rid: …"}`
 * (clients that take a JSON body without errcode for a success would take a 404 body for data);
 * anywhere else a plain HTTP 404 naming the paths served. The API's Host rule holds here too: a
 * refused Host or a page of another site gets 61004 under those prefixes, as on the served paths.
 * @example app.use(notFound(context))
 */
export function notFound(context: MockContext) {
  // Read as the API route reads bodies, so rid/get and the journal show what was sent.
  const readBody = express.raw({ type: () => true, limit: context.settings.bodyLimit });
  const refuse = guardApi(context.settings);
  return async (req: Request, res: Response) => {
    const started = performance.now();
    const seq = context.journal.nextSeq();
    const time = new Date().toISOString();
    const served = `this mock serves POST ${API_PATH_LIST.join(', ')}`;
    const path = req.path.toLowerCase();
    if (API_PREFIXES.some((prefix) => path.startsWith(prefix))) {
      // A body too large or cut off is left unread: the answer is 40066 all the same.
      if (!(Number(req.headers['content-length']) > context.settings.bodyLimit)) {
        await new Promise<unknown>((resolve) => readBody(req, res, resolve));
      } else {
        res.setHeader('Connection', 'close');
      }
      const body = Buffer.isBuffer(req.body) ? req.body : undefined;
      const refusal = refuse(req.headers);
      const outcome = refusal
        ? fail(context, 61004, refusal.reason, refusal.errmsg)
        : fail(context, 40066, `no such API: ${req.method} ${req.path}; ${served}`);
      res.status(200).setHeader('Content-Type', WECHAT_CONTENT_TYPE);
      res.end(outcome.body);
      if (outcome.rid) {
        context.rids.add(outcome.rid, {
          invoke_time: Number.parseInt(outcome.rid.slice(0, 8), 16),
          cost_in_ms: Math.round(performance.now() - started),
          request_url: cutText(redactedUrl(req.path, req.query as Record<string, unknown>), JOURNAL_TEXT_CHARS),
          request_body: body === undefined ? '' : keptBody(body),
          response_body: outcome.body,
          client_ip: req.socket.remoteAddress ?? '',
        });
      }
      context.record(req, {
        seq,
        time,
        started,
        body,
        errcode: outcome.errcode,
        status: 200,
        reason: outcome.reason,
        answer: outcome.body,
      });
      return;
    }
    const reason = `no such API: ${req.method} ${req.path}; ${served}`;
    const answer = JSON.stringify({ error: reason });
    context.record(req, { seq, time, started, errcode: null, status: 404, reason, answer });
    res.status(404).type('json').send(answer);
  };
}

/**
 * The one error middleware: control API refusals as HTTP 4xx with details, a bug of ours without a
 * stack trace, and the API still answering as WeChat does (-1 system error).
 * @example app.use(errorHandler(context))
 */
export function errorHandler(context: MockContext): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    if (error instanceof ControlError) {
      res.status(error.status).json({ error: error.message, issues: error.issues });
      return;
    }
    const type = (error as { type?: string }).type;
    if (type === 'entity.parse.failed') {
      res.status(400).json({ error: `body: is not valid JSON (${(error as Error).message})`, issues: [] });
      return;
    }
    const status = Number((error as { status?: number }).status);
    if (status >= 400 && status < 500) {
      res.status(status).json({ error: (error as Error).message, issues: [] });
      return;
    }
    // A bug of ours: say so without a stack trace; the API still answers like WeChat does.
    const message = error instanceof Error ? error.message : String(error);
    console.error(`wechat-scf-kit: internal error on ${req.method} ${req.path}: ${message}`);
    const path = req.path.toLowerCase();
    if (API_PATH_LIST.some((api) => path.startsWith(api))) {
      res.status(200).setHeader('Content-Type', WECHAT_CONTENT_TYPE);
      res.end(errorBody(-1, { rid: context.settings.rid && makeRid(context.clock.now()) }));
    } else {
      res.status(500).json({ error: `internal error: ${message}`, issues: [] });
    }
  };
}
