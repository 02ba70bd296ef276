// mockControl: a small typed client of the /__mock/ control API, for tests in Node (other languages call the same HTTP routes).
import { createHash } from 'node:crypto';
import type { ComponentData, EnvData, MockDataFile, MockFault, TokenCheck, TokenState } from '../generated/schemas.js';
import { CONTROL_PREFIX } from './api-facts.js';
import type { QueuedFault } from './state/fault-queue.js';
import type { JournalEntry, JournalSnapshot } from './state/journal.js';
import type { ClockView } from './state/mock-clock.js';
import type { IssuedTokenView } from './state/token-registry.js';

/**
 * A control request the mock refused (HTTP 4xx/5xx), with the mock's message and issues.
 * @example try { await control.putEnv('bad id!', {}) } catch (error) { (error as MockControlError).status } // 400
 */
export class MockControlError extends Error {
  readonly status: number;
  readonly issues: { path: string; message: string }[];
  constructor(status: number, message: string, issues: { path: string; message: string }[] = []) {
    super(message);
    this.name = 'MockControlError';
    this.status = status;
    this.issues = issues;
  }
}

/** Options of mockControl. */
export interface MockControlOptions {
  /** The mock's --control-token, sent as `Authorization: Bearer <token>`. */
  controlToken?: string;
}

/** What a fault's match, and the fault filter of faults() and clearFaults(), may name. */
export type FaultFilter = NonNullable<MockFault['match']>;

/**
 * What requests() and waitForRequests() filter by (all given must hold). `access_token` is hashed
 * here and sent as access_token_sha256: the whole token never goes into a URL.
 */
export interface RequestFilter {
  env?: string;
  access_token?: string;
  access_token_sha256?: string;
  component_appid?: string;
}

/** One env as the control API sums it up. */
export interface EnvSummary {
  env: string;
  qbase: boolean;
  total_count: number;
}

/** The token table, its mode and the issued component tokens, as GET /__mock/tokens answers. */
export interface TokensView {
  tokens: Record<string, TokenState>;
  token_check: TokenCheck;
  issued: IssuedTokenView[];
}

