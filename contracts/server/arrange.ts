// The arrange stage of verify: the control requests that put a server in a case's state (data, faults, reset).
import type { CloudFunction } from '../../generated/schemas.js';
import { CONTROL_PREFIX } from '../../mock-server/api-facts.js';
import { type LoadedCase, stateFor } from '../cases.js';
import { type RawRequest, sendRaw } from '../http.js';
import { observationState } from './observation-env.js';
import { describeAnswer, type ServerRun } from './server-run.js';

/**
 * A request of the control protocol the kit relies on (health, data, faults, reset): always with
 * Content-Type: application/json, and the control token when there is one.
 * @example controlRequest(mock.url, 'DELETE', '/faults', undefined, undefined).url // http://127.0.0.1:…/__mock/faults
 */
export function controlRequest(
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
  controlToken: string | undefined,
): RawRequest {
  return {
    method,
    url: new URL(`${CONTROL_PREFIX}${path}`, baseUrl).toString(),
    headers: {
      'Content-Type': 'application/json',
      ...(controlToken ? { Authorization: `Bearer ${controlToken}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  };
}

/**
 * The run's control sender: a control request that is not answered with a 2xx throws, naming it.
 * @example await controlSender(mock.url, 10_000, undefined)('POST', '/reset')
 */
export function controlSender(baseUrl: string, timeoutMs: number, controlToken: string | undefined) {
  return async (method: string, path: string, body?: unknown): Promise<void> => {
    const res = await sendRaw(controlRequest(baseUrl, method, path, body, controlToken), timeoutMs);
    if (res.kind !== 'answer' || res.status >= 300)
      throw new Error(`${method} ${CONTROL_PREFIX}${path} answered ${describeAnswer(res)}`);
  };
}

/** Puts the server in a case's state: its data, and its fault (queued faults cleared first). */
export async function arrangeCase(run: ServerRun, c: LoadedCase): Promise<void> {
  const { fault, ...data } = stateFor(c, run.vars);
  await run.control('PUT', '/data', data);
  await run.control('DELETE', '/faults');
  if (fault) await run.control('POST', '/faults', fault);
}

/** Puts the observation env on the server; answers the functions arranged in it. */
export async function arrangeObservation(run: ServerRun, env: string): Promise<CloudFunction[]> {
  const state = observationState(run.vars.TOKEN, env);
  await run.control('PUT', '/data', state);
  await run.control('DELETE', '/faults');
  return (state.envs?.[env]?.functions ?? []) as CloudFunction[];
}
