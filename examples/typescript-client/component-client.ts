/**
 * A third-party platform's client written the way the public SDKs are (WxJava, wechatpy,
 * fastwego): it gets its own component_access_token from api_component_token with the
 * platform's appid, secret and component_verify_ticket, caches it in a store for its expires_in
 * (refreshing a little early), and, when WeChat refuses the token (40001, 40014, 42001), fetches
 * a new one once and retries the call once. A token refused again, or any other failure, is
 * surfaced: it never loops. Then describeenvs, getscflist and rid/get with that token.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ComponentTokenSuccess,
  DescribeEnvsSuccess,
  GetScfListRequest,
  GetScfListSuccess,
  RidGetSuccess,
} from 'wechat-scf-kit';
import { TransportError, WechatApiError } from './client.js';

/** A token as cached: the token and when it stops being used (ms since the epoch). */
export interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Where tokens are kept between calls: in memory for a long-lived program, on disk (or Redis) across processes. */
export interface TokenStore {
  get(key: string): Promise<CachedToken | undefined>;
  set(key: string, value: CachedToken): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * Tokens kept in this process's memory.
 * @example createComponentClient({ component, store: new MemoryTokenStore() })
 */
export class MemoryTokenStore implements TokenStore {
  readonly #tokens = new Map<string, CachedToken>();
  async get(key: string) {
    return this.#tokens.get(key);
  }
  async set(key: string, value: CachedToken) {
    this.#tokens.set(key, value);
  }
  async delete(key: string) {
    this.#tokens.delete(key);
  }
}

/**
 * Tokens kept as JSON files in a folder, so a program run once per call still fetches one token
 * for many calls (as a cache shared by several processes would).
 * @example new FileTokenStore(join(tmpdir(), 'wechat-tokens'))
 */
export class FileTokenStore implements TokenStore {
  readonly #dir: string;
  constructor(dir: string) {
    this.#dir = dir;
  }
  #file(key: string) {
    return join(this.#dir, `${Buffer.from(key).toString('base64url')}.json`);
  }
  async get(key: string) {
    try {
      const value = JSON.parse(await readFile(this.#file(key), 'utf8')) as CachedToken;
      return typeof value.token === 'string' && typeof value.expiresAt === 'number' ? value : undefined;
    } catch {
      return undefined;
    }
  }
  async set(key: string, value: CachedToken) {
    await mkdir(this.#dir, { recursive: true });
    await writeFile(this.#file(key), JSON.stringify(value));
  }
  async delete(key: string) {
    await rm(this.#file(key), { force: true });
  }
}

/** The platform's credentials; the ticket may come from wherever the callback stored it. */
export interface ComponentCredentials {
  appid: string;
  secret: string;
  ticket: string | (() => Promise<string>);
}

export interface ComponentClientOptions {
  component: ComponentCredentials;
  /** Default https://api.weixin.qq.com; point it at the mock in tests. */
  baseUrl?: string;
  /** Give up on one request after this long (default 10 s). */
  timeoutMs?: number;
  /** Default: a MemoryTokenStore. */
  store?: TokenStore;
  /** Stop using a token this long before WeChat's expires_in says it ends (default 600 s, as SDKs refresh at about 1 h 50 min). */
  refreshMarginS?: number;
  /** For tests: a fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

/** The errcodes that mean "this token is refused": worth one new token and one retry. */
export const TOKEN_REFUSED = new Set([40001, 40014, 42001]);

/**
 * @example
 * const client = createComponentClient({ component: { appid, secret, ticket }, baseUrl: mock.url });
 * const { info_list } = await client.describeEnvs();
 * const page = await client.getCloudFunctionList({ env: info_list[0].env });
 */
export function createComponentClient(options: ComponentClientOptions) {
  const baseUrl = options.baseUrl ?? 'https://api.weixin.qq.com';
  const timeoutMs = options.timeoutMs ?? 10_000;
  const store = options.store ?? new MemoryTokenStore();
  const marginMs = (options.refreshMarginS ?? 600) * 1000;
  const send = options.fetch ?? fetch;
  const { component } = options;
  const key = `${baseUrl} ${component.appid}`;
  // Calls that need a token while one is being fetched wait for that one: one token request, not one per call.
  let fetching: Promise<string> | undefined;

  /** POSTs JSON and reads a WeChat answer; a failure that is not a WeChat answer is a TransportError. */
  async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
    let text: string;
    try {
      const res = await send(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
      if (res.status !== 200) throw new TransportError(`HTTP ${res.status}`);
    } catch (error) {
      if (error instanceof TransportError) throw error;
      throw new TransportError(`request failed: ${(error as Error).message}`);
    }
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      throw new TransportError(`the answer is not JSON: ${text.slice(0, 80)}`);
    }
    if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) {
      throw new TransportError('the answer is not a JSON object');
    }
    const { errcode, errmsg } = answer as { errcode?: unknown; errmsg?: unknown };
    if (errcode !== undefined && typeof errcode !== 'number') throw new TransportError('errcode is not a number');
    if (typeof errcode === 'number' && errcode !== 0) throw new WechatApiError(errcode, String(errmsg));
    return answer as Record<string, unknown>;
  }

  async function fetchToken(): Promise<string> {
    const ticket = typeof component.ticket === 'function' ? await component.ticket() : component.ticket;
    const answer = await post(`${baseUrl}/cgi-bin/component/api_component_token`, {
      component_appid: component.appid,
      component_appsecret: component.secret,
      component_verify_ticket: ticket,
    });
    const { component_access_token: token, expires_in: expiresIn } = answer as Partial<ComponentTokenSuccess>;
    if (typeof token !== 'string' || token === '' || typeof expiresIn !== 'number') {
      throw new TransportError('api_component_token answered no component_access_token and expires_in');
    }
    await store.set(key, { token, expiresAt: Date.now() + Math.max(0, expiresIn * 1000 - marginMs) });
    return token;
  }

  /** The cached token while it is fresh, else a new one (one request however many calls wait). */
  async function componentToken(): Promise<string> {
    const cached = await store.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.token;
    fetching ??= fetchToken().finally(() => {
      fetching = undefined;
    });
    return fetching;
  }

  /** Forgets a refused token, unless another call has already replaced it. */
  async function forget(token: string): Promise<void> {
    const cached = await store.get(key);
    if (cached?.token === token) await store.delete(key);
  }

  /** One API call with the token in the query: on a refused token, one new token and one retry. */
  async function call(
    path: string,
    body: unknown,
    tokenKey = 'component_access_token',
  ): Promise<Record<string, unknown>> {
    const token = await componentToken();
    const url = (t: string) => `${baseUrl}${path}?${tokenKey}=${encodeURIComponent(t)}`;
    try {
      return await post(url(token), body);
    } catch (error) {
      if (!(error instanceof WechatApiError) || !TOKEN_REFUSED.has(error.errcode)) throw error;
      await forget(token);
      // Once: a fresh token refused again is a real problem (revoked rights, a clock far off), not a race.
      return post(url(await componentToken()), body);
    }
  }

  return {
    /** The component_access_token, from the store or fetched. */
    componentToken,
    async describeEnvs(): Promise<DescribeEnvsSuccess> {
      return (await call('/componenttcb/describeenvs', {})) as unknown as DescribeEnvsSuccess;
    },
    async getCloudFunctionList(params: GetScfListRequest): Promise<GetScfListSuccess> {
      return (await call('/componenttcb/getscflist', params)) as unknown as GetScfListSuccess;
    },
    /** The request behind a rid from an errmsg. rid/get reads the token as access_token. */
    async getRid(rid: string): Promise<RidGetSuccess> {
      return (await call('/cgi-bin/openapi/rid/get', { rid }, 'access_token')) as unknown as RidGetSuccess;
    },
  };
}

/** A client made by createComponentClient. */
export type ComponentClient = ReturnType<typeof createComponentClient>;
