// api_authorizer_token's rules: the component token, the fields, then an authorizer token issued on the mock clock.
import {
  type ApiCall,
  type ApiState,
  checkToken,
  fail,
  isEmptyBody,
  type Outcome,
  parseJsonObject,
} from './request-rules.js';

const FIELDS = ['component_appid', 'authorizer_appid', 'authorizer_refresh_token'] as const;

/**
 * api_authorizer_token's rules, first failure wins: 43002; the component token as getscflist checks
 * it (41001/40001/42001/85088), and 61014 for an authorizer token sent in its place; 44002; 47001
 * (not a JSON object, or a field that is neither a string nor null); 41018 (no component_appid);
 * 40101 (no authorizer_appid, or no authorizer_refresh_token key); 40013 (component_appid not in
 * the data's components under component_check "listed", or not the component the token was issued to); then the authorizer
 * (61003 unlisted, 61023 wrong refresh token; see AuthorizerRegistry.issue). A success is
 * `{"authorizer_access_token":"…","expires_in":7200,"authorizer_refresh_token":"…"}` with no
 * errcode, the refresh token as sent.
 * @example answerAuthorizerToken({ method: 'POST', accessToken: undefined, body: undefined }, state).errcode // 41001
 */
export function answerAuthorizerToken(call: ApiCall, state: ApiState): Outcome {
  if (call.method !== 'POST') return fail(state, 43002, `method: ${call.method} is not POST`);
  const token = call.accessToken;
  if (token && state.authorizers.lookup(token)) {
    return fail(state, 61014, 'component_access_token: an authorizer_access_token, not a component token');
  }
  const refused = checkToken(call, state, 'component_access_token (or access_token)');
  if (refused) return refused;
  if (isEmptyBody(call.body)) return fail(state, 44002, 'body: empty');
  const parsed = parseJsonObject(call.body as Buffer);
  if ('reason' in parsed) return fail(state, 47001, parsed.reason);
  const body = parsed.value;
  for (const field of FIELDS) {
    const value = body[field];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      return fail(state, 47001, `${field}: must be string`);
    }
  }
  const text = (field: (typeof FIELDS)[number]) => (typeof body[field] === 'string' ? (body[field] as string) : '');
  const component = text('component_appid');
  const authorizer = text('authorizer_appid');
  if (!component) return fail(state, 41018, 'component_appid: missing or empty');
  if (!authorizer) return fail(state, 40101, 'authorizer_appid: missing or empty');
  // A key sent as null or "" is a refresh token the client lost (61023); no key at all is a missing parameter.
  if (!Object.hasOwn(body, 'authorizer_refresh_token')) {
    return fail(state, 40101, 'authorizer_refresh_token: missing');
  }
  // The mode, not the list's size, as api_component_token: listing one component never changes how another appid is answered.
  if (state.registry.componentCheck === 'listed' && !state.registry.appids().includes(component)) {
    return fail(state, 40013, `component_appid: ${component} is not in components`);
  }
  const owner = token ? state.registry.appidOf(token) : undefined;
  if (owner !== undefined && owner !== component) {
    return fail(state, 40013, `component_appid: ${component}, but the token was issued to ${owner}`);
  }
  const issued = state.authorizers.issue({
    component_appid: component,
    authorizer_appid: authorizer,
    authorizer_refresh_token: text('authorizer_refresh_token'),
  });
  if ('errcode' in issued) return fail(state, issued.errcode, issued.reason);
  return { errcode: 0, body: JSON.stringify(issued) };
}
