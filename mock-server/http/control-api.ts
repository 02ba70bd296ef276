// The control API under /__mock/: read and change the data, tokens, faults, clock and journal; HTTP 400 with details on bad input.
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { CONTROL_PREFIX, DEFAULT_LIMIT, MAX_FAULTS, OPTION_RANGES, TICKET_VALID_S } from '../api-facts.js';
import type { MockContext } from '../context.js';
import { buildOpenApi } from '../openapi.js';
import {
  checkDepth,
  checkEnvData,
  checkMockData,
  checkTotalFunctions,
  DataError,
  describeJsonError,
  functionCount,
} from '../state/data-file.js';
import type { EnvState } from '../state/env-store.js';
import { checkFault } from '../state/fault-queue.js';
import {
  describeErrors,
  isEnvId,
  isMockClockAdvance,
  isMockTicketPush,
  isTokenTable,
  rangeMessage,
} from '../validation.js';
import { lifecycleRoutes } from './lifecycle-control.js';

export { CONTROL_PREFIX };

/**
 * Thrown by control handlers for a bad request; the error middleware answers HTTP 400 with it.
 * @example throw new ControlError(404, 'env prod-1 is not in the data')
 */
export class ControlError extends Error {
  readonly status: number;
  readonly issues: { path: string; message: string }[];
  constructor(status: number, message: string, issues: { path: string; message: string }[] = []) {
    super(message);
    this.status = status;
    this.issues = issues;
  }
}

function summary(env: EnvState) {
  return { env: env.id, qbase: env.qbase, total_count: env.table.count };
}

function envIdParam(req: Request): string {
  const id = String(req.params.env);
  if (!isEnvId(id)) {
    throw new ControlError(400, `env id ${JSON.stringify(id)} is not valid`, [
      { path: 'env', message: "must be letters, digits, '-' or '_', starting with a letter or digit, at most 64 long" },
    ]);
  }
  return id;
}

/** Runs a check that throws DataError and turns it into a 400 answer. */
function checked<T>(check: () => T, what: string): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof DataError) throw new ControlError(400, `${what}: ${error.message}`, error.issues);
    throw error;
  }
}

/** The request body parsed as JSON: required, and answered with 400 when it is not JSON. */
function requireBody(req: Request): unknown {
  const raw: unknown = req.body;
  if (!Buffer.isBuffer(raw) || raw.toString('utf8').trim() === '')
    throw new ControlError(400, 'a JSON body is required');
  let value: unknown;
  const text = raw.toString('utf8');
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ControlError(400, `body: ${describeJsonError(text, error as Error)}`);
  }
  checked(() => checkDepth(value), 'body');
  return value;
}

/** An integer query parameter, `fallback` when absent; 400 naming the parameter when it is not one in range. */
function integerQuery(req: Request, name: string, fallback: number, min: number, max: number): number {
  const raw = req.query[name];
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ControlError(400, `${name}: ${rangeMessage({ min, max })}`, [
      { path: name, message: rangeMessage({ min, max }) },
    ]);
  }
  return value;
}

/** The largest page `GET /__mock/envs/:env/functions` gives: the dashboard's page, not the API's --max-limit. */
const CONTROL_PAGE_LIMIT = 1000;

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Checks `Authorization: Bearer <token>` in constant time (equal-length digests, compared whole). */
function requireBearer(token: string) {
  const expected = digest(token);
  return (req: Request, res: Response, next: NextFunction) => {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (match && timingSafeEqual(digest(match[1]), expected)) {
      next();
      return;
    }
    res.setHeader('WWW-Authenticate', 'Bearer');
    res.status(401).json({ error: 'the control API needs Authorization: Bearer <control token>', issues: [] });
  };
}

/**
 * The /__mock/ control API: health, the request journal, envs, tokens (listed and issued), the
 * whole data, the clock, component tickets, reset and faults. JSON in and out; a bad request gets HTTP 400 and changes nothing.
 * @example app.use(CONTROL_PREFIX, controlRouter(context))
 */
