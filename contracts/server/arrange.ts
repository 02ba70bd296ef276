// The arrange stage of verify: the control requests that put a server in a case's state (the whole data, or on a shared mock its own items only).
import type { CloudFunction, ContractCall, ContractState } from '../../generated/schemas.js';
import { CONTROL_PREFIX } from '../../mock-server/api-facts.js';
import { type LoadedCase, stateFor, substitute } from '../cases.js';
import { type RawRequest, sendRaw } from '../http.js';
import { observationState } from './observation-env.js';
import { describeAnswer, type ServerRun } from './server-run.js';
import { faultMatchFor, ownNames, politeSkip, sharedNeed } from './shared-mock.js';

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
  return async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await sendRaw(controlRequest(baseUrl, method, path, body, controlToken), timeoutMs);
    if (res.kind !== 'answer' || res.status >= 300)
      throw new Error(`${method} ${CONTROL_PREFIX}${path} answered ${describeAnswer(res)}`);
    // The answer's JSON, for the few reads (the clock); undefined for an answer that is not JSON.
    try {
      return JSON.parse(res.text);
    } catch {
      return undefined;
    }
  };
}

/** A case as a run arranges and sends it: its state and its call, under the run's own names when it shares the mock. */
export interface ArrangedCase {
  state: ContractState;
  /** The call with its variables filled (and the token query defaulted). */
  call: ContractCall;
  /** Set when the case cannot run on a shared mock: why. */
  needsWholeMock?: string;
}

/**
 * A case's state and call for this run: as written on a mock of the kit's own; on a shared mock
 * under the run's own names, with the reason when it needs the whole mock.
 * @example caseFor(run, c).call.body // { env: 'contract-env-v3f9a1c', … } on a shared mock
 */
export function caseFor(run: ServerRun, c: LoadedCase): ArrangedCase {
  const rawCall = c.call as ContractCall;
  const call = substitute({ ...rawCall, query: rawCall.query ?? { access_token: '$TOKEN' } }, run.vars);
  const state = stateFor(c, run.vars);
  if (!run.shared) return { state, call };
  const own = ownNames(state, call, run.shared.suffix);
  const ownState = own.state as ContractState;
  const need = sharedNeed(
    ownState,
    [{ call: { ...own.value, body: own.value.body as Record<string, unknown> } }],
    run.shared.modes,
  );
  return { state: ownState, call: own.value, ...(need ? { needsWholeMock: politeSkip(need) } : {}) };
}

/**
 * Puts the server in a case's state: on a mock of the kit's own, its data and its fault (queued
 * faults cleared first); on a shared mock, the previous case's state removed, then this case's
 * envs and tokens one at a time and its fault matched to its own call.
 */
export async function arrangeCase(run: ServerRun, arranged: ArrangedCase): Promise<void> {
  const { fault, ...data } = arranged.state;
  if (run.shared) {
    await run.shared.own.clear();
    await run.shared.own.arrange(data);
    if (fault) {
      const match = faultMatchFor({ ...arranged.call, body: arranged.call.body as Record<string, unknown> });
      if (!match) throw new Error('its fault cannot be matched to its call (no env, appid or token to match)');
      await run.shared.own.addFault(fault, match);
    }
    return;
  }
  await run.control('PUT', '/data', data);
  await run.control('DELETE', '/faults');
  if (fault) await run.control('POST', '/faults', fault);
}

/** Puts the observation env on the server; answers the functions arranged in it. */
export async function arrangeObservation(run: ServerRun, env: string): Promise<CloudFunction[]> {
  const state = observationState(run.vars.TOKEN, env);
  if (run.shared) {
    // Its env and token are the run's own names already.
    await run.shared.own.arrange(state);
  } else {
    await run.control('PUT', '/data', state);
    await run.control('DELETE', '/faults');
  }
  return (state.envs?.[env]?.functions ?? []) as CloudFunction[];
}
