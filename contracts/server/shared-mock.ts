// verify on a shared mock: names of the run's own, state arranged one item at a time under them and removed after, and the checks that need the whole mock.
import { randomBytes } from 'node:crypto';
import type { MockDataFile, MockFault, TokenCheck } from '../../generated/schemas.js';
import { API_PATHS, TOKEN_QUERY_KEYS } from '../../mock-server/api-facts.js';

/** A control API call that throws when the mock refuses it. */
export type ControlCall = (method: string, path: string, body?: unknown) => Promise<unknown>;

/** The state a case or flow arranges: the data it lists and, for a case, its fault. */
export type ArrangedState = MockDataFile & { fault?: MockFault };

/** What a fault's match may name. */
export type FaultMatch = NonNullable<MockFault['match']>;

/** The modes of a shared mock that a check may depend on and cannot change politely. */
export interface SharedModes {
  token_check: TokenCheck;
  component_check: TokenCheck;
}

/** A call of a case or flow, as far as sharing is concerned. */
export interface SharedCall {
  path?: string;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
}

/** One step of a flow, as far as sharing is concerned. */
export interface SharedStep {
  call?: SharedCall;
  expect?: { body_includes?: unknown };
  advance_s?: number;
}

/**
 * A suffix unique to one verify run: every env, token and component appid the run arranges ends
 * with it, so two runs (or a run and other tests) on one mock never share a name.
 * @example runSuffix() // 'v3f9a1c'
 */
export function runSuffix(): string {
  return `v${randomBytes(3).toString('hex')}`;
}

/** Longest name the mock takes for each kind: an env id, a token, an appid. */
const NAME_MAX = { env: 64, token: 512, appid: 64 } as const;

/** `name` with the run's suffix, cut so it stays within `max` (the suffix is kept whole). */
export function ownName(name: string, suffix: string, max: number): string {
  if (name.endsWith(`-${suffix}`)) return name;
  return `${name.slice(0, max - suffix.length - 1)}-${suffix}`;
}

/**
 * The run's own names for every env, token and component appid a state lists: the state with
 * them, and `value` (its calls and what they expect) with each name replaced wherever it is a
 * whole string. Keys are renamed in the state's own maps only (a body's "env" key stays).
 * @example ownNames({ envs: { e: {} } }, { body: { env: 'e' } }, 'v1') // { state: { envs: { 'e-v1': {} } }, value: { body: { env: 'e-v1' } }, names }
 */
export function ownNames<T>(
  state: ArrangedState | undefined,
  value: T,
  suffix: string,
  appids: readonly string[] = [],
): { state: ArrangedState | undefined; value: T; names: Map<string, string> } {
  const names = new Map<string, string>();
  // Appids a check only asks tokens for: its own too, so no other run's tokens supersede its.
  for (const appid of appids) names.set(appid, ownName(appid, suffix, NAME_MAX.appid));
  for (const env of Object.keys(state?.envs ?? {})) names.set(env, ownName(env, suffix, NAME_MAX.env));
  for (const token of Object.keys(state?.tokens ?? {})) names.set(token, ownName(token, suffix, NAME_MAX.token));
  for (const appid of Object.keys(state?.components ?? {})) names.set(appid, ownName(appid, suffix, NAME_MAX.appid));
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return names.get(v) ?? v;
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([key, inner]) => [key, walk(inner)]));
    return v;
  };
  const renamed = <M extends object>(map: M | undefined): M | undefined =>
    map === undefined
      ? undefined
      : (Object.fromEntries(Object.entries(map).map(([key, inner]) => [names.get(key) ?? key, walk(inner)])) as M);
  const own: ArrangedState | undefined = state && {
    ...state,
    ...(state.envs ? { envs: renamed(state.envs) } : {}),
    ...(state.tokens ? { tokens: renamed(state.tokens) } : {}),
    ...(state.components ? { components: renamed(state.components) } : {}),
    ...(state.fault ? { fault: walk(state.fault) as MockFault } : {}),
  };
  return { state: own, value: walk(value) as T, names };
}

const impliedMode = (explicit: TokenCheck | undefined, listed: number): TokenCheck =>
  explicit ?? (listed > 0 ? 'listed' : 'any');

