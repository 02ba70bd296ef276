// mockScope: one test's corner of a shared mock: unique env, token and component appid, helpers bound to them, and clean-up.
import { randomBytes } from 'node:crypto';
import type { ComponentData, EnvData, MockFault, TokenState } from '../generated/schemas.js';
import { API_PATHS } from './api-facts.js';
import { type MockControl, type MockControlOptions, mockControl } from './control-client.js';
import type { JournalEntry } from './state/journal.js';
import type { ClockView } from './state/mock-clock.js';

/** Options of mockScope. */
export interface MockScopeOptions extends MockControlOptions {
  /** The mock's base URL; default WECHAT_API_BASE_URL (set by wechat-scf-kit/vitest). */
  url?: string;
  /** Starts every name the scope makes (letters, digits, '-'); default 'test'. */
  prefix?: string;
  /** The scope's first env, arranged at once under `scope.env`; false arranges none. Default `{ generate: 3 }`. */
  env?: EnvData | false;
  /**
   * Registers the clean-up with your runner, e.g. vitest's `onTestFinished` or node:test's
   * `t.after`; without it, call `scope.cleanup()` yourself.
   */
  onCleanup?: (cleanup: () => Promise<void>) => void;
}

/** One test's share of a mock: its own names, helpers bound to them, and the clean-up of all it arranged. */
export interface MockScope {
  /** The control client the scope uses, for anything else (its calls are not cleaned up). */
  readonly control: MockControl;
  /** The mock's base URL: point the client under test here. */
  readonly url: string;
  /** The scope's env id (arranged unless `env: false`). */
  readonly env: string;
  /** The scope's access token, listed as valid in the mock's token table. */
  readonly token: string;
  /** The scope's component appid (`wx` and 16 hex digits), for api_component_token. */
  readonly componentAppid: string;
  /** A further unique env id of this scope (not arranged yet). */
  envName(label: string): string;
  /** Arranges an env of this scope (default: scope.env) and cleans it up after. */
  putEnv(data: EnvData, env?: string): Promise<string>;
  /** Lists a token (default: scope.token) with a state, cleaned up after; other tokens are untouched. */
  putToken(state: TokenState, token?: string): Promise<string>;
  /**
   * Queues a fault only this scope's requests take. Without `match`: requests with scope.token, or
   * for the token endpoint (path api_component_token) requests for scope.componentAppid.
   */
  fault(fault: MockFault): Promise<void>;
  /**
   * Lists the scope's component with a secret and a ticket (so api_component_token checks them),
   * whatever the mock's component_check; removed at clean-up.
   */
  putComponent(component: ComponentData): Promise<void>;
  /** Moves the scope's component clock forward: its tokens and ticket age, no one else's. */
  advanceClock(seconds: number): Promise<ClockView>;
  /** The scope's component clock. */
  clock(): Promise<ClockView>;
  /**
   * The journal entries of this scope's requests (its envs, its tokens or its appid), oldest first;
   * with `after`, only those recorded at or after that cursor.
   */
  requests(after?: number): Promise<JournalEntry[]>;
  /** Waits until `count` of this scope's requests are in the journal (default timeout 5 s). */
  waitForRequests(count: number, timeoutMs?: number): Promise<JournalEntry[]>;
  /** Removes all the scope arranged: its faults, tokens, envs, and its component (listing, clock, issued tokens). */
  cleanup(): Promise<void>;
}

let counter = 0;

/**
 * Gives a test its own corner of a shared mock: unique names, helpers bound to them, clean-up after.
 * Usable from any runner; with vitest, pass `onCleanup: onTestFinished` (or use mockScopeFixture
 * from wechat-scf-kit/vitest).
 * @example
 * import { mockScope } from 'wechat-scf-kit';
 * test('retries on -1', async ({ onTestFinished }) => {
 *   const scope = await mockScope({ onCleanup: onTestFinished });
 *   await scope.fault({ errcode: -1 });
 *   // call `${scope.url}/componenttcb/getscflist?access_token=${scope.token}` with { env: scope.env }
 * });
 */
export async function mockScope(options: MockScopeOptions = {}): Promise<MockScope> {
  const control = mockControl(options.url, options);
  counter += 1;
  // Random and counted: unique across workers, processes and machines sharing one mock.
  const id = `${randomBytes(4).toString('hex')}${counter.toString(36)}`;
  const prefix = options.prefix ?? 'test';
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/.test(prefix)) {
    throw new TypeError(
      `prefix ${JSON.stringify(prefix)}: letters, digits and '-', at most 32, starting with a letter or digit`,
    );
  }
  const envs = new Set<string>();
  const tokens = new Set<string>();
  const faultMatches = new Map<string, NonNullable<MockFault['match']>>();
  const envName = (label: string) => `${prefix}-${id}-${label}`.slice(0, 64);
  const token = `${prefix}-token-${id}`;
  const componentAppid = `wx${randomBytes(8).toString('hex')}`;
  const keys = () => [
    ...[...envs].map((env) => ({ env })),
    ...[...tokens].map((access_token) => ({ access_token })),
    { component_appid: componentAppid },
  ];

  const scope: MockScope = {
    control,
    url: control.url,
    env: envName('env'),
    token,
    componentAppid,
    envName,
    async putEnv(data, env = scope.env) {
      envs.add(env);
      await control.putEnv(env, data);
      return env;
    },
    async putToken(state, name = token) {
      tokens.add(name);
      await control.putToken(name, state);
      return name;
    },
    async fault(fault) {
      const match =
        fault.match ??
        (fault.path === API_PATHS.componentToken ? { component_appid: componentAppid } : { access_token: token });
      faultMatches.set(JSON.stringify(match), match);
      await control.addFault({ ...fault, match });
    },
    putComponent: (component) => control.putComponent(componentAppid, component),
    advanceClock: (seconds) => control.advanceClock(seconds, componentAppid),
    clock: () => control.clock(componentAppid),
    async requests(after = 0) {
      const seen = new Map<number, JournalEntry>();
      // One filtered read per key (the API's filters are all-of); merged by arrival.
      for (const filter of keys()) {
        for (const entry of (await control.requests({ ...filter, after })).requests) seen.set(entry.seq, entry);
      }
      return [...seen.values()].sort((a, b) => a.seq - b.seq);
    },
    async waitForRequests(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const entries = await scope.requests();
        if (entries.length >= count) return entries;
        if (Date.now() >= deadline)
          throw new Error(`waited ${timeoutMs} ms for ${count} request(s) of the scope; saw ${entries.length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async cleanup() {
      const failures: unknown[] = [];
      const attempt = async (step: () => Promise<unknown>) => {
        try {
          await step();
        } catch (error) {
          failures.push(error);
        }
      };
      for (const filter of [...faultMatches.values(), ...keys()]) await attempt(() => control.clearFaults(filter));
      for (const name of tokens) await attempt(() => control.deleteToken(name));
      for (const env of envs) await attempt(() => control.deleteEnv(env));
      await attempt(() => control.forgetComponent(componentAppid));
      tokens.clear();
      envs.clear();
      faultMatches.clear();
      if (failures.length > 0)
        throw new AggregateError(failures, `mockScope clean-up: ${failures.length} call(s) failed`);
    },
  };
  options.onCleanup?.(() => scope.cleanup());
  // Listed as valid, so the scope's token works whatever the mock's token_check.
  await scope.putToken('valid');
  if (options.env !== false) await scope.putEnv(options.env ?? { generate: 3 });
  return scope;
}
