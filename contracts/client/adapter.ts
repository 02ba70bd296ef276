// The client adapter's terms: what the kit gives a client, how a call may end, and the invoker that calls it.
import type { GetScfListRequest } from '../../generated/schemas.js';

/** A third-party platform's credentials, for a client that gets its own component_access_token. */
export interface ComponentCredentials {
  appid: string;
  secret: string;
  /** The component_verify_ticket WeChat would have pushed. */
  ticket: string;
}

/**
 * What gets a platform an authorizer's token, for a client that calls a cloud function: its
 * component appid and a component token, and the authorizer's appid and refresh token.
 */
export interface AuthorizerCredentials {
  componentAppid: string;
  componentAccessToken: string;
  /** The authorizer_appid. */
  appid: string;
  /** The authorizer_refresh_token. */
  refreshToken: string;
}

/** What a client is given: where the API is, the token to use, and how long to wait for an answer. */
export interface ClientContext {
  /** Use in place of https://api.weixin.qq.com. */
  baseUrl: string;
  /** Empty in the token-lifecycle cases: the client gets its own token with `component`. */
  accessToken: string;
  /** Only in the token-lifecycle cases (opt-in): get a token from api_component_token with these. */
  component?: ComponentCredentials;
  /** Only in the invoke cases (opt-in): get an authorizer token from api_authorizer_token with these. */
  authorizer?: AuthorizerCredentials;
  /** Only in the deploy cases (opt-in): wait this long between two getscflist polls of an env, give up after that. */
  deploy?: { pollIntervalMs: number; deployTimeoutMs: number };
  /** Give up on an answer after this many milliseconds (a transport failure). */
  timeoutMs: number;
}

/** The parameters of one getCloudFunctionList call: the request body's fields, as the request schema defines them. */
export type ClientParams = Pick<GetScfListRequest, 'env' | 'offset' | 'limit' | 'searchkey'>;

/**
 * How a client call ended, in the client's own terms: a result (success), a surfaced WeChat
 * failure (errcode, errmsg), a transport failure, or broken: no usable answer at all (a
 * protocol error, hung, killed).
 */
export type ClientOutcome = { stderr?: string } & (
  | { kind: 'result'; value: unknown }
  | { kind: 'wechat-failure'; errcode: unknown; errmsg?: unknown; message?: string }
  | { kind: 'transport-failure'; message: string }
  | { kind: 'broken'; message: string }
);

/**
 * Calls a client once; the kit's side of the adapter. The signal aborts a call the kit gave up
 * on (a retry loop without end). startCase is called before each case (client objects of the last
 * case are forgotten), close after the run.
 */
export interface ClientInvoker {
  (context: ClientContext, params: ClientParams, signal?: AbortSignal): Promise<ClientOutcome>;
  startCase?(): void;
  close?(): Promise<void>;
}

/**
 * The program could not be started at all (missing, not executable, its interpreter missing):
 * a problem with the command line, not a verdict on the client.
 * @example if (error instanceof CannotRunError) console.error(error.message)
 */
export class CannotRunError extends Error {}
