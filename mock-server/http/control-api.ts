// The control API under /__mock/: read and change the data, tokens, faults, clock and journal; HTTP 400 with details on bad input.
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import {
  CONTROL_PREFIX,
  DEFAULT_LIMIT,
  JOURNAL_PAGE_LIMIT,
  MAX_ENVS,
  MAX_FAULTS,
  TICKET_VALID_S,
} from '../api-facts.js';
import type { MockContext } from '../context.js';
import { buildOpenApi } from '../openapi.js';
import { AuthorizersFull } from '../state/authorizer-registry.js';
import {
  checkDepth,
  checkEnvData,
  checkMockData,
  checkScript,
  checkTotalFunctions,
  DataError,
  describeJsonError,
  functionCount,
} from '../state/data-file.js';
import type { EnvState } from '../state/env-store.js';
import { checkFault, type FaultMatch, MATCH_KEYS } from '../state/fault-queue.js';
import type { JournalFilter } from '../state/journal.js';
import { ComponentClocksFullError } from '../state/mock-clock.js';
import {
  describeErrors,
  isComponentData,
  isEnvId,
  isMockAuthorizerAdd,
  isMockClockAdvance,
  isMockTicketPush,
  isMockTokenPut,
  isTokenCheck,
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

/** Longest value of each key a control query may filter by: an env id, a token, an appid. */
const KEY_MAX_CHARS: Record<string, number> = { env: 64, access_token: 512, component_appid: 64 };

/** An optional query parameter given once as a non-empty string of at most `max` characters; 400 otherwise. */
function keyQuery(req: Request, name: string, max: number): string | undefined {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw === '' || raw.length > max) {
    const message = typeof raw !== 'string' ? 'must be given once' : `must be 1 to ${max} characters`;
    throw new ControlError(400, `${name}: ${message}`, [{ path: name, message }]);
  }
  return raw;
}

/** The fault filter of GET and DELETE /__mock/faults: env, access_token and component_appid, as a fault's match names them. */
function faultFilter(req: Request): FaultMatch | undefined {
  const filter: FaultMatch = {};
  for (const key of MATCH_KEYS) {
    const value = keyQuery(req, key, KEY_MAX_CHARS[key]);
    if (value !== undefined) filter[key] = value;
  }
  return Object.keys(filter).length > 0 ? filter : undefined;
}

/** The journal filter of GET /__mock/requests. */
function journalFilter(req: Request): JournalFilter | undefined {
  const filter: JournalFilter = {};
  const env = keyQuery(req, 'env', KEY_MAX_CHARS.env);
  const appid = keyQuery(req, 'component_appid', KEY_MAX_CHARS.component_appid);
  const sha = keyQuery(req, 'access_token_sha256', 64);
  if (sha !== undefined && !/^[0-9a-fA-F]{64}$/.test(sha)) {
    const message = 'must be the 64 hex digits of the SHA-256 of the whole token';
    throw new ControlError(400, `access_token_sha256: ${message}`, [{ path: 'access_token_sha256', message }]);
  }
  if (env !== undefined) filter.env = env;
  if (appid !== undefined) filter.component_appid = appid;
  if (sha !== undefined) filter.access_token_sha256 = sha.toLowerCase();
  return Object.keys(filter).length > 0 ? filter : undefined;
}

