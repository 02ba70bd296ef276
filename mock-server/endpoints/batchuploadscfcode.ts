// batchuploadscfcode's rules: new code for an existing function in several envs; per-env failures in fail_list with errormsg (sic).
import { readCodeZip } from '../state/code-zip.js';
import { isScfCodeRequest } from '../validation.js';
import { uniqueEnvs } from './lifecycle-answers.js';
import { type ApiCall, type ApiState, checkManagementRequest, fail, type Outcome, okBody } from './request-rules.js';

/**
 * batchuploadscfcode's rules: the shared request rules, the zip decoded, then per env: unknown
 * env, qbase false, no such function, or one still Creating/Updating/Deleting go to fail_list
 * (`errormsg`, as upstream spells it); the others start Updating.
 * @example answerBatchUploadScfCode(call, state).body // '{"errcode":0,"errmsg":"ok","fail_list":[]}'
 */
export function answerBatchUploadScfCode(call: ApiCall, state: ApiState): Outcome {
  const checked = checkManagementRequest(call, state, isScfCodeRequest, ['functionname', 'envs', 'zipfile']);
  if (!('request' in checked)) return checked;
  const { functionname, envs, zipfile } = checked.request;
  const zip = readCodeZip(zipfile);
  if ('reason' in zip) return fail(state, 47001, zip.reason);
  const failList: { env: string; errormsg: string }[] = [];
  for (const env of uniqueEnvs(envs)) {
    const refused = state.lifecycle.updateCode(env, functionname, zip);
    if (refused) failList.push({ env, errormsg: refused.errmsg });
  }
  return okBody({ fail_list: failList });
}
