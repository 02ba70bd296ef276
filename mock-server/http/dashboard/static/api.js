// Every read and change goes through the mock's control API, the same one tests and curl use.

const PREFIX = '/__mock';
const TOKEN_KEY = 'wechat-scf-kit.control-token';

/** A control API refusal, with the API's own message and issues. */
export class ApiError extends Error {
  constructor(status, message, issues = []) {
    super(message);
    this.status = status;
    this.issues = issues;
  }
}

let unauthorized = () => {};

/** What to do when the control API refuses the token (ask for it again). */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

/** Whether the server said, in the page itself, that it wants a control token. */
export function tokenRequired() {
  return document.querySelector('meta[name="control-token"]')?.getAttribute('content') === 'token-required';
}

/** The control token for this tab only: sessionStorage dies with the tab. */
export function savedToken() {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function saveToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * Calls the control API. Bodies are always JSON, and every request that may carry one says so.
 * @example await control('POST', '/faults', { errcode: -1 })
 */
export async function control(method, path, body) {
  const headers = { Accept: 'application/json' };
  const token = savedToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (method !== 'GET') headers['Content-Type'] = 'application/json';
  const res = await fetch(`${PREFIX}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (res.status === 401) unauthorized();
  if (!res.ok) {
    const message = data?.error ?? `HTTP ${res.status} from ${method} ${PREFIX}${path}`;
    throw new ApiError(res.status, message, data?.issues ?? []);
  }
  return data;
}

/** One line for a refusal: the message, then each issue as path: message. */
export function describeError(error) {
  if (error instanceof ApiError) {
    const issues = error.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    return issues && !error.message.includes(issues) ? `${error.message} (${issues})` : error.message;
  }
  return `the mock did not answer (${error.message})`;
}
