// The apps authorized to each component (data file and control API) and the authorizer tokens issued, expiring on the mock clock.
import { createHash } from 'node:crypto';
import type { AuthorizerData, ComponentData } from '../../generated/schemas.js';
import { AUTHORIZER_TOKEN_EXPIRES_S, ISSUED_TOKENS_KEPT, MAX_AUTHORIZERS, TOKEN_OVERLAP_S } from '../api-facts.js';
import type { MockClock } from './mock-clock.js';
import type { IssuedTokenState } from './token-registry.js';

/** The fields of one api_authorizer_token request, after their presence and types were checked. */
export interface AuthorizerTokenGrant {
  component_appid: string;
  authorizer_appid: string;
  /** May be empty or null-ish text: that is a 61023, decided here. */
  authorizer_refresh_token: string;
}

/** What issuing answers: a token (the refresh token unchanged, as upstream's example), or the errcode that refused it. */
export type AuthorizerIssueResult =
  | { authorizer_access_token: string; expires_in: number; authorizer_refresh_token: string }
  | { errcode: 45009 | 61003 | 61023; reason: string };

/** What an authorizer token stands for, for the routes that accept one. */
export interface AuthorizerTokenInfo {
  state: IssuedTokenState;
  component_appid: string;
  authorizer_appid: string;
  /** The envs the authorizer owns; undefined: every env (an unlisted authorizer, or one listing none). */
  envs: readonly string[] | undefined;
}

/** One issued authorizer token as GET /__mock/authorizers shows it. */
export interface IssuedAuthorizerTokenView {
  authorizer_access_token: string;
  component_appid: string;
  authorizer_appid: string;
  issued_at: string;
  expires_at: string;
  superseded_at?: string;
  state: IssuedTokenState;
}

interface IssuedAuthorizerToken {
  component: string;
  authorizer: string;
  envs: readonly string[] | undefined;
  issuedAt: number;
  expiresAt: number;
  cutAt?: number;
}

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/**
 * Thrown by AuthorizerRegistry.add when MAX_AUTHORIZERS are held; the control API answers 409 with it.
 * @example try { registry.add('wx1', { authorizer_appid: 'wxa' }) } catch (e) { if (e instanceof AuthorizersFull) … }
 */
export class AuthorizersFull extends Error {}

/**
 * The authorizer side of a platform, with no HTTP: which apps authorized which component (their
 * refresh tokens and envs), the authorizer_access_tokens issued, their expiry on the mock clock and
 * the 5-minute overlap when a newer one is issued for the same authorizer; time is the component's
 * own (clock.now(componentAppid)), as for its component tokens. A component that lists
 * no authorizers lets any authorizer and refresh token have a token, as components do when the data
 * lists none.
 * @example
 * const authorizers = new AuthorizerRegistry(new MockClock(), 1);
 * authorizers.load({ wx1: { secret: 's', authorizers: { wxa: { refresh_token: 'refreshtoken@@@r' } } } });
 * authorizers.issue({ component_appid: 'wx1', authorizer_appid: 'wxa', authorizer_refresh_token: 'refreshtoken@@@r' })
 * // { authorizer_access_token: '…', expires_in: 7200, authorizer_refresh_token: 'refreshtoken@@@r' }
 */
export class AuthorizerRegistry {
  readonly #clock: MockClock;
  #seed: number;
  #authorizers = new Map<string, Map<string, AuthorizerData>>();
  #issued = new Map<string, IssuedAuthorizerToken>();
  #latest = new Map<string, string>();
  #count = 0;
  #added = 0;

  constructor(clock: MockClock, seed: number) {
    this.#clock = clock;
    this.#seed = seed;
  }

  /** Takes the data's components' authorizers; forgets issued tokens and authorizers added since. */
  load(components: Record<string, ComponentData>, seed: number = this.#seed): void {
    this.#seed = seed;
    this.#authorizers = new Map();
    for (const [appid, component] of Object.entries(components)) {
      const listed = Object.entries(component.authorizers ?? {});
      if (listed.length > 0) this.#authorizers.set(appid, new Map(listed));
    }
    this.#issued = new Map();
    this.#latest = new Map();
    this.#count = 0;
    this.#added = 0;
  }