/** The token a call sends, under the keys its endpoint reads. */
function tokenOf(call: SharedCall): string | undefined {
  const keys = call.path === API_PATHS.ridGet ? ['access_token'] : TOKEN_QUERY_KEYS;
  for (const key of keys) if (call.query?.[key]) return call.query[key];
  return undefined;
}

/**
 * Why a check cannot run politely on a shared mock (it needs what every user of the mock shares),
 * or undefined when it can: a token or appid it sends that its state does not list, answered by a
 * mode the mock has otherwise; describeenvs' whole list; the mock-wide clock.
 * @example sharedNeed({ tokens: { t: 'valid' } }, [{ call: { path: '/componenttcb/getscflist', query: { access_token: 'bad' } } }], { token_check: 'any', component_check: 'any' })
 * // 'needs token_check "listed" on the whole mock (a token not listed answers 40001); it is "any" here'
 */
export function sharedNeed(
  state: ArrangedState | undefined,
  steps: readonly SharedStep[],
  modes: SharedModes,
): string | undefined {
  const tokens = state?.tokens ?? {};
  const components = state?.components ?? {};
  const tokenMode = impliedMode(state?.token_check, Object.keys(tokens).length);
  const componentMode = impliedMode(state?.component_check, Object.keys(components).length);
  const callsToken = steps.some((step) => step.call?.path === API_PATHS.componentToken);
  for (const step of steps) {
    if (step.advance_s !== undefined && !callsToken)
      return 'moves the mock-wide clock (the rids of every user age on it)';
    if ((step as { each_listed_env?: true }).each_listed_env)
      return "calls every env describeenvs lists, and on a shared mock other users' envs come and go";
    const call = step.call;
    if (!call) continue;
    if (call.path === API_PATHS.describeenvs && step.expect?.body_includes !== undefined) {
      const expected = step.expect.body_includes as { info_list?: unknown };
      if (expected.info_list !== undefined) return "expects describeenvs' whole list, which has every user's envs";
    }
    if (call.path === API_PATHS.componentToken) {
      const appid = call.body?.component_appid;
      if (
        typeof appid === 'string' &&
        appid !== '' &&
        !(appid in components) &&
        componentMode !== modes.component_check
      ) {
        return `needs component_check "${componentMode}" on the whole mock (an appid not listed ${componentMode === 'listed' ? 'answers 40013' : 'gets a token'}); it is "${modes.component_check}" here`;
      }
      continue;
    }
    const token = tokenOf(call);
    if (token === undefined || token.startsWith('$ISSUED') || token in tokens) continue;
    if (tokenMode !== modes.token_check) {
      return `needs token_check "${tokenMode}" on the whole mock (a token not listed ${tokenMode === 'listed' ? 'answers 40001' : 'is accepted'}); it is "${modes.token_check}" here`;
    }
  }
  return undefined;
}

/**
 * Reads the shared modes from the mock, or undefined when its control API has no per-test routes
 * (another fake's control API): then the kit cannot share it and uses it whole.
 * @example await readModes(control) // { token_check: 'any', component_check: 'any' }
 */
export async function readModes(get: (path: string) => Promise<unknown>): Promise<SharedModes | undefined> {
  try {
    const tokens = (await get('/token-check')) as { token_check?: TokenCheck };
    const components = (await get('/component-check')) as { component_check?: TokenCheck };
    if (!tokens?.token_check || !components?.component_check) return undefined;
    return { token_check: tokens.token_check, component_check: components.component_check };
  } catch {
    return undefined;
  }
}

/**
 * What one run arranged on a shared mock, one item at a time (envs, tokens, components, matched
 * faults), and its removal: nothing else of the mock is touched.
 * @example
 * const own = new OwnState(control);
 * await own.arrange({ tokens: { 't-v1': 'valid' }, envs: { 'e-v1': { generate: 3 } } });
 * await own.addFault({ errcode: -1 }, { access_token: 't-v1' });
 * await own.clear();
 */
export class OwnState {
  readonly #control: ControlCall;
  #envs = new Set<string>();
  #tokens = new Set<string>();
  #components = new Set<string>();
  #matches = new Map<string, FaultMatch>();

  constructor(control: ControlCall) {
    this.#control = control;
  }

