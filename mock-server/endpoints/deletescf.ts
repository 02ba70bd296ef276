// deletescf's rules: delete one function in one env; its triggers go with it.
import { isScfDeleteRequest } from '../validation.js';
import { refusalOutcome } from './lifecycle-answers.js';
import { type ApiCall, type ApiState, checkManagementRequest, type Outcome, okBody } from './request-rules.js';

/**
 * deletescf's rules: the shared request rules, then the env and the function
 * (40097/85088/-501009/-1000); the function turns Deleting and is gone (or DeleteFailed) when the change ends.
 * @example answerDeleteScf(call, state).body // '{"errcode":0,"errmsg":"ok"}'
 */
export function answerDeleteScf(call: ApiCall, state: ApiState): Outcome {
  const checked = checkManagementRequest(call, state, isScfDeleteRequest, ['functionname', 'env']);
  if (!('request' in checked)) return checked;
  const { env, functionname } = checked.request;
  const refused = state.lifecycle.remove(env, functionname);
  return refused ? refusalOutcome(state, refused, env, functionname) : okBody();
}