  /**
   * Lists one component's authorizers as PUT /__mock/components/:appid gives them (replacing the
   * ones it listed; none given: it lists none, so any authorizer may have a token).
   * @throws AuthorizersFull when that would hold more than MAX_AUTHORIZERS across components
   */
  putComponent(componentAppid: string, listed: Record<string, AuthorizerData> | undefined): void {
    const entries = Object.entries(listed ?? {});
    const others = this.count() - (this.#authorizers.get(componentAppid)?.size ?? 0);
    if (others + entries.length > MAX_AUTHORIZERS) {
      throw new AuthorizersFull(
        `the mock holds at most ${MAX_AUTHORIZERS.toLocaleString('en-US')} authorizers across components; reset or replace the data`,
      );
    }
    if (entries.length > 0) this.#authorizers.set(componentAppid, new Map(entries));
    else this.#authorizers.delete(componentAppid);
  }

  /** How many authorizers are listed across components. */
  count(): number {
    let total = 0;
    for (const listed of this.#authorizers.values()) total += listed.size;
    return total;
  }

  /**
   * Authorizes an app to a component (replacing one of the same appid) and returns it; a refresh
   * token is made from the seed when none is given. From then on the component lists authorizers.
   * @throws AuthorizersFull when MAX_AUTHORIZERS are held and this one is new
   */
  add(
    componentAppid: string,
    authorizer: { authorizer_appid: string; refresh_token?: string; envs?: string[] },
  ): AuthorizerData & { authorizer_appid: string } {
    const listed = this.#authorizers.get(componentAppid) ?? new Map<string, AuthorizerData>();
    if (!listed.has(authorizer.authorizer_appid) && this.count() >= MAX_AUTHORIZERS) {
      throw new AuthorizersFull(
        `the mock holds at most ${MAX_AUTHORIZERS.toLocaleString('en-US')} authorizers across components; reset or replace the data`,
      );
    }
    this.#added += 1;
    const data: AuthorizerData = {
      refresh_token:
        authorizer.refresh_token ??
        makeRefreshToken(this.#seed, componentAppid, authorizer.authorizer_appid, this.#added),
      ...(authorizer.envs === undefined ? {} : { envs: authorizer.envs }),
    };
    listed.set(authorizer.authorizer_appid, data);
    this.#authorizers.set(componentAppid, listed);
    return { authorizer_appid: authorizer.authorizer_appid, ...data };
  }

  /** The checks after the request's shape (61003 an unlisted authorizer, 61023 a wrong refresh token), then a new token. */
  issue(grant: AuthorizerTokenGrant): AuthorizerIssueResult {
    const { component_appid: component, authorizer_appid: authorizer, authorizer_refresh_token: refresh } = grant;
    const listed = this.#authorizers.get(component);
    const data = listed?.get(authorizer);
    if (listed && !data) {
      return { errcode: 61003, reason: `authorizer_appid: ${authorizer} has not authorized component ${component}` };
    }
    if (!refresh || refresh === 'null' || refresh === 'undefined') {
      return { errcode: 61023, reason: 'authorizer_refresh_token: empty, or the text of a missing value' };
    }
    if (data && refresh !== data.refresh_token) {
      return { errcode: 61023, reason: `authorizer_refresh_token: not the refresh token of ${authorizer}` };
    }
    const envs = data?.envs && data.envs.length > 0 ? [...data.envs] : undefined;
    // Room is made before a token is minted, so a refusal changes nothing; as with component tokens,
    // no token a client may still use is forgotten (it would answer 40001 to that client).
    if (this.#issued.size >= ISSUED_TOKENS_KEPT && !this.#forgetOne()) {
      return {
        errcode: 45009,
        reason: `the mock already holds ${ISSUED_TOKENS_KEPT} valid authorizer tokens and forgets none of them while valid; a new one can be issued once one expires or is superseded (POST /__mock/clock to move time on, or POST /__mock/reset)`,
      };
    }
    return {
      // The component's own time, as its component tokens: a test that moved its component's clock ages only its tokens.
      authorizer_access_token: this.#mint(component, authorizer, envs, this.#clock.now(component)),
      expires_in: AUTHORIZER_TOKEN_EXPIRES_S,
      authorizer_refresh_token: refresh,
    };
  }

  #mint(component: string, authorizer: string, envs: readonly string[] | undefined, now: number): string {
    this.#count += 1;
    const token = makeAuthorizerToken(this.#seed, this.#count);
    // Keyed by both appids: one app authorized to two platforms has a token from each.
    const key = JSON.stringify([component, authorizer]);
    const previous = this.#latest.get(key);
    const before = previous === undefined ? undefined : this.#issued.get(previous);
    if (before) before.cutAt = Math.min(before.cutAt ?? Number.POSITIVE_INFINITY, now + TOKEN_OVERLAP_S * 1000);
    this.#issued.set(token, {
      component,
      authorizer,
      envs,
      issuedAt: now,
      expiresAt: now + AUTHORIZER_TOKEN_EXPIRES_S * 1000,
    });
    this.#latest.set(key, token);
    return token;
  }

  /**
   * Forgets the oldest token no client may still use (expired, or superseded past its overlap), on
   * its component's clock. False when every token held is still valid.
   */
  #forgetOne(): boolean {
    for (const [token, issued] of this.#issued) {
      if (stateAt(issued, this.#clock.now(issued.component)) === 'valid') continue;
      this.#issued.delete(token);
      const key = JSON.stringify([issued.component, issued.authorizer]);
      if (this.#latest.get(key) === token) this.#latest.delete(key);
      return true;
    }
    return false;
  }

  /**
   * One component's clean-up (DELETE /__mock/components/:appid): its listed authorizers and the
   * authorizer tokens issued under it forgotten, so the appid starts afresh. Returns how many of each.
   * @example authorizers.removeComponent('wx1') // { authorizers: 1, tokens: 2 }
   */
  removeComponent(componentAppid: string): { authorizers: number; tokens: number } {
    const authorizers = this.#authorizers.get(componentAppid)?.size ?? 0;
    this.#authorizers.delete(componentAppid);
    let tokens = 0;
    for (const [token, entry] of this.#issued) {
      if (entry.component !== componentAppid) continue;
      this.#issued.delete(token);
      tokens += 1;
    }
    for (const key of this.#latest.keys()) {
      if ((JSON.parse(key) as string[])[0] === componentAppid) this.#latest.delete(key);
    }
    return { authorizers, tokens };
  }

  /** What an issued authorizer token stands for and how it stands now, or undefined for one this mock never issued. */
  lookup(token: string): AuthorizerTokenInfo | undefined {
    const issued = this.#issued.get(token);
    if (!issued) return undefined;
    return {
      state: stateAt(issued, this.#clock.now(issued.component)),
      component_appid: issued.component,
      authorizer_appid: issued.authorizer,
      envs: issued.envs,
    };
  }

  /** The listed authorizers by component, and every remembered issued token, oldest first. */
  list(): {
    components: Record<string, Record<string, AuthorizerData>>;
    issued: IssuedAuthorizerTokenView[];
  } {
    const iso = (ms: number) => new Date(ms).toISOString();
    const components: Record<string, Record<string, AuthorizerData>> = {};
    for (const [appid, listed] of this.#authorizers) components[appid] = Object.fromEntries(listed);
    const issued = [...this.#issued].map(([token, entry]) => ({
      authorizer_access_token: token,
      component_appid: entry.component,
      authorizer_appid: entry.authorizer,
      issued_at: iso(entry.issuedAt),
      expires_at: iso(entry.expiresAt),
      ...(entry.cutAt === undefined ? {} : { superseded_at: iso(entry.cutAt) }),
      state: stateAt(entry, this.#clock.now(entry.component)),
    }));
    return { components, issued };
  }
}

function stateAt(issued: IssuedAuthorizerToken, now: number): IssuedTokenState {
  if (now >= issued.expiresAt) return 'expired';
  if (issued.cutAt !== undefined && now >= issued.cutAt) return 'superseded';
  return 'valid';
}

function digestText(seed: string, length: number): string {
  let bytes = Buffer.alloc(0);
  for (let block = 0; bytes.length < length; block++) {
    bytes = Buffer.concat([bytes, createHash('sha256').update(`${seed}:${block}`).digest()]);
  }
  let text = '';
  for (let i = 0; i < length; i++) text += TOKEN_ALPHABET[bytes[i] & 63];
  return text;
}

/**
 * An opaque authorizer token shaped like the real ones (`<2 digits>_<136 URL-safe characters>`), the
 * same for the same seed and issue number on every machine, and never equal to a component token.
 * @example makeAuthorizerToken(1, 1) // '…_…' (139 characters)
 */
export function makeAuthorizerToken(seed: number, count: number): string {
  return `${60 + (count % 40)}_${digestText(`authorizer-token:${seed}:${count}`, 136)}`;
}

/**
 * A refresh token shaped like the real ones, `refreshtoken@@@<43 URL-safe characters>`, from the seed.
 * @example makeRefreshToken(1, 'wx1', 'wxa', 1) // 'refreshtoken@@@…'
 */
export function makeRefreshToken(seed: number, component: string, authorizer: string, count: number): string {
  return `refreshtoken@@@${digestText(`refresh-token:${seed}:${component}:${authorizer}:${count}`, 43)}`;
}