  /** Arranges a state's envs, tokens and components under their (already own) names. */
  async arrange(state: ArrangedState): Promise<void> {
    for (const [env, data] of Object.entries(state.envs ?? {})) {
      this.#envs.add(env);
      await this.#control('PUT', `/envs/${encodeURIComponent(env)}`, data);
    }
    for (const [token, tokenState] of Object.entries(state.tokens ?? {})) {
      this.#tokens.add(token);
      await this.#control('PUT', `/tokens/${encodeURIComponent(token)}`, { state: tokenState });
    }
    for (const [appid, component] of Object.entries(state.components ?? {})) {
      this.#components.add(appid);
      // A fresh start for the component: no clock of its own, no issued tokens, its ticket new.
      await this.#control('DELETE', `/components/${encodeURIComponent(appid)}`);
      await this.#control('PUT', `/components/${encodeURIComponent(appid)}`, component);
    }
  }

  /** Queues a fault only requests carrying `match` take. */
  async addFault(fault: MockFault, match: FaultMatch): Promise<void> {
    this.#matches.set(JSON.stringify(match), match);
    await this.#control('POST', '/faults', { ...fault, match });
  }

  /** Counts a component appid as the run's, to forget at clear (one it only asked a token for). */
  trackComponent(appid: string): void {
    this.#components.add(appid);
  }

  /** Moves one of its components' clock. */
  async advanceClock(seconds: number, appid: string): Promise<void> {
    this.#components.add(appid);
    await this.#control('POST', '/clock', { advance_s: seconds, component_appid: appid });
  }

  /** Removes everything arranged so far; a removal that fails is retried by the next clear. */
  async clear(): Promise<void> {
    const quietly = (method: string, path: string) => this.#control(method, path).catch(() => undefined);
    for (const match of this.#matches.values()) await quietly('DELETE', `/faults?${new URLSearchParams(match)}`);
    for (const token of this.#tokens) {
      await quietly('DELETE', `/faults?${new URLSearchParams({ access_token: token })}`);
      await quietly('DELETE', `/tokens/${encodeURIComponent(token)}`);
    }
    for (const env of this.#envs) await quietly('DELETE', `/envs/${encodeURIComponent(env)}`);
    for (const appid of this.#components) await quietly('DELETE', `/components/${encodeURIComponent(appid)}`);
    this.#matches.clear();
    this.#tokens.clear();
    this.#envs.clear();
    this.#components.clear();
  }
}

/**
 * The match for a fault a check queues, from the next call it makes to the fault's path: that
 * call's env, else its component appid, else its token (one known already; an issued token is
 * not), so only the run's own call takes it.
 * @example faultMatchFor({ query: { access_token: 't-v1' }, body: { env: 'e-v1' } }) // { env: 'e-v1' }
 */
export function faultMatchFor(call: SharedCall | undefined): FaultMatch | undefined {
  if (!call) return undefined;
  const env = call.body?.env;
  if (typeof env === 'string' && env !== '' && !env.startsWith('$')) return { env };
  const appid = call.body?.component_appid;
  if (typeof appid === 'string' && appid !== '' && !appid.startsWith('$')) return { component_appid: appid };
  const token = tokenOf(call);
  if (token && !token.startsWith('$')) return { access_token: token };
  return undefined;
}

/** A verify run sharing a mock: its suffix, the mock's modes, and what it arranged. */
export interface SharedRun {
  suffix: string;
  modes: SharedModes;
  own: OwnState;
}

/**
 * The reason a check is skipped on a shared mock, with the way to run it.
 * @example politeSkip('resets the whole mock') // 'resets the whole mock; pass --exclusive when the mock is the kit\'s alone'
 */
export function politeSkip(reason: string): string {
  return `${reason}; pass --exclusive when the mock is the kit's alone`;
}

/** The appids a flow's token calls send that its state does not list (they get own names too). */
export function askedAppids(state: ArrangedState | undefined, steps: readonly SharedStep[]): string[] {
  const listed = state?.components ?? {};
  const found = new Set<string>();
  for (const step of steps) {
    const appid = step.call?.path === API_PATHS.componentToken ? step.call.body?.component_appid : undefined;
    if (typeof appid === 'string' && appid !== '' && !appid.startsWith('$') && !(appid in listed)) found.add(appid);
  }
  return [...found];
}
