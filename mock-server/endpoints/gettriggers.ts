// gettriggers' rules: a function's triggers (funcname, not functionname), type "timer" in lower case.
import { isTriggersGetRequest } from '../validation.js';
import { refusalOutcome } from './lifecycle-answers.js';
import { type ApiCall, type ApiState, checkManagementRequest, type Outcome, okBody } from './request-rules.js';

/**
 * gettriggers' rules: the shared request rules, then the env and the function (40097/85088/-501009;
 * a function busy with a change still answers), then its triggers.
 * @example answerGetTriggers(call, state).body // '{"errcode":0,"errmsg":"ok","triggers":[{"trigger_name":"daily","type":"timer","config":"0 0 2 * * * *"}]}'
 */
export function answerGetTriggers(call: ApiCall, state: ApiState): Outcome {
  const checked = checkManagementRequest(call, state, isTriggersGetRequest, ['env', 'funcname']);
  if (!('request' in checked)) return checked;
  const { env, funcname } = checked.request;
  const triggers = state.lifecycle.triggers(env, funcname);
  return 'kind' in triggers ? refusalOutcome(state, triggers, env, funcname) : okBody({ triggers });
}
