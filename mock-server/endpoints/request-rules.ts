// Rules every endpoint shares: reading the token and the JSON body, the token checks, and WeChat-shaped failures with a rid.
import type { Invocation, MockContext } from '../context.js';
import { errorBody, makeRid } from '../error-codes.js';
import { describeErrors, formatIssues, type Validator } from '../validation.js';

/**
 * What an endpoint answers to one request: an errcode (0 for a success), why (for failures),
 * the exact JSON body, and the rid when the body carries one.
 */
export interface Outcome {
  errcode: number;
  reason?: string;
  body: string;
  /**
   * Makes `body` again, the same text, from values the mock never changes: the journal keeps this
   * instead of the text (a listing's page is a few kB, and under load every kept answer outlived
   * V8's young generation and swelled the heap between full collections).
   */
  bodyAgain?: () => string;
  rid?: string;
  /** How long to wait before answering (a scripted function's run), in real milliseconds. */
  waitMs?: number;
  /** For invokecloudfunction: what the journal keeps of the call. */
  invocation?: Invocation;
}

/** The parts of a request an endpoint's rules look at, read once by the shared route. */
export interface ApiCall {
  method: string;
  /** The token from the query: access_token, else (on componenttcb routes) component_access_token. */
  accessToken: string | undefined;
  /** The raw body, undefined when none was sent. */
  body: Buffer | undefined;
  /** The parsed query string, for endpoints that read more than the token from it (invokecloudfunction's env and name). */
  query?: Record<string, unknown>;
}

/** The state an endpoint's rules read: everything of the context but the journal's recorder. */
export type ApiState = Pick<
  MockContext,
  'settings' | 'store' | 'clock' | 'registry' | 'authorizers' | 'rids' | 'lifecycle'
>;

/** An endpoint's rules: a call in, an outcome out, no HTTP. */
export type Answer = (call: ApiCall, state: ApiState) => Outcome;

/**
 * A WeChat error answer, with a rid made on the mock's clock (unless rids are off).
 * @example fail(state, 44002, 'body: empty').body // '{"errcode":44002,"errmsg":"empty post data rid: …"}'
 */
export function fail(
  state: Pick<ApiState, 'settings' | 'clock'>,
  errcode: number,
  reason: string,
  errmsg?: string,
): Outcome {
  const rid = state.settings.rid ? makeRid(state.clock.now()) : undefined;
  return { errcode, reason, rid, body: errorBody(errcode, { rid: rid ?? false, errmsg }) };
}

/**
 * True for a body that counts as empty (44002): none, zero bytes, or only white space.
 * @example isEmptyBody(Buffer.from('  ')) // true
 */
export function isEmptyBody(raw: Buffer | undefined): boolean {
  return raw === undefined || raw.length === 0 || raw.toString('latin1').trim() === '';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a body that must be a JSON object; the reason names what is wrong (for 47001).
 * @example parseJsonObject(Buffer.from('[]')) // { reason: 'body: must be a JSON object, not an array' }
 */
export function parseJsonObject(raw: Buffer): { value: Record<string, unknown> } | { reason: string } {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return { reason: 'body: is not valid UTF-8' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { reason: `body: is not valid JSON (${(error as Error).message})` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const kind = Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed;
    return { reason: `body: must be a JSON object, not ${kind}` };
  }
  // Spread keeps an own "__proto__" key as data; it never reaches a prototype.
  return { value: { ...parsed } };
}

/**
 * The token rules shared by every endpoint that takes one, first failure wins: 41001 when no
 * token came; an issued component token that expired (42001, which wins over everything else)
 * or was superseded more than 5 minutes ago (40001); then the data's token table (unlisted
 * 40001, expired 42001, no-qbase 85088). Undefined when the token is accepted.
 * @example checkToken({ method: 'POST', accessToken: undefined, body: undefined }, state)?.errcode // 41001
 */
export function checkToken(call: ApiCall, state: ApiState, queryKeys = 'access_token'): Outcome | undefined {
  const token = call.accessToken;
  if (!token) return fail(state, 41001, `${queryKeys}: missing from the query string`);
  const issued = state.registry.state(token);
  if (issued === 'expired')
    return fail(state, 42001, 'access_token: an issued token past its expires_in on the mock clock');
  if (issued === 'superseded') {
    return fail(state, 40001, 'access_token: superseded by a newer token of the same component over 5 minutes ago');
  }
  if (issued === 'valid') return undefined;
  return checkListedToken(token, state);
}

/**
 * The data's token table alone (unlisted 40001, expired 42001, no-qbase 85088), for a token that
 * is neither an issued component token nor an issued authorizer token. Undefined when accepted.
 * @example checkListedToken('t', state) // undefined when the data lists no tokens
 */
export function checkListedToken(token: string, state: ApiState): Outcome | undefined {
  const listed = state.store.tokenState(token);
  if (listed === 'unlisted') return fail(state, 40001, 'access_token: not a listed token');
  if (listed === 'expired') return fail(state, 42001, 'access_token: listed as expired');
  if (listed === 'no-qbase') return fail(state, 85088, 'access_token: listed as no-qbase');
  return undefined;
}

/**
 * The first string of a query value (a repeated key gives an array).
 * @example firstString(['a', 'b']) // 'a'
 */
export function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.find((item): item is string => typeof item === 'string');
  return undefined;
}

/**
 * The token a request carries: the first non-empty of the given query keys, in order (so
 * `access_token` wins when both it and `component_access_token` are given).
 * @example readToken({ component_access_token: 't' }, ['access_token', 'component_access_token']) // 't'
 */
export function readToken(query: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = firstString(query[key]);
    if (value) return value;
  }
  return undefined;
}

/**
 * The request rules of the function-management endpoints, first failure wins: 43002, the token,
 * 44002, a body that is not a JSON object (47001), a required field absent or null (40101,
 * naming it), then the endpoint's schema (47001, naming the field). The typed body when all pass.
 * @example checkManagementRequest(call, state, isScfDeleteRequest, ['functionname', 'env'])
 */
export function checkManagementRequest<T>(
  call: ApiCall,
  state: ApiState,
  validate: Validator<T>,
  required: readonly string[],
): { request: T } | Outcome {
  if (call.method !== 'POST') return fail(state, 43002, `method: ${call.method} is not POST`);
  const refused = checkToken(call, state, 'access_token (or component_access_token)');
  if (refused) return refused;
  if (isEmptyBody(call.body)) return fail(state, 44002, 'body: empty');
  const parsed = parseJsonObject(call.body as Buffer);
  if ('reason' in parsed) return fail(state, 47001, parsed.reason);
  const missing = required.find((field) => parsed.value[field] === undefined || parsed.value[field] === null);
  if (missing) return fail(state, 40101, `${missing}: is required`);
  if (!validate(parsed.value)) return fail(state, 47001, formatIssues(describeErrors(validate.errors)));
  return { request: parsed.value };
}

/**
 * A success body with the given extra fields after errcode and errmsg, in that order.
 * @example okBody({ fail_env_list: [] }) // '{"errcode":0,"errmsg":"ok","fail_env_list":[]}'
 */
export function okBody(extra: Record<string, unknown> = {}): Outcome {
  return { errcode: 0, body: JSON.stringify({ errcode: 0, errmsg: 'ok', ...extra }) };
}