/** The typed calls of the control API; each is one HTTP request, named after its route in the comments. */
export interface MockControl {
  /** The mock's base URL. */
  readonly url: string;
  /** GET /__mock/health */
  health(): Promise<{ status: string; envs: number }>;
  /** PUT /__mock/envs/:env: creates or replaces one env. */
  putEnv(env: string, data: EnvData): Promise<EnvSummary>;
  /** DELETE /__mock/envs/:env; false when it was not there. */
  deleteEnv(env: string): Promise<boolean>;
  /** PUT /__mock/tokens/:token: adds or changes one token, leaving every other token and the mode alone. */
  putToken(token: string, state?: TokenState): Promise<void>;
  /** DELETE /__mock/tokens/:token; false when it was not listed. */
  deleteToken(token: string): Promise<boolean>;
  /** GET /__mock/tokens (with an appid, only that component's issued tokens). */
  tokens(componentAppid?: string): Promise<TokensView>;
  /** PUT /__mock/token-check: how a token not in the table is answered, for every user of the mock. */
  setTokenCheck(mode: TokenCheck): Promise<void>;
  /** POST /__mock/faults */
  addFault(fault: MockFault): Promise<void>;
  /** GET /__mock/faults, all or those whose match carries the filter's keys. */
  faults(filter?: FaultFilter): Promise<QueuedFault[]>;
  /** DELETE /__mock/faults, all or those whose match carries the filter's keys; how many were removed. */
  clearFaults(filter?: FaultFilter): Promise<number>;
  /** POST /__mock/clock: the whole mock's clock, or with an appid only that component's. */
  advanceClock(seconds: number, componentAppid?: string): Promise<ClockView>;
  /** GET /__mock/clock, the mock's or one component's. */
  clock(componentAppid?: string): Promise<ClockView>;
  /** PUT /__mock/components/:appid: lists or replaces one component (secret, ticket), leaving the others and the mode alone. */
  putComponent(componentAppid: string, component: ComponentData): Promise<void>;
  /** PUT /__mock/component-check: how an appid not listed is answered, for every user of the mock. */
  setComponentCheck(mode: TokenCheck): Promise<void>;
  /** POST /__mock/components/:appid/ticket (a listed component). */
  pushTicket(componentAppid: string, ticket: string): Promise<void>;
  /** DELETE /__mock/components/:appid: unlists the component and forgets its clock, issued tokens and pushed ticket. */
  forgetComponent(componentAppid: string): Promise<void>;
  /** GET /__mock/requests, filtered, from the `after` cursor, the newest `limit`. */
  requests(filter?: RequestFilter & { after?: number; limit?: number }): Promise<JournalSnapshot>;
  /**
   * Polls GET /__mock/requests until `count` matching entries were recorded at or after `after`
   * (default: the whole journal), and returns them; rejects after `timeoutMs` (default 5,000).
   */
  waitForRequests(
    filter: RequestFilter,
    options?: { count?: number; after?: number; timeoutMs?: number },
  ): Promise<JournalEntry[]>;
  /** PUT /__mock/data: replaces everything, for every user of the mock. Not for a shared mock. */
  putData(data: MockDataFile): Promise<void>;
  /** POST /__mock/reset: back to the start-up data, for every user of the mock. Not for a shared mock. */
  reset(): Promise<void>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

function journalQuery(filter: RequestFilter & { after?: number; limit?: number } = {}): string {
  const { access_token, ...rest } = filter;
  return query({ ...rest, ...(access_token !== undefined ? { access_token_sha256: sha256(access_token) } : {}) });
}

/**
 * A typed client of a mock's control API. The URL defaults to WECHAT_API_BASE_URL (set by
 * wechat-scf-kit/vitest for every test worker).
 * @example
 * import { mockControl } from 'wechat-scf-kit';
 * const control = mockControl(mock.url);
 * await control.putToken('token-a', 'expired');
 * await control.addFault({ errcode: 45009, match: { access_token: 'token-b' } });
 * await control.clearFaults({ access_token: 'token-b' });
 */
export function mockControl(url = process.env.WECHAT_API_BASE_URL, options: MockControlOptions = {}): MockControl {
  if (!url) throw new TypeError('mockControl needs the mock URL (or WECHAT_API_BASE_URL in the environment)');
  const base = url.replace(/\/+$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.controlToken !== undefined) headers.authorization = `Bearer ${options.controlToken}`;

  /** One control call: JSON in and out; 404 answered as undefined when `missingOk`. */
  async function call<T>(method: string, path: string, body?: unknown, missingOk = false): Promise<T | undefined> {
    const res = await fetch(`${base}${CONTROL_PREFIX}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (res.status === 404 && missingOk) return undefined;
    if (!res.ok) {
      const answer = parsed as { error?: string; issues?: { path: string; message: string }[] } | undefined;
      throw new MockControlError(
        res.status,
        `${method} ${CONTROL_PREFIX}${path} answered HTTP ${res.status}: ${answer?.error ?? text.slice(0, 200)}`,
        answer?.issues ?? [],
      );
    }
    return parsed as T;
  }
  const must = async <T>(method: string, path: string, body?: unknown) => (await call<T>(method, path, body)) as T;
  const segment = encodeURIComponent;

  const control: MockControl = {
    url: base,
    health: () => must('GET', '/health'),
    putEnv: (env, data) => must('PUT', `/envs/${segment(env)}`, data),
    deleteEnv: async (env) => (await call('DELETE', `/envs/${segment(env)}`, undefined, true)) !== undefined,
    putToken: async (token, state = 'valid') => {
      await must('PUT', `/tokens/${segment(token)}`, { state });
    },
    deleteToken: async (token) => (await call('DELETE', `/tokens/${segment(token)}`, undefined, true)) !== undefined,
    tokens: (appid) => must('GET', `/tokens${query({ component_appid: appid })}`),
    setTokenCheck: async (mode) => {
      await must('PUT', '/token-check', { token_check: mode });
    },
    addFault: async (fault) => {
      await must('POST', '/faults', fault);
    },
    faults: async (filter = {}) => (await must<{ faults: QueuedFault[] }>('GET', `/faults${query(filter)}`)).faults,
    clearFaults: async (filter = {}) => (await must<{ cleared: number }>('DELETE', `/faults${query(filter)}`)).cleared,
    advanceClock: (seconds, appid) =>
      must('POST', '/clock', { advance_s: seconds, ...(appid === undefined ? {} : { component_appid: appid }) }),
    clock: (appid) => must('GET', `/clock${query({ component_appid: appid })}`),
    putComponent: async (appid, component) => {
      await must('PUT', `/components/${segment(appid)}`, component);
    },
    setComponentCheck: async (mode) => {
      await must('PUT', '/component-check', { component_check: mode });
    },
    pushTicket: async (appid, ticket) => {
      await must('POST', `/components/${segment(appid)}/ticket`, { component_verify_ticket: ticket });
    },
    forgetComponent: async (appid) => {
      await must('DELETE', `/components/${segment(appid)}`);
    },
    requests: (filter) => must('GET', `/requests${journalQuery(filter)}`),
    waitForRequests: async (filter, { count = 1, after = 0, timeoutMs = 5000 } = {}) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { requests } = await control.requests({ ...filter, after });
        if (requests.length >= count) return requests;
        if (Date.now() >= deadline) {
          throw new Error(
            `waited ${timeoutMs} ms for ${count} request(s) matching ${JSON.stringify(filter)}; saw ${requests.length}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    putData: async (data) => {
      await must('PUT', '/data', data);
    },
    reset: async () => {
      await must('POST', '/reset');
    },
  };
  return control;
}
