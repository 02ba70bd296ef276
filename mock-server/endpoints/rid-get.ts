// rid/get's rules: look up the request behind a rid the mock answered.
import { RID_PATTERN } from '../api-facts.js';
import {
  type ApiCall,
  type ApiState,
  checkToken,
  fail,
  isEmptyBody,
  type Outcome,
  parseJsonObject,
} from './request-rules.js';

/**
 * rid/get's rules, first failure wins: 43002, the token (access_token only, as upstream
 * documents it), 44002, 47001, 40101 (no rid), 76002 (not `<hex8>-<hex8>-<hex8>`), 76001 (a rid
 * this mock did not issue, forgot, or issued over 7 days of mock time ago), then the request
 * behind the rid, bodies as text and the token cut short, as upstream answers it.
 * @example answerRidGet({ method: 'POST', accessToken: 't', body: Buffer.from('{"rid":"x"}') }, state).errcode // 76002
 */
export function answerRidGet(call: ApiCall, state: ApiState): Outcome {
  if (call.method !== 'POST') return fail(state, 43002, `method: ${call.method} is not POST`);
  const refused = checkToken(call, state);
  if (refused) return refused;
  if (isEmptyBody(call.body)) return fail(state, 44002, 'body: empty');
  const parsed = parseJsonObject(call.body as Buffer);
  if ('reason' in parsed) return fail(state, 47001, parsed.reason);
  const rid = parsed.value.rid;
  if (rid === undefined || rid === null || rid === '') return fail(state, 40101, 'rid: missing or empty');
  if (typeof rid !== 'string') return fail(state, 47001, 'rid: must be string');
  if (!RID_PATTERN.test(rid)) return fail(state, 76002, 'rid: must be <hex8>-<hex8>-<hex8>');
  const request = state.rids.get(rid);
  if (!request) return fail(state, 76001, `rid: ${rid} was not issued by this mock, or is forgotten`);
  return { errcode: 0, body: JSON.stringify({ errcode: 0, errmsg: 'ok', request }) };
}
