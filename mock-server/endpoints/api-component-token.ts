// api_component_token's rules: appid, secret and ticket checked, then a component token issued on the mock clock.
import { type ApiCall, type ApiState, fail, isEmptyBody, type Outcome, parseJsonObject } from './request-rules.js';

const FIELDS = ['component_appid', 'component_appsecret', 'component_verify_ticket'] as const;

/**
 * api_component_token's rules, first failure wins: 43002, 44002, 47001 (not a JSON object, or a
 * field that is not a string), 41002 (no appid), 41004 (no secret), then the credentials against
 * the data's components (40013, 40125, 61006, 61005; see TokenRegistry.issue). A success is
 * `{"component_access_token":"…","expires_in":7200}` with no errcode, as upstream documents it.
 * No token is read from the query: this is where a client gets one.
 * @example answerComponentToken({ method: 'POST', accessToken: undefined, body: Buffer.from('{}') }, state).errcode // 41002
 */
export function answerComponentToken(call: ApiCall, state: ApiState): Outcome {
  if (call.method !== 'POST') return fail(state, 43002, `method: ${call.method} is not POST`);
  if (isEmptyBody(call.body)) return fail(state, 44002, 'body: empty');
  const parsed = parseJsonObject(call.body as Buffer);
  if ('reason' in parsed) return fail(state, 47001, parsed.reason);
  const body = parsed.value;
  for (const field of FIELDS) {
    const value = body[field];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      return fail(state, 47001, `${field}: must be string`);
    }
  }
  const text = (field: (typeof FIELDS)[number]) => (typeof body[field] === 'string' ? (body[field] as string) : '');
  const appid = text('component_appid');
  const secret = text('component_appsecret');
  if (!appid) return fail(state, 41002, 'component_appid: missing or empty');
  if (!secret) return fail(state, 41004, 'component_appsecret: missing or empty');
  const issued = state.registry.issue({
    component_appid: appid,
    component_appsecret: secret,
    component_verify_ticket: text('component_verify_ticket') || undefined,
  });
  if ('errcode' in issued) return fail(state, issued.errcode, issued.reason);
  return { errcode: 0, body: JSON.stringify(issued) };
}
