// updatescfconfig's rules: memory, timeout, environment variables and network settings of one function in one env.
import { isScfConfigRequest } from '../validation.js';
import { refusalOutcome } from './lifecycle-answers.js';
import { type ApiCall, type ApiState, checkManagementRequest, fail, type Outcome, okBody } from './request-rules.js';

/**
 * updatescfconfig's rules: the shared request rules (memorysize 64 or 128–3072 by 128, timeout
 * 1–900, at most 64 variables with unique keys), then the env and the function
 * (40097/85088/-501009/-1000); the change starts Updating and applies when it ends Active.
 * @example answerUpdateScfConfig(call, state).body // '{"errcode":0,"errmsg":"ok"}'
 */
export function answerUpdateScfConfig(call: ApiCall, state: ApiState): Outcome {
  const checked = checkManagementRequest(call, state, isScfConfigRequest, ['env', 'functionname']);
  if (!('request' in checked)) return checked;
  const { env, functionname, ...patch } = checked.request;
  const keys = new Set<string>();
  for (const [i, variable] of (patch.environment_variables ?? []).entries()) {
    if (keys.has(variable.key))
      return fail(state, 47001, `environment_variables[${i}].key: ${variable.key} is given twice`);
    keys.add(variable.key);
  }
  const refused = state.lifecycle.updateConfig(env, functionname, {
    ...(patch.memorysize !== undefined ? { memorysize: patch.memorysize } : {}),
    ...(patch.timeout !== undefined ? { timeout: patch.timeout } : {}),
    ...(patch.environment_variables ? { environment_variables: patch.environment_variables } : {}),
    ...(patch.public_net_config ? { public_net_config: patch.public_net_config } : {}),
    ...(patch.vpc_config ? { vpc_config: patch.vpc_config } : {}),
  });
  return refused ? refusalOutcome(state, refused, env, functionname) : okBody();
}
