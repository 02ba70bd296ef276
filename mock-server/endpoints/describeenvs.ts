// describeenvs' rules: the token, then every env as info_list.
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
 * describeenvs' rules, first failure wins: 43002, the token (41001/40001/42001/85088), a body
 * that is not a JSON object (47001; none at all is fine, as clients send `{}` or nothing), then
 * every env of the data whose qbase is not false, in the data's order.
 * @example answerDescribeEnvs({ method: 'POST', accessToken: 't', body: undefined }, state).body // '{"errcode":0,"errmsg":"ok","info_list":[…]}'
 */
export function answerDescribeEnvs(call: ApiCall, state: ApiState): Outcome {
  if (call.method !== 'POST') return fail(state, 43002, `method: ${call.method} is not POST`);
  const refused = checkToken(call, state, 'access_token (or component_access_token)');
  if (refused) return refused;
  if (!isEmptyBody(call.body)) {
    const parsed = parseJsonObject(call.body as Buffer);
    if ('reason' in parsed) return fail(state, 47001, parsed.reason);
  }
  const infoList = state.store
    .envs()
    .filter((env) => env.qbase)
    .map((env) => env.info);
  return { errcode: 0, body: JSON.stringify({ errcode: 0, errmsg: 'ok', info_list: infoList }) };
}
