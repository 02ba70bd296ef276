// invokecloudfunction's rules: the token (component, authorizer or listed), env and name, the event, then the function's script.
import type { Invocation } from '../context.js';
import { runStep, stepFor } from '../state/function-scripts.js';
import {
  type ApiCall,
  type ApiState,
  checkListedToken,
  fail,
  firstString,
  isEmptyBody,
  type Outcome,
} from './request-rules.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The event: any JSON value, as the developer chooses it; the reason names what is wrong (for 47001). */
function parseEvent(raw: Buffer): { value: unknown } | { reason: string } {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return { reason: 'body: is not valid UTF-8' };
  }
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { reason: `body: is not valid JSON (${(error as Error).message})` };
  }
}

/** The token kinds upstream lists, first failure wins; for an authorizer token, the envs it may call (undefined: any). */
function checkCaller(
  token: string | undefined,
  state: ApiState,
): Outcome | { envs?: readonly string[]; owner?: string } {
  if (!token) return fail(state, 41001, 'access_token (or cloudbase_access_token): missing from the query string');
  const component = state.registry.state(token);
  if (component === 'expired') {
    return fail(state, 42001, 'access_token: an issued component token past its expires_in on the mock clock');
  }
  if (component === 'superseded') {
    return fail(state, 40001, 'access_token: superseded by a newer token of the same component over 5 minutes ago');
  }
  if (component === 'valid') return {};
  const authorizer = state.authorizers.lookup(token);
  if (authorizer?.state === 'expired') {
    return fail(state, 42001, 'access_token: an issued authorizer token past its expires_in on the mock clock');
  }
  if (authorizer?.state === 'superseded') {
    return fail(state, 40001, 'access_token: superseded by a newer token of the same authorizer over 5 minutes ago');
  }
  if (authorizer) return { envs: authorizer.envs, owner: authorizer.authorizer_appid };
  return checkListedToken(token, state) ?? {};
}

/**
 * invokecloudfunction's rules, first failure wins: 43002; the token (41001; a component token, an
 * authorizer token or a listed one, each 42001 expired or 40001 superseded/unlisted; 85088 listed
 * as no-qbase); 40101 (no env or no name in the query); 44002; 47001 (the event is not JSON); the
 * env (-501007 not in the data or not the authorizer's, 85088 qbase false); the function (-501009
 * none of that name, -504001 not Active); then its script's step: `{"errcode":0,"errmsg":"ok",
 * "resp_data":"<result as JSON>"}`, -504002 when it throws, -504003 after 5 s past the time limit.
 * @example answerInvokeCloudFunction({ method: 'POST', accessToken: 't', body: Buffer.from('{}'), query: {} }, state).errcode // 40101
 */
export function answerInvokeCloudFunction(call: ApiCall, state: ApiState): Outcome {
  const { store } = state;
  if (call.method !== 'POST') return fail(state, 43002, `method: ${call.method} is not POST`);
  const caller = checkCaller(call.accessToken, state);
  if ('errcode' in caller) return caller;
  const query = call.query ?? {};
  const envId = firstString(query.env);
  const name = firstString(query.name);
  if (!envId) return fail(state, 40101, 'env: missing from the query string');
  if (!name) return fail(state, 40101, 'name: missing from the query string');
  if (isEmptyBody(call.body)) return fail(state, 44002, 'body: empty (the event; send {} for none)');
  const parsed = parseEvent(call.body as Buffer);
  if ('reason' in parsed) return fail(state, 47001, parsed.reason);
  const invocation: Invocation = { env: envId, name, event: parsed.value };
  const failed = (errcode: number, reason: string): Outcome => ({ ...fail(state, errcode, reason), invocation });

  const env = store.getEnv(envId);
  if (!env) return failed(-501007, `env: ${envId} is not in the data`);
  if (caller.envs && !caller.envs.includes(envId)) {
    return failed(-501007, `env: ${envId} is not an env of authorizer ${caller.owner}`);
  }
  if (!env.qbase) return failed(85088, `env: ${envId} has qbase false`);
  const fn = store.getFunction(env, name);
  if (!fn) return failed(-501009, `name: ${envId} has no function ${name}`);
  const status = fn.record.status;
  if (status !== 'Active') return failed(-504001, `name: ${name} is ${status}, not Active`);

  const run = runStep(stepFor(env.scripts.get(name), store.countCall(env, name)), invocation);
  if (run.kind === 'timeout') {
    return { ...failed(-504003, `name: ${name} ran past the 5-second limit`), waitMs: run.waitMs };
  }
  if (run.kind === 'error') {
    return {
      ...fail(state, -504002, `name: ${name} threw: ${run.message}`),
      invocation: { ...invocation, error: run.message },
      waitMs: run.waitMs,
    };
  }
  return {
    errcode: 0,
    body: JSON.stringify({ errcode: 0, errmsg: 'ok', resp_data: run.resp_data }),
    invocation: { ...invocation, resp_data: run.resp_data },
    waitMs: run.waitMs,
  };
}
