// batchuploadscf's rules: create one function in several envs from a base64 zip; per-env failures in fail_env_list.
import { readCodeZip } from '../state/code-zip.js';
import { isScfCreateRequest } from '../validation.js';
import { uniqueEnvs } from './lifecycle-answers.js';
import { type ApiCall, type ApiState, checkManagementRequest, fail, type Outcome, okBody } from './request-rules.js';

/**
 * batchuploadscf's rules: the shared request rules, the zip decoded (47001 when it is not base64
 * or over 20 MB), then per env: unknown env, qbase false, a name in use or a function busy go to
 * fail_env_list; the others start Creating. Top-level errcode 0 even when every env failed.
 * @example answerBatchUploadScf(call, state).body // '{"errcode":0,"errmsg":"ok","fail_env_list":[]}'
 */
export function answerBatchUploadScf(call: ApiCall, state: ApiState): Outcome {
  const checked = checkManagementRequest(call, state, isScfCreateRequest, ['functionname', 'envs', 'zipfile']);
  if (!('request' in checked)) return checked;
  const { functionname, envs, zipfile, vpcid, subnetid } = checked.request;
  const zip = readCodeZip(zipfile);
  if ('reason' in zip) return fail(state, 47001, zip.reason);
  const vpc = vpcid !== undefined || subnetid !== undefined ? { vpcid, subnetid } : undefined;
  const failEnvList: { env: string; errmsg: string }[] = [];
  for (const env of uniqueEnvs(envs)) {
    const refused = state.lifecycle.create(env, functionname, zip, vpc);
    if (refused) failEnvList.push({ env, errmsg: refused.errmsg });
  }
  return okBody({ fail_env_list: failEnvList });
}
