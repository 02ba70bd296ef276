import type { ClientContext, ClientParams } from '../../contracts/client/adapter.js';
import type { ContractClient } from '../../contracts/client/vitest.js';

/** Ways to bend a correct client, one at a time, to show the kit's verdict on each. */
export interface Bends {
  /** Retries a transient failure (-1, -1000, HTTP 5xx, no answer) this many times. */
  retries?: number;
  /** Also retries these errcodes (which are not transient). */
  retryErrcodes?: number[];
  /** Sends null for the optionals the caller did not set. */
  nullOptionals?: boolean;
  /** Sends the JSON body with no Content-Type. */
  noContentType?: boolean;
  /** Refuses, without sending, a limit at or over this. */
  refuseLimitFrom?: number;
  /** Gives up after this many times the timeout it was given. */
  timeoutFactor?: number;
  /** Treats only errcode > 0 as a failure. */
  positiveErrcodeOnly?: boolean;
  /** Drops the " rid: …" suffix from errmsg. */
  stripRid?: boolean;
  /** Sends this instead of the token it was given. */
  token?: (given: string) => string;
  /** Keeps answers by parameters (only), and serves the kept one when a later call fails. */
  staleCache?: boolean;
  /** Keeps answers by parameters (only) and serves them without asking again. */
  cacheFirst?: boolean;
  /** Sends searchkey changed by this (trimmed, escaped, lower-cased…). */
  searchkey?: (given: string) => string;
}

class WechatError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`errcode ${errcode}: ${errmsg}`);
  }
}

/** A module-wide cache, as a careless client keeps one: keyed by the parameters alone. */
const shared = new Map<string, unknown>();

/**
 * A fetch client like the example one, with the given bends.
 * @example bentClient(context, { retries: 3 })
 */
export function bentClient(context: ClientContext, bends: Bends = {}): ContractClient {
  const once = async (params: ClientParams): Promise<unknown> => {
    const body: Record<string, unknown> = { ...params };
    if (bends.nullOptionals) for (const key of ['offset', 'limit', 'searchkey']) body[key] ??= null;
    if (bends.searchkey && params.searchkey !== undefined) body.searchkey = bends.searchkey(params.searchkey);
    if (bends.refuseLimitFrom !== undefined && (params.limit ?? 20) >= bends.refuseLimitFrom) {
      throw new Error(`limit ${params.limit} refused before sending`);
    }
    const token = bends.token ? bends.token(context.accessToken) : context.accessToken;
    const res = await fetch(`${context.baseUrl}/componenttcb/getscflist?access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
      ...(bends.noContentType ? {} : { headers: { 'Content-Type': 'application/json' } }),
      body: bends.noContentType ? new Blob([JSON.stringify(body)]) : JSON.stringify(body),
      signal: AbortSignal.timeout(context.timeoutMs * (bends.timeoutFactor ?? 1)),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    const answer = JSON.parse(text) as { errcode: number; errmsg: string };
    const failed = bends.positiveErrcodeOnly ? answer.errcode > 0 : answer.errcode !== 0;
    if (failed) {
      throw new WechatError(answer.errcode, bends.stripRid ? answer.errmsg.replace(/ rid: .*$/, '') : answer.errmsg);
    }
    return answer;
  };
  return {
    async getCloudFunctionList(params) {
      const key = JSON.stringify(params);
      if (bends.cacheFirst && shared.has(key)) return shared.get(key);
      for (let attempt = 0; ; attempt++) {
        try {
          const answer = await once(params);
          shared.set(key, answer);
          return answer;
        } catch (error) {
          const errcode = (error as { errcode?: number }).errcode;
          const transient = errcode === undefined || errcode === -1 || errcode === -1000;
          const retry = transient || bends.retryErrcodes?.includes(errcode);
          if (retry && attempt < (bends.retries ?? 0) && !String(error).includes('refused')) continue;
          if (bends.staleCache && shared.has(key)) return shared.get(key);
          throw error;
        }
      }
    },
  };
}
