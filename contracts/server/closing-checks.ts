// The closing stage of verify: checks over the whole run (every answer's Content-Type) and of the control API's reset.
import { CONTROL_PREFIX, WECHAT_CONTENT_TYPE } from '../../mock-server/api-facts.js';
import { isGetScfListSuccess } from '../../mock-server/validation.js';
import { readWechatAnswer } from '../expectations.js';
import { type RawResponse, toCurl } from '../http.js';
import { redactResult } from '../redaction.js';
import type { CaseResult } from '../results.js';
import { buildRequest, describeAnswer, type ServerRun } from './server-run.js';
import { politeSkip } from './shared-mock.js';

/** The check of every WeChat answer's Content-Type. */
export const HEADER_CHECK = {
  id: 'GSL-OBS-009',
  title: `every WeChat answer has a JSON Content-Type, exactly "${WECHAT_CONTENT_TYPE}" as the real servers send`,
};

/** The check that the control API's reset clears queued faults. */
export const RESET_CHECK = {
  id: 'GSL-CTL-001',
  title: `POST ${CONTROL_PREFIX}/reset clears queued faults (a fault, then reset: the next request is served normally)`,
};

const isJsonType = (type: string) => /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type.trim());

/** One verdict on the Content-Type of every WeChat answer the run received. */
function checkContentTypes(answers: { id: string; response: RawResponse }[]): CaseResult {
  const base = { ...HEADER_CHECK, durationMs: 0 };
  const problems: string[] = [];
  const others = new Map<string, string[]>();
  for (const { id, response } of answers) {
    if (response.kind !== 'answer') continue;
    const header = response.headers['content-type'];
    const type = Array.isArray(header) ? header.join(', ') : (header ?? '');
    if (!isJsonType(type)) {
      if (problems.length < 5) problems.push(`${id}: Content-Type ${JSON.stringify(type || '(none)')} is not JSON`);
    } else if (type.trim().toLowerCase() !== WECHAT_CONTENT_TYPE) others.set(type, [...(others.get(type) ?? []), id]);
  }
  const warnings = [...others].map(
    ([type, ids]) =>
      `Content-Type ${JSON.stringify(type)} (${ids.length} answer${ids.length === 1 ? '' : 's'}, e.g. ${ids[0]}): JSON, but the real servers send ${JSON.stringify(WECHAT_CONTENT_TYPE)}`,
  );
  if (answers.length === 0) return { ...base, status: 'skip', reason: 'no WeChat answer was received' };
  if (problems.length > 0) return { ...base, status: 'fail', problems, ...(warnings.length ? { warnings } : {}) };
  return warnings.length > 0 ? { ...base, status: 'warn', warnings } : { ...base, status: 'pass' };
}

/** POST /__mock/reset must clear queued faults, or the server's next user gets one. */
async function checkReset(run: ServerRun): Promise<CaseResult> {
  const { controlApi, vars, control, send, options } = run;
  const base = { ...RESET_CHECK, durationMs: 0 };
  if (!controlApi) return { ...base, status: 'skip', reason: 'needs the control API' };
  if (run.shared) return { ...base, status: 'skip', reason: politeSkip("resets the whole mock, every user's state") };
  const state = { tokens: { [vars.TOKEN]: 'valid' as const }, envs: { [vars.ENV]: { generate: 3 } } };
  try {
    await control('DELETE', '/faults');
    await control('POST', '/faults', { errcode: -1, times: 1 });
    await control('POST', '/reset');
    await control('PUT', '/data', state);
  } catch (error) {
    return { ...base, status: 'fail', problems: [`the control API failed: ${(error as Error).message}`] };
  }
  const request = buildRequest(options.baseUrl, { query: { access_token: vars.TOKEN }, body: { env: vars.ENV } });
  const res = await send(request);
  const read = readWechatAnswer(res);
  if (!('failure' in read) && isGetScfListSuccess(read.body)) return { ...base, status: 'pass' };
  const kept = !('failure' in read) && (read.body as { errcode?: unknown } | null)?.errcode === -1;
  return redactResult(
    {
      ...base,
      status: 'fail',
      problems: [
        kept
          ? `POST ${CONTROL_PREFIX}/reset left a queued fault in place: the next request answered errcode -1`
          : `after POST ${CONTROL_PREFIX}/reset and PUT ${CONTROL_PREFIX}/data, a valid request did not succeed`,
      ],
      actual: describeAnswer(res),
      curl: toCurl(request, vars.TOKEN),
    },
    [vars.TOKEN],
  );
}

/**
 * The closing checks the user asked for, run last: one judges every answer, the other leaves the
 * server in a state of its own.
 */
export async function runClosingChecks(run: ServerRun): Promise<CaseResult[]> {
  const closing: CaseResult[] = [];
  if (run.selected(HEADER_CHECK.id)) closing.push(checkContentTypes(run.answers));
  if (run.selected(RESET_CHECK.id)) closing.push(await checkReset(run));
  return closing;
}
