// batchupdatetriggers' rules: one timer trigger per function, 7-field cron in UTC+8, "Timer" in and "timer" out; per-env failures in err_list.
import { cronProblem } from '../state/timer-cron.js';
import { isTriggersUpdateRequest } from '../validation.js';
import { uniqueEnvs } from './lifecycle-answers.js';
import { type ApiCall, type ApiState, checkManagementRequest, fail, type Outcome, okBody } from './request-rules.js';

/**
 * batchupdatetriggers' rules: the shared request rules (at most one trigger, type Timer), each
 * config a 7-field cron (47001 naming the field), then per env: unknown env, qbase false, no such
 * function or one busy go to err_list; the others get the list as their whole trigger list.
 * @example answerBatchUpdateTriggers(call, state).body // '{"errcode":0,"errmsg":"ok","err_list":[]}'
 */
export function answerBatchUpdateTriggers(call: ApiCall, state: ApiState): Outcome {
  const checked = checkManagementRequest(call, state, isTriggersUpdateRequest, ['funcname', 'envs', 'triggers']);
  if (!('request' in checked)) return checked;
  const { funcname, envs, triggers } = checked.request;
  for (const [i, trigger] of triggers.entries()) {
    const problem = cronProblem(trigger.config);
    if (problem) return fail(state, 47001, `triggers[${i}].config: ${problem}`);
  }
  const stored = triggers.map((trigger) => ({
    trigger_name: trigger.trigger_name,
    type: 'timer',
    config: trigger.config.trim(),
  }));
  const errList: { env: string; errmsg: string }[] = [];
  for (const env of uniqueEnvs(envs)) {
    const refused = state.lifecycle.setTriggers(env, funcname, stored);
    if (refused) errList.push({ env, errmsg: refused.errmsg });
  }
  return okBody({ err_list: errList });
}