/** A token or appid from the path: non-empty and within the bounds the data file sets. */
function keyParam(req: Request, name: 'token' | 'appid', max: number): string {
  const value = String(req.params[name]);
  if (value === '' || value.length > max) {
    const message = `must be 1 to ${max} characters`;
    throw new ControlError(400, `${name}: ${message}`, [{ path: name, message }]);
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
 * The /__mock/ control API (health is public, in app.ts): the request journal, envs, tokens (listed and issued), the
 * whole data, the clock, component tickets, reset and faults. JSON in and out; a bad request gets HTTP 400 and changes nothing.
 * @example app.use(CONTROL_PREFIX, controlRouter(context))
 */
export function controlRouter(context: MockContext): Router {
  const { store, journal, faults, settings, clock, registry, authorizers, rids } = context;
  const router = Router();
  if (settings.controlToken !== undefined) router.use(requireBearer(settings.controlToken));
  router.use(express.raw({ type: () => true, limit: settings.bodyLimit }));

  router.get('/openapi.json', (_req, res) => {
    res.json(buildOpenApi());
  });

  // One answer holds at most JOURNAL_PAGE_LIMIT entries; `before` pages back through older ones.
  router.get('/requests', (req, res) => {
    const after = integerQuery(req, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
    const before = integerQuery(req, 'before', Number.MAX_SAFE_INTEGER, 0, Number.MAX_SAFE_INTEGER);
    // A larger limit is taken as the page's most, as paged APIs do, so a poller asking for more still works.
    const limit = Math.min(
      integerQuery(req, 'limit', JOURNAL_PAGE_LIMIT, 1, Number.MAX_SAFE_INTEGER),
      JOURNAL_PAGE_LIMIT,
    );
    res.json(journal.snapshot(after, limit, journalFilter(req), before));
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
    res.json({
      ...summary(env),
      functions: env.table.all().map((fn) => fn.record),
      scripts: Object.fromEntries(env.scripts),
    });
  });
  // A function's script for invokecloudfunction: set (replacing one, its list starting over) or removed.
  router.put('/envs/:env/functions/:name/script', (req, res) => {
    const id = envIdParam(req);
    const name = String(req.params.name);
    const script = checked(() => checkScript(requireBody(req)), `script of ${name}`);
    if (!store.setScript(id, name, script)) throw new ControlError(404, `env ${id} is not in the data`);
    const env = store.getEnv(id) as EnvState;
    res.json({ env: id, name, exists: store.getFunction(env, name) !== undefined, script });
  });
  router.delete('/envs/:env/functions/:name/script', (req, res) => {
    const id = envIdParam(req);
    const name = String(req.params.name);
    const env = store.getEnv(id);
    if (!env) throw new ControlError(404, `env ${id} is not in the data`);
    if (!env.scripts.has(name)) throw new ControlError(404, `function ${name} of env ${id} has no script`);
    store.setScript(id, name, undefined);
    res.json({ deleted: name, env: id });
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
    if (!existed && store.envs().length >= MAX_ENVS) {
      throw new ControlError(
        409,
        `the mock already holds ${MAX_ENVS} envs, its most (describeenvs lists them all in one answer); DELETE /__mock/envs/:env one first`,
      );
    }
    res.status(existed ? 200 : 201).json(summary(store.putEnv(id, data)));
  });
  router.delete('/envs/:env', (req, res) => {
    const id = envIdParam(req);
    if (!store.deleteEnv(id)) throw new ControlError(404, `env ${id} is not in the data`);
    res.json({ deleted: id });
  });

  router.get('/tokens', (req, res) => {
    const appid = keyQuery(req, 'component_appid', KEY_MAX_CHARS.component_appid);
    res.json({ tokens: store.tokens(), token_check: store.tokenCheck, issued: registry.list(appid) });
  });
  // The whole table, as ever: its mode follows it (listed when non-empty). Shared mocks use the one-token routes below.
  router.put('/tokens', (req, res) => {
    const tokens = requireBody(req);
    if (!isTokenTable(tokens)) {
      throw new ControlError(400, 'tokens: not a valid token table', describeErrors(isTokenTable.errors));
    }
    store.setTokens(tokens);
    res.json({ tokens: store.tokens(), token_check: store.tokenCheck });
  });
  router.put('/tokens/:token', (req, res) => {
    const token = keyParam(req, 'token', KEY_MAX_CHARS.access_token);
    const body = requireBody(req);
    if (!isMockTokenPut(body)) {
      throw new ControlError(400, 'token: not a valid token state', describeErrors(isMockTokenPut.errors));
    }
    const added = store.putToken(token, body.state);
    res.status(added ? 201 : 200).json({ token, state: body.state, token_check: store.tokenCheck });
  });
  router.delete('/tokens/:token', (req, res) => {
    const token = keyParam(req, 'token', KEY_MAX_CHARS.access_token);
    if (!store.deleteToken(token)) throw new ControlError(404, 'token: not in the token table');
    res.json({ deleted: token, token_check: store.tokenCheck });
  });
  router.get('/token-check', (_req, res) => {
    res.json({ token_check: store.tokenCheck });
  });
  router.put('/token-check', (req, res) => {
    const body = requireBody(req) as { token_check?: unknown } | null;
    const mode = body !== null && typeof body === 'object' ? body.token_check : undefined;
    if (!isTokenCheck(mode) || Object.keys(body as object).length !== 1) {
      throw new ControlError(400, 'token-check: the body must be {"token_check": "any" | "listed"}', [
        { path: 'token_check', message: 'must be "any" or "listed"' },
      ]);
    }
    store.setTokenCheck(mode);
    res.json({ token_check: store.tokenCheck });
  });

  router.put('/data', (req, res) => {
    const data = checked(() => checkMockData(requireBody(req)), 'data');
    store.replaceData(data);
    res.json({ envs: store.envs().map(summary), tokens: Object.keys(store.tokens()).length });
  });

  router.get('/clock', (req, res) => {
    res.json(clock.view(keyQuery(req, 'component_appid', KEY_MAX_CHARS.component_appid)));
  });
  router.post('/clock', (req, res) => {
    const body = requireBody(req);
    if (!isMockClockAdvance(body)) {
      throw new ControlError(400, 'clock: not a valid advance', describeErrors(isMockClockAdvance.errors));
    }
    try {
      clock.advance(body.advance_s, body.component_appid);
    } catch (error) {
      if (error instanceof ComponentClocksFullError) throw new ControlError(409, error.message);
      if (!(error instanceof RangeError)) throw error;
      throw new ControlError(400, error.message, [{ path: 'advance_s', message: error.message }]);
    }
    res.json(clock.view(body.component_appid));
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
        `component ${appid} is not in the data's components (${listed.length ? `listed: ${listed.join(', ')}` : 'none are listed'}); add it with PUT /__mock/components/${appid}`,
      );
    }
    res.status(201).json({
      component_appid: appid,
      valid_until: new Date(clock.now() + TICKET_VALID_S * 1000).toISOString(),
    });
  });

  // One component at a time: listed (secret, ticket, authorizers) without changing how any other appid is answered.
  router.put('/components/:appid', (req, res) => {
    const appid = keyParam(req, 'appid', KEY_MAX_CHARS.component_appid);
    const body = requireBody(req);
    if (!isComponentData(body)) {
      throw new ControlError(400, 'component: not a valid component', describeErrors(isComponentData.errors));
    }
    const unknown = Object.values(body.authorizers ?? {})
      .flatMap((authorizer) => authorizer.envs ?? [])
      .filter((env) => !store.getEnv(env));
    if (unknown.length > 0) {
      throw new ControlError(400, `component: authorizer envs ${[...new Set(unknown)].join(', ')} not in the data`, [
        { path: 'authorizers', message: `${[...new Set(unknown)].join(', ')} not in the data; add the env first` },
      ]);
    }
    try {
      authorizers.putComponent(appid, body.authorizers);
    } catch (error) {
      if (error instanceof AuthorizersFull) throw new ControlError(409, error.message);
      throw error;
    }
    const added = registry.putComponent(appid, body);
    res.status(added ? 201 : 200).json({ component_appid: appid, component_check: registry.componentCheck });
  });
  // One component's clean-up: unlisted, and its clock, the tokens issued to it, a pushed ticket, its
  // authorizers and the authorizer tokens issued under it forgotten.
  router.delete('/components/:appid', (req, res) => {
    const appid = keyParam(req, 'appid', KEY_MAX_CHARS.component_appid);
    const clockMoved = clock.forget(appid);
    const { listed, issued } = registry.removeComponent(appid);
    const { authorizers: authorizerCount, tokens } = authorizers.removeComponent(appid);
    res.json({
      component_appid: appid,
      removed: {
        listed,
        clock: clockMoved,
        issued_tokens: issued,
        authorizers: authorizerCount,
        authorizer_tokens: tokens,
      },
    });
  });
  router.get('/component-check', (_req, res) => {
    res.json({ component_check: registry.componentCheck, components: registry.appids() });
  });
  router.put('/component-check', (req, res) => {
    const body = requireBody(req) as { component_check?: unknown } | null;
    const mode = body !== null && typeof body === 'object' ? body.component_check : undefined;
    if (!isTokenCheck(mode) || Object.keys(body as object).length !== 1) {
      throw new ControlError(400, 'component-check: the body must be {"component_check": "any" | "listed"}', [
        { path: 'component_check', message: 'must be "any" or "listed"' },
      ]);
    }
    registry.setComponentCheck(mode);
    res.json({ component_check: registry.componentCheck });
  });
  router.get('/authorizers', (_req, res) => {
    res.json(authorizers.list());
  });
  router.post('/components/:appid/authorizers', (req, res) => {
    const appid = keyParam(req, 'appid', KEY_MAX_CHARS.component_appid);
    const body = requireBody(req);
    if (!isMockAuthorizerAdd(body)) {
      throw new ControlError(400, 'authorizer: not a valid authorizer', describeErrors(isMockAuthorizerAdd.errors));
    }
    const unknown = (body.envs ?? []).filter((env) => !store.getEnv(env));
    if (unknown.length > 0) {
      throw new ControlError(400, `authorizer: envs ${unknown.join(', ')} not in the data`, [
        { path: 'envs', message: `${unknown.join(', ')} not in the data; add the env first` },
      ]);
    }
    try {
      res.status(201).json({ component_appid: appid, ...authorizers.add(appid, body) });
    } catch (error) {
      if (error instanceof AuthorizersFull) throw new ControlError(409, error.message);
      throw error;
    }
  });

  // The journal's invocations of cloud functions, oldest first: what each client sent as the event.
  router.get('/invocations', (req, res) => {
    const env = typeof req.query.env === 'string' ? req.query.env : undefined;
    const name = typeof req.query.name === 'string' ? req.query.name : undefined;
    const invocations = journal
      .snapshot()
      .requests.filter(
        (entry) =>
          entry.invocation &&
          (env === undefined || entry.invocation.env === env) &&
          (name === undefined || entry.invocation.name === name),
      )
      .map(({ seq, time, errcode, duration_ms, invocation }) => ({ seq, time, errcode, duration_ms, ...invocation }));
    res.json({ invocations });
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

  router.get('/faults', (req, res) => {
    res.json({ faults: faults.list(faultFilter(req)) });
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
  // With env, access_token or component_appid: only the faults whose match carries them, so one test clears its own.
  router.delete('/faults', (req, res) => {
    res.json({ cleared: faults.clear(faultFilter(req)) });
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
