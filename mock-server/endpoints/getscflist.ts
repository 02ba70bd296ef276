// getCloudFunctionList's rules: the token, the body's schema, the env, then one page of the listing.
import { DEFAULT_LIMIT } from '../api-facts.js';
import { describeErrors, formatIssues, isGetScfListRequest, REQUEST_FIELDS } from '../validation.js';
import {
  type ApiCall,
  type ApiState,
  checkToken,
  fail,
  isEmptyBody,
  type Outcome,
  parseJsonObject,
} from './request-rules.js';

const OPTIONAL_FIELDS = ['offset', 'limit', 'searchkey'] as const;

/** Parses and normalises the body: null optionals are absent and searchKey is an alias of searchkey. */
function parseBody(raw: Buffer): { value: Record<string, unknown> } | { reason: string } {
  const parsed = parseJsonObject(raw);
  if ('reason' in parsed) return parsed;
  const value = parsed.value;
  if ((value.searchkey === undefined || value.searchkey === null) && value.searchKey !== undefined) {
    value.searchkey = value.searchKey;
  }
  delete value.searchKey;
  for (const field of OPTIONAL_FIELDS) if (value[field] === null) delete value[field];
  return { value };
}

/**
 * getscflist's rules, first failure wins: 43002, the token (41001/40001/42001/85088), 44002,
 * 47001, env (85088/40097), then the page.
 * @example answerGetScfList({ method: 'GET', accessToken: 't', body: undefined }, mock.app.mock).errcode // 43002
 */
export function answerGetScfList(call: ApiCall, state: ApiState): Outcome {
  const { settings, store } = state;
  if (call.method !== 'POST') return fail(state, 43002, `method: ${call.method} is not POST`);
  const refused = checkToken(call, state, 'access_token (or component_access_token)');
  if (refused) return refused;

  if (isEmptyBody(call.body)) return fail(state, 44002, 'body: empty');
  const parsed = parseBody(call.body as Buffer);
  if ('reason' in parsed) return fail(state, 47001, parsed.reason);
  const body = parsed.value;
  if (settings.strict) {
    const unknown = Object.keys(body).filter((key) => !REQUEST_FIELDS.has(key));
    if (unknown.length > 0) return fail(state, 47001, `${unknown[0]}: unknown field (--strict)`);
  }
  if (!isGetScfListRequest(body)) {
    return fail(state, 47001, formatIssues(describeErrors(isGetScfListRequest.errors)));
  }
  const limit = body.limit ?? DEFAULT_LIMIT;
  if (limit > settings.maxLimit) return fail(state, 47001, `limit: must be <= ${settings.maxLimit}`);

  const env = store.getEnv(body.env);
  if (env && !env.qbase) return fail(state, 85088, `env: ${body.env} has qbase false`);
  if (!env) {
    if (settings.unknownEnv === 'empty') return { errcode: 0, body: successBody(0, []) };
    const errcode = settings.unknownEnv === 'no-qbase' ? 85088 : 40097;
    return fail(state, errcode, `env: ${body.env} is not in the data`);
  }
  const { total_count, functions } = store.listFunctions(env, {
    offset: body.offset ?? 0,
    limit,
    searchkey: body.searchkey,
  });
  // A stored function's JSON is the same on every read (a change stores a new one), nor does this page's array change.
  return {
    errcode: 0,
    body: successBody(total_count, functions),
    bodyAgain: () => successBody(total_count, functions),
  };
}

/** The success body in the real key order, from each stored function's wire JSON. */
function successBody(totalCount: number, functions: readonly { json: string }[]): string {
  let list = '';
  for (let i = 0; i < functions.length; i++) list += i === 0 ? functions[i].json : `,${functions[i].json}`;
  return `{"errcode":0,"errmsg":"ok","total_count":${totalCount},"functions":[${list}]}`;
}
