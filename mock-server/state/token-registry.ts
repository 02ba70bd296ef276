// Components, their tickets and the component tokens issued, expiring on the mock clock.
import { createHash } from 'node:crypto';
import type { ComponentData, TokenCheck } from '../../generated/schemas.js';
import { ISSUED_TOKENS_KEPT, MAX_APPID_CHARS, TICKET_VALID_S, TOKEN_EXPIRES_S, TOKEN_OVERLAP_S } from '../api-facts.js';
import type { MockClock } from './mock-clock.js';

/** The credentials of one api_component_token request, after its shape was checked. */
export interface TokenRequest {
  component_appid: string;
  component_appsecret: string;
  /** Undefined or empty when the client sent none. */
  component_verify_ticket: string | undefined;
}

/** What issuing answers: a token, or the errcode that refused it and why. */
export type IssueResult =
  | { component_access_token: string; expires_in: number }
  | { errcode: 40013 | 40125 | 45009 | 61005 | 61006; reason: string };

/** How an issued token stands now. superseded: a newer one was issued more than 5 minutes ago. */
export type IssuedTokenState = 'valid' | 'expired' | 'superseded';

/** One issued token as GET /__mock/tokens shows it. */
export interface IssuedTokenView {
  component_access_token: string;
  component_appid: string;
  issued_at: string;
  expires_at: string;
  /** When a newer token cut this one short: the end of its 5-minute overlap. */
  superseded_at?: string;
  state: IssuedTokenState;
}

interface IssuedToken {
  appid: string;
  issuedAt: number;
  expiresAt: number;
  cutAt?: number;
}

interface Ticket {
  value: string;
  setAt: number;
}

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/**
 * The component token lifecycle, with no HTTP: the platforms (components) and their tickets,
 * the tokens issued, their expiry on the mock clock and the 5-minute overlap when a newer one
 * is issued.
 * @example
 * const registry = new TokenRegistry(new MockClock(), 1);
 * registry.load({ wx1: { secret: 's', ticket: 't' } });
 * registry.issue({ component_appid: 'wx1', component_appsecret: 's', component_verify_ticket: 't' })
 * // { component_access_token: '86_…', expires_in: 7200 }
 */
export class TokenRegistry {
  readonly #clock: MockClock;
  #seed: number;
  #components = new Map<string, ComponentData>();
  #componentCheck: TokenCheck = 'any';
  #tickets = new Map<string, Ticket>();
  #issued = new Map<string, IssuedToken>();
  #latest = new Map<string, string>();
  #count = 0;

  constructor(clock: MockClock, seed: number) {
    this.#clock = clock;
    this.#seed = seed;
  }

  /**
   * Takes the data's components: forgets issued tokens and pushed tickets, and starts the data's
   * tickets' 12 hours now.
   */
  load(components: Record<string, ComponentData>, seed: number = this.#seed, componentCheck?: TokenCheck): void {
    this.#seed = seed;
    this.#components = new Map(Object.entries(components));
    this.#componentCheck = componentCheck ?? (this.#components.size > 0 ? 'listed' : 'any');
    this.#tickets = new Map();
    for (const [appid, component] of this.#components) {
      if (component.ticket !== undefined)
        this.#tickets.set(appid, { value: component.ticket, setAt: this.#clock.now(appid) });
    }
    this.#issued = new Map();
    this.#latest = new Map();
    this.#count = 0;
  }

