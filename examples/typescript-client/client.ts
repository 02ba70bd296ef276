/**
 * A small getCloudFunctionList client using fetch: the example the contract kit verifies.
 * A WeChat failure (errcode != 0 in an HTTP 200 body) rejects with WechatApiError; anything
 * else that is not a WeChat answer (HTTP error, broken JSON, no answer in time) with TransportError.
 */
import type { GetScfListRequest, GetScfListSuccess } from 'wechat-scf-kit';

/** WeChat answered, with errcode != 0. */
export class WechatApiError extends Error {
  readonly errcode: number;
  readonly errmsg: string;
  constructor(errcode: number, errmsg: string) {
    super(`WeChat errcode ${errcode}: ${errmsg}`);
    this.name = 'WechatApiError';
    this.errcode = errcode;
    this.errmsg = errmsg;
  }
}

/** No WeChat answer: the request failed, timed out, or the answer was not WeChat JSON. */
export class TransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface ScfClientOptions {
  accessToken: string;
  /** Default https://api.weixin.qq.com; point it at the mock in tests. */
  baseUrl?: string;
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** For tests: a fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

/**
 * @example
 * const client = createScfClient({ accessToken: token });
 * const { total_count, functions } = await client.getCloudFunctionList({ env: 'prod-1', limit: 50 });
 */
export function createScfClient(options: ScfClientOptions) {
  const baseUrl = options.baseUrl ?? 'https://api.weixin.qq.com';
  const timeoutMs = options.timeoutMs ?? 10_000;
  const send = options.fetch ?? fetch;
  return {
    async getCloudFunctionList(params: GetScfListRequest): Promise<GetScfListSuccess> {
      const url = `${baseUrl}/componenttcb/getscflist?access_token=${encodeURIComponent(options.accessToken)}`;
      let text: string;
      try {
        const res = await send(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(params),
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await res.text();
        if (res.status !== 200) throw new TransportError(`HTTP ${res.status}`);
      } catch (error) {
        if (error instanceof TransportError) throw error;
        throw new TransportError(`request failed: ${(error as Error).message}`);
      }
      let body: { errcode?: unknown; errmsg?: unknown };
      try {
        body = JSON.parse(text);
      } catch {
        throw new TransportError(`the answer is not JSON: ${text.slice(0, 80)}`);
      }
      if (typeof body?.errcode !== 'number') throw new TransportError('the answer has no numeric errcode');
      if (body.errcode !== 0) throw new WechatApiError(body.errcode, String(body.errmsg));
      return body as GetScfListSuccess;
    },
  };
}
