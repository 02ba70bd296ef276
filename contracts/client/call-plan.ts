// The call plan: a client case turned into its calls, each with the state to arrange, the parameters and the answer to expect.
import { createHash } from 'node:crypto';
import type { ContractExpectation, ContractState, MockFault } from '../../generated/schemas.js';
import { CONTRACT_VARIABLES } from '../../mock-server/api-facts.js';
import type { RunningMock } from '../../mock-server/server.js';
import { type CaseVariables, type LoadedCase, loadCases, stateFor, substitute } from '../cases.js';
import type { ClientParams } from './adapter.js';
import { MAX_ATTEMPTS, slowAnswerLatencyMs } from './timing.js';

/**
 * A token shaped like a real one (136 characters of letters, digits, `_` and `-`), so that a
 * client that cuts, pads or re-encodes it is caught.
 */
function realisticToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  let token = '86_';
  for (let i = 0; token.length < 136; i++) {
    const digest = createHash('sha256').update(`wechat-scf-kit contract token ${i}`).digest();
    for (const byte of digest) if (token.length < 136) token += alphabet[byte % alphabet.length];
  }
  return token;
}

/**
 * The token the kit gives clients, and the env the cases' "$ENV" names.
 * @example CLIENT_VARIABLES.ENV // 'contract-env'
 */
export const CLIENT_VARIABLES: CaseVariables = { TOKEN: realisticToken(), ENV: CONTRACT_VARIABLES.ENV };

/**
 * The shipped cases that apply to clients.
 * @example clientCases(['GSL-PAGE-001', 'GSL-ERR-004']).length // 2
 */
export function clientCases(ids?: readonly string[]): LoadedCase[] {
  return loadCases().filter((c) => c.client && (!ids || ids.includes(c.id)));
}

/** One call of a case: the state to arrange first, the call, and what the server answers. */
export interface PlannedCall {
  arrange: (mock: RunningMock) => void;
  params: ClientParams;
  token: string;
  timeoutMs: number;
  expect: ContractExpectation;
  fault?: MockFault;
}

/** A fault as a client meets it: answering every attempt of a retrying client, latency scaled to its timeout. */
function clientFault(fault: MockFault | undefined, latencyTimeouts: number | undefined, timeoutMs: number) {
  if (!fault) return undefined;
  const scaled: MockFault = { ...fault, times: Math.max(fault.times ?? 1, MAX_ATTEMPTS) };
  if (latencyTimeouts !== undefined) scaled.latency_ms = slowAnswerLatencyMs(latencyTimeouts, timeoutMs);
  return scaled;
}

/**
 * Plans the calls of a client case: the first with the case's state, then each `then` step on
 * the state so far.
 * @example planCalls(clientCases(['GSL-CACHE-002'])[0], CLIENT_VARIABLES, 1000).length // 3
 */
export function planCalls(c: LoadedCase, vars: CaseVariables, timeoutMs: number): PlannedCall[] {
  const client = c.client as NonNullable<LoadedCase['client']>;
  const { fault, ...data } = stateFor(c, vars);
  const firstParams = substitute(client.params, vars) as ClientParams;
  const firstToken = substitute(client.access_token ?? '$TOKEN', vars);
  const firstFault = clientFault(fault, client.latency_timeouts, timeoutMs);
  const calls: PlannedCall[] = [
    {
      arrange: (mock) => {
        mock.store.replaceData(data);
        mock.faults.clear();
        if (firstFault) mock.faults.add(firstFault);
      },
      params: firstParams,
      token: firstToken,
      timeoutMs,
      expect: c.expect,
      ...(firstFault ? { fault: firstFault } : {}),
    },
  ];
  let current = data;
  for (const step of client.then ?? []) {
    const state = substitute(step.state ?? {}, vars) as ContractState;
    current = {
      ...current,
      ...(state.tokens ? { tokens: { ...current.tokens, ...state.tokens } } : {}),
      ...(state.envs ? { envs: { ...current.envs, ...state.envs } } : {}),
    };
    const next = current;
    const stepFault = clientFault(state.fault, step.latency_timeouts, timeoutMs);
    calls.push({
      arrange: (mock) => {
        if (state.tokens || state.envs) mock.store.replaceData(next);
        mock.faults.clear();
        if (stepFault) mock.faults.add(stepFault);
      },
      params: step.params ? (substitute(step.params, vars) as ClientParams) : firstParams,
      token: step.access_token ? substitute(step.access_token, vars) : firstToken,
      timeoutMs,
      expect: step.expect,
      ...(stepFault ? { fault: stepFault } : {}),
    });
  }
  return calls;
}
