import type { Response } from 'superagent';
import request from 'supertest';
import type { FunctionSeed, MockDataFile } from '../../generated/schemas.js';
import { GETSCFLIST_PATH } from '../../mock-server/api-facts.js';
import type { MockApp } from '../../mock-server/app.js';

/** 25 functions with distinct, known add_times: listed newest first, which is the served order. */
export const PROD_FUNCTIONS: FunctionSeed[] = [
  'getUser',
  'GetUserInfo',
  'user-login',
  'userLogout',
  'order.sync',
  'orderCreate',
  'order_refund',
  'payNotify',
  'payment-callback',
  'sendMessage',
  'sendSubscribeMsg',
  'uploadAvatar',
  'imageCompress',
  'cartAdd',
  'cartList',
  'couponGrant',
  'couponUse',
  'feedList',
  'feedPost',
  'statsDaily',
  'statsWeekly',
  'cronCleanup',
  'webhookGithub',
  'configGet',
  'healthCheck',
].map((name, i) => ({
  name,
  add_time: `2024-05-${String(28 - i).padStart(2, '0')} 10:00:00`,
}));

export const PROD_NAMES = PROD_FUNCTIONS.map((f) => f.name);

/** Data for the endpoint tests: listed tokens, a known env, an env without cloud development, a generated env. */
export const TEST_DATA: MockDataFile = {
  seed: 42,
  tokens: { 'tok-valid': 'valid', 'tok-old': 'expired', 'tok-nq': 'no-qbase' },
  envs: {
    'prod-1': { functions: PROD_FUNCTIONS },
    legacy: { qbase: false },
    big: { generate: 250 },
  },
};

export const RID = /^(?<text>.+) rid: (?<time>[0-9a-f]{8})-[0-9a-f]{8}-[0-9a-f]{8}$/;

/** POSTs a JSON (or raw string) body to the endpoint with a token in the query. */
export function post(app: MockApp, body: unknown, token: string | null = 'tok-valid') {
  const url = token === null ? GETSCFLIST_PATH : `${GETSCFLIST_PATH}?access_token=${encodeURIComponent(token)}`;
  const req = request(app).post(url);
  return typeof body === 'string' ? req.set('Content-Type', 'application/json').send(body) : req.send(body as object);
}

/** The names on a success page. */
export function names(body: { functions: { name: string }[] }): string[] {
  return body.functions.map((f) => f.name);
}

/**
 * A supertest parser that keeps the answer as text, for answers that are not JSON (a fault cut it short).
 * @example const res = await post(app, { env: 'prod-1' }).buffer(true).parse(asText); res.body // the text
 */
export function asText(res: Response, done: (error: Error | null, body: string) => void): void {
  let text = '';
  res.on('data', (chunk: Buffer) => {
    text += chunk;
  });
  res.on('end', () => done(null, text));
}
