// What the isolation specs share: a scope per test (from wechat-scf-kit/vitest) and plain calls to the API.
import { test as base } from 'vitest';
import { type MockScope, mockScopeFixture } from 'wechat-scf-kit/vitest';

/** A test with its own scope of the shared mock, cleaned up when it ends. */
export const test = base.extend<{ scope: MockScope }>({ scope: mockScopeFixture() });

/** One POST to the API: the HTTP status (null when the connection was dropped), the text and the parsed errcode. */
export async function post(
  url: string,
  body: unknown,
): Promise<{ status: number | null; text: string; errcode?: number; json?: Record<string, unknown> }> {
  try {
    const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
    const text = await res.text();
    try {
      const json = JSON.parse(text) as Record<string, unknown>;
      return { status: res.status, text, errcode: json.errcode as number | undefined, json };
    } catch {
      return { status: res.status, text };
    }
  } catch {
    return { status: null, text: '' };
  }
}

/** getscflist of the scope's env with a token (default: the scope's). */
export const list = (scope: MockScope, token = scope.token, env = scope.env) =>
  post(`${scope.url}/componenttcb/getscflist?access_token=${encodeURIComponent(token)}`, { env });