export function controlRouter(context: MockContext): Router {
  const { store, journal, faults, settings, clock, registry, rids } = context;
  const router = Router();
  if (settings.controlToken !== undefined) router.use(requireBearer(settings.controlToken));
  router.use(express.raw({ type: () => true, limit: settings.bodyLimit }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', envs: store.envs().length });
  });

  router.get('/openapi.json', (_req, res) => {
    res.json(buildOpenApi());
  });

  router.get('/requests', (req, res) => {
    const after = integerQuery(req, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
    res.json(journal.snapshot(after, integerQuery(req, 'limit', journal.capacity, 1, OPTION_RANGES.journalLimit.max)));
  });
  router.delete('/requests', (_req, res) => {
    res.json({ cleared: journal.clear() });
  });

  router.get('/envs', (_req, res) => {
    res.json({ envs: store.envs().map(summary) });
  });
  router.get('/envs/:env', (req, res) => {
    const id = envIdParam(req);
    const env = store.getEnv(id);
    if (!env) throw new ControlError(404, `env ${id} is not in the data`);
    res.json({ ...summary(env), functions: env.table.all().map((fn) => fn.record) });
  });
  // One page as the API pages and searches it (the store's own listing), outside the API: no token,
  // no fault and no journal entry, and qbase-false envs list too.
  router.get('/envs/:env/functions', (req, res) => {
    const id = envIdParam(req);
    const env = store.getEnv(id);
    if (!env) throw new ControlError(404, `env ${id} is not in the data`);
    const offset = integerQuery(req, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = integerQuery(req, 'limit', DEFAULT_LIMIT, 1, CONTROL_PAGE_LIMIT);
    const searchkey = req.query.searchkey;
    if (searchkey !== undefined && typeof searchkey !== 'string') {
      throw new ControlError(400, 'searchkey: must be given once', [
        { path: 'searchkey', message: 'must be a string' },
      ]);
    }
    const page = store.listFunctions(env, { offset, limit, searchkey });
    // total_count as the API gives it: every match of searchkey, not the env's size.
    res.json({
      env: env.id,
      qbase: env.qbase,
      offset,
      limit,
      ...(searchkey ? { searchkey } : {}),
      total_count: page.total_count,
      functions: page.functions.map((fn) => fn.record),
    });
  });
  router.put('/envs/:env', (req, res) => {
    const id = envIdParam(req);
    const data = checked(() => checkEnvData(requireBody(req)), `env ${id}`);
    const others = store.envs().reduce((sum, env) => sum + (env.id === id ? 0 : env.table.count), 0);
    checked(() => checkTotalFunctions(others + functionCount(data), ''), `env ${id}`);
    const existed = store.getEnv(id) !== undefined;
    res.status(existed ? 200 : 201).json(summary(store.putEnv(id, data)));
  });
  router.delete('/envs/:env', (req, res) => {
    const id = envIdParam(req);
    if (!store.deleteEnv(id)) throw new ControlError(404, `env ${id} is not in the data`);
    res.json({ deleted: id });
  });

  router.get('/tokens', (_req, res) => {
    res.json({ tokens: store.tokens(), issued: registry.list() });
  });
  router.put('/tokens', (req, res) => {
    const tokens = requireBody(req);
    if (!isTokenTable(tokens)) {
      throw new ControlError(400, 'tokens: not a valid token table', describeErrors(isTokenTable.errors));
    }
    store.setTokens(tokens);
    res.json({ tokens: store.tokens() });
  });

  router.put('/data', (req, res) => {
    const data = checked(() => checkMockData(requireBody(req)), 'data');
    store.replaceData(data);
    res.json({ envs: store.envs().map(summary), tokens: Object.keys(store.tokens()).length });
  });

  router.get('/clock', (_req, res) => {
    res.json(clock.view());
  });
  router.post('/clock', (req, res) => {
    const body = requireBody(req);
    if (!isMockClockAdvance(body)) {
      throw new ControlError(400, 'clock: not a valid advance', describeErrors(isMockClockAdvance.errors));
    }
    clock.advance(body.advance_s);
    res.json(clock.view());
  });

  router.post('/components/:appid/ticket', (req, res) => {
    const appid = String(req.params.appid);
    const body = requireBody(req);
    if (!isMockTicketPush(body)) {
      throw new ControlError(400, 'ticket: not a valid push', describeErrors(isMockTicketPush.errors));
    }
    if (!registry.pushTicket(appid, body.component_verify_ticket)) {
      const listed = registry.appids();
      throw new ControlError(
        404,
        `component ${appid} is not in the data's components (${listed.length ? `listed: ${listed.join(', ')}` : 'none are listed'}); add it with PUT /__mock/data`,
      );
    }
    res.status(201).json({
      component_appid: appid,
      valid_until: new Date(clock.now() + TICKET_VALID_S * 1000).toISOString(),
    });
  });

  router.post('/reset', (_req, res) => {
    // The clock first: the data's tickets count their 12 hours from the reset, in real time.
    clock.reset();
    store.reset();
    journal.clear();
    rids.clear();
    faults.clear();
    res.json({ status: 'reset', envs: store.envs().map(summary) });
  });

  router.get('/faults', (_req, res) => {
    res.json({ faults: faults.list() });
  });
  router.post('/faults', (req, res) => {
    const fault = checked(() => checkFault(requireBody(req)), 'fault');
    if (faults.size >= MAX_FAULTS) {
      throw new ControlError(
        409,
        `the fault queue is full (${MAX_FAULTS} faults); let them be used up, or DELETE /__mock/faults, or use times: N for a run of one fault`,
      );
    }
    faults.add(fault);
    res.status(201).json({ faults: faults.list() });
  });
  router.delete('/faults', (_req, res) => {
    const cleared = faults.list().length;
    faults.clear();
    res.json({ cleared });
  });

  lifecycleRoutes(router, context, {
    requireBody,
    envIdParam,
    refuse: (status, message, issues) => new ControlError(status, message, issues),
  });

  router.use((req: Request, _res: Response) => {
    throw new ControlError(404, `no control route ${req.method} ${CONTROL_PREFIX}${req.path}`);
  });
  return router;
}