  /** The listed components' appids. */
  appids(): string[] {
    return [...this.#components.keys()];
  }

  /** How an appid not listed is answered: 'any' (any secret and ticket get a token) or 'listed' (40013). */
  get componentCheck(): TokenCheck {
    return this.#componentCheck;
  }

  /** Sets how an appid not listed is answered, leaving the listed components as they are. */
  setComponentCheck(mode: TokenCheck): void {
    this.#componentCheck = mode;
  }

  /**
   * Lists or replaces one component (its ticket, if given, valid 12 hours from now on its clock);
   * every other component, and the mode, stay as they are. Returns whether it was new.
   */
  putComponent(appid: string, component: ComponentData): boolean {
    const added = !this.#components.has(appid);
    this.#components.set(appid, component);
    if (component.ticket === undefined) this.#tickets.delete(appid);
    else this.#tickets.set(appid, { value: component.ticket, setAt: this.#clock.now(appid) });
    return added;
  }

  /**
   * Removes one component from the list and forgets what it was given (see forget): it then
   * answers as any appid not listed does. Returns whether it was listed and how many issued tokens were forgotten.
   */
  removeComponent(appid: string): { listed: boolean; issued: number } {
    const listed = this.#components.delete(appid);
    this.#tickets.delete(appid);
    return { listed, issued: this.forget(appid) };
  }

  /**
   * Pushes a ticket for a listed component, as WeChat's callback would: it replaces the previous
   * one and is valid 12 hours from now. False when the appid is not listed.
   */
  pushTicket(appid: string, ticket: string): boolean {
    if (!this.#components.has(appid)) return false;
    this.#tickets.set(appid, { value: ticket, setAt: this.#clock.now(appid) });
    return true;
  }

  /**
   * Forgets what one component was given since the data was loaded: the tokens issued to it and a
   * ticket pushed for it (the data's ticket comes back, its 12 hours starting now). Other
   * components are untouched. Returns how many issued tokens were forgotten.
   */
  forget(appid: string): number {
    let forgotten = 0;
    for (const [token, issued] of this.#issued) {
      if (issued.appid !== appid) continue;
      this.#issued.delete(token);
      forgotten += 1;
    }
    this.#latest.delete(appid);
    const ticket = this.#components.get(appid)?.ticket;
    if (ticket !== undefined) this.#tickets.set(appid, { value: ticket, setAt: this.#clock.now(appid) });
    return forgotten;
  }

  /** The credential checks, first failure wins (40013, 40125, 61006, 61005), then a new token. */
  issue(request: TokenRequest): IssueResult {
    const { component_appid: appid, component_verify_ticket: ticket } = request;
    // The component's own time: a test that moved its component's clock ages only its tokens and ticket.
    const now = this.#clock.now(appid);
    if (appid.length > MAX_APPID_CHARS) {
      return {
        errcode: 40013,
        reason: `component_appid: ${appid.length} characters; no appid is longer than ${MAX_APPID_CHARS}`,
      };
    }
    const component = this.#components.get(appid);
    // The mode, not the list's size: listing one component never changes how another appid is answered.
    if (!component && this.#componentCheck === 'listed')
      return { errcode: 40013, reason: `component_appid: ${appid} is not in components` };
    if (component && request.component_appsecret !== component.secret) {
      return { errcode: 40125, reason: `component_appsecret: not the secret of ${appid}` };
    }
    // A missing ticket is a ticket failure: it comes after the appid and the secret, as every ticket check does.
    if (!ticket) return { errcode: 61006, reason: 'component_verify_ticket: missing or empty' };
    if (component) {
      const current = this.#tickets.get(appid);
      if (current) {
        if (ticket !== current.value)
          return { errcode: 61006, reason: `component_verify_ticket: not the current ticket of ${appid}` };
        if (now >= current.setAt + TICKET_VALID_S * 1000) {
          return {
            errcode: 61005,
            reason: `component_verify_ticket: older than ${TICKET_VALID_S / 3600} hours of mock time`,
          };
        }
      }
    }
    // Room is made before a token is minted, so a refusal changes nothing (not even the issue count).
    if (this.#issued.size >= ISSUED_TOKENS_KEPT && !this.#forgetOne(now)) {
      return {
        errcode: 45009,
        reason: `the mock already holds ${ISSUED_TOKENS_KEPT} valid component tokens and forgets none of them while valid; a new one can be issued once one expires or is superseded (POST /__mock/clock to move time on, or POST /__mock/reset)`,
      };
    }
    return { component_access_token: this.#mint(appid, now), expires_in: TOKEN_EXPIRES_S };
  }

  /**
   * Forgets the oldest token that no client may still use (expired, or superseded past its overlap)
   * and is no component's current one. False when every token held is still valid: forgetting
   * one would make a client's valid token answer 40001 (a flood of requests once did just that).
   */
  #forgetOne(now: number): boolean {
    for (const [token, issued] of this.#issued) {
      if (stateAt(issued, now) === 'valid' || this.#latest.get(issued.appid) === token) continue;
      this.#issued.delete(token);
      return true;
    }
    // Only current tokens can be left unused (expired ones): the oldest expired current token goes.
    for (const [token, issued] of this.#issued) {
      if (stateAt(issued, now) !== 'expired') continue;
      this.#issued.delete(token);
      this.#latest.delete(issued.appid);
      return true;
    }
    return false;
  }

  #mint(appid: string, now: number): string {
    this.#count += 1;
    const token = makeToken(this.#seed, this.#count);
    const previous = this.#latest.get(appid);
    const before = previous === undefined ? undefined : this.#issued.get(previous);
    if (before) before.cutAt = Math.min(before.cutAt ?? Number.POSITIVE_INFINITY, now + TOKEN_OVERLAP_S * 1000);
    this.#issued.set(token, { appid, issuedAt: now, expiresAt: now + TOKEN_EXPIRES_S * 1000 });
    this.#latest.set(appid, token);
    return token;
  }

  /** How an issued token stands (expiry wins over being superseded), or undefined for a token this mock never issued. */
  state(token: string): IssuedTokenState | undefined {
    const issued = this.#issued.get(token);
    if (!issued) return undefined;
    return stateAt(issued, this.#clock.now(issued.appid));
  }

  /** The component an issued token belongs to, or undefined for a token this mock never issued (or forgot). */
  appidOf(token: string): string | undefined {
    return this.#issued.get(token)?.appid;
  }

  /** How many issued tokens, and components with a latest token, are remembered (both bounded). */
  get size(): { issued: number; components: number } {
    return { issued: this.#issued.size, components: this.#latest.size };
  }

  /** Every remembered issued token, oldest first; with an appid, only that component's. */
  list(appid?: string): IssuedTokenView[] {
    const iso = (ms: number) => new Date(ms).toISOString();
    const kept = [...this.#issued].filter(([, issued]) => appid === undefined || issued.appid === appid);
    return kept.map(([token, issued]) => ({
      component_access_token: token,
      component_appid: issued.appid,
      issued_at: iso(issued.issuedAt),
      expires_at: iso(issued.expiresAt),
      ...(issued.cutAt === undefined ? {} : { superseded_at: iso(issued.cutAt) }),
      state: stateAt(issued, this.#clock.now(issued.appid)),
    }));
  }
}

function stateAt(issued: IssuedToken, now: number): IssuedTokenState {
  if (now >= issued.expiresAt) return 'expired';
  if (issued.cutAt !== undefined && now >= issued.cutAt) return 'superseded';
  return 'valid';
}

/**
 * An opaque token shaped like the real ones (`<2 digits>_<136 URL-safe characters>`), the same
 * for the same seed and issue number on every machine.
 * @example makeToken(1, 1) // '…_…' (138 or 139 characters)
 */
export function makeToken(seed: number, count: number): string {
  let bytes = Buffer.alloc(0);
  for (let block = 0; bytes.length < 137; block++) {
    bytes = Buffer.concat([bytes, createHash('sha256').update(`component-token:${seed}:${count}:${block}`).digest()]);
  }
  let body = '';
  for (let i = 1; i < 137; i++) body += TOKEN_ALPHABET[bytes[i] & 63];
  return `${60 + (bytes[0] % 40)}_${body}`;
}
