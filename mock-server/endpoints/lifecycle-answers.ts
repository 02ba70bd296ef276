// How the function-management endpoints answer a refused env: per-env list entries for batch calls, a WeChat error for single-env ones.
import type { Refusal } from '../state/function-lifecycle.js';
import { type ApiState, fail, type Outcome } from './request-rules.js';

/**
 * The WeChat error a single-env call (updatescfconfig, deletescf, gettriggers) answers for a
 * refusal: an unknown env 40097 (as getscflist), qbase false 85088, an unknown function -501009,
 * a change under way -1000 with upstream's SCF text (its "请稍后重试" is a retry, as -1000 is).
 * @example refusalOutcome(state, { kind: 'function', errmsg: '…' }, 'prod-1', 'login').errcode // -501009
 */
export function refusalOutcome(state: ApiState, refusal: Refusal, env: string, name: string): Outcome {
  switch (refusal.kind) {
    case 'env':
      return fail(state, 40097, `env: ${env} is not in the data`);
    case 'qbase':
      return fail(state, 85088, `env: ${env} has qbase false`);
    case 'function':
      return fail(state, -501009, `functionname: ${name} is not in env ${env}`);
    default:
      return fail(state, -1000, `functionname: ${name} in env ${env}: ${refusal.errmsg}`, refusal.errmsg);
  }
}

/**
 * The envs of a batch call, each once, in the order given (a repeated env would otherwise meet its own change).
 * @example uniqueEnvs(['a', 'b', 'a']) // ['a', 'b']
 */
export function uniqueEnvs(envs: readonly string[]): string[] {
  return [...new Set(envs)];
}
