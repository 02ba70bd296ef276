// What the stages of a server verification share: its options and results, the request budget, and the run's senders.
import type { ContractCall } from '../../generated/schemas.js';
import { API_PATHS, WECHAT_API_DOMAIN } from '../../mock-server/api-facts.js';
import type { CaseVariables } from '../cases.js';
import type { RawRequest, RawResponse } from '../http.js';
import type { CaseResult } from '../results.js';
import { shorten } from '../results.js';
import type { SharedRun } from './shared-mock.js';

/** Options of verifyServer. */
export interface VerifyServerOptions {
  /** The server, e.g. http://127.0.0.1:4020 or https://api.weixin.qq.com. */
  baseUrl: string;
  /** A token the server accepts. Needed for a server without the control API. */
  accessToken?: string;
  /** An env on the server. Needed for a server without the control API. */
  env?: string;
  /** Sent as `Authorization: Bearer T` on every control request, for a mock started with --control-token. */
  controlToken?: string;
  /** Only these case ids. */
  cases?: string[];
  /** Most requests sent in all (default: 60 to WeChat's own servers, *.weixin.qq.com; 2000 to any other). */
  maxRequests?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /**
   * The mock is the kit's alone: arrange state by replacing the data and resetting, and run the
   * checks that need the whole mock. Default false: the kit shares the mock politely, arranging only
   * its own uniquely named envs, tokens, components and matched faults, and removing them after.
   */
  exclusive?: boolean;
}

/** How much of an env's listing the observation checks read. */
export interface ListingCoverage {
  env: string;
  /** Functions read. */
  seen: number;
  /** total_count as the server reported it. */
  total: number;
  complete: boolean;
  /** The page size it was read with. */
  pageLimit: number;
  /** True when the kit arranged the env through the control API. */
  arranged: boolean;
}

/** What a server verification found. */
export interface ServerVerification {
  /** False when the server did not answer at all (then no case ran). */
  reachable: boolean;
  unreachableBecause?: string;
  control: boolean;
  /** Set when the server has a control API that refused the kit (no or a wrong control token): nothing ran. */
  controlRefused?: string;
  results: CaseResult[];
  requestsSent: number;
  /** How much of the listing the observation checks saw. */
  listing?: ListingCoverage;
  /** Set when the kit shared the mock: the suffix of every name it arranged (all removed after). */
  shared?: { suffix: string };
  /** Set when the control API has no per-test routes, so the kit used the mock whole: why. */
  unshareable?: string;
}

/**
 * The default request budget: small for WeChat's own servers, whose daily quota per account it
 * protects; large for any other (this mock or another fake, on loopback or reached by a service name
 * such as http://wechat-mock:4020), where reading an env of up to ~190,000 functions is cheap.
 * @example defaultBudget('http://wechat-mock:4020') // 2000; defaultBudget('https://api.weixin.qq.com') // 60
 */
export function defaultBudget(baseUrl: string): number {
  const host = new URL(baseUrl).hostname.toLowerCase().replace(/\.$/, '');
  return host === WECHAT_API_DOMAIN || host.endsWith(`.${WECHAT_API_DOMAIN}`) ? 60 : 2000;
}

/** The requests a run may still send; every request to the server takes one. */
export class Budget {
  sent = 0;
  constructor(readonly limit: number) {}
  take(): boolean {
    if (this.sent >= this.limit) return false;
    this.sent += 1;
    return true;
  }
  get left(): number {
    return this.limit - this.sent;
  }
}

/** One run of verifyServer, as its stages see it. */
export interface ServerRun {
  options: VerifyServerOptions;
  timeoutMs: number;
  /** True when the server has the kit's control API (this mock, or a fake that implements it). */
  controlApi: boolean;
  vars: CaseVariables;
  budget: Budget;
  /** Sends a request to the API, within the budget. */
  send(request: RawRequest): Promise<RawResponse>;
  /** Sends a control request; throws when it is not answered with a 2xx. */
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  /** True for the check ids the user asked for (all of them when none were named). */
  selected(id: string): boolean;
  /** Every WeChat answer the run received, for the Content-Type check. */
  answers: { id: string; response: RawResponse }[];
  /** Set when the run shares the mock: it arranges only its own names, one item at a time. */
  shared?: SharedRun;
}

/** The getscflist request for a contract call, against the given server. */
export function buildRequest(baseUrl: string, call: ContractCall): RawRequest {
  const url = new URL(API_PATHS.getscflist, baseUrl);
  for (const [key, value] of Object.entries(call.query ?? {})) url.searchParams.set(key, value);
  const body = call.raw_body ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
  const headers: Record<string, string> = {};
  if (call.content_type ?? body !== undefined) headers['Content-Type'] = call.content_type ?? 'application/json';
  return { method: call.method ?? 'POST', url: url.toString(), headers, body };
}

/** A server's answer (or its absence) in a line, for a report. */
export function describeAnswer(res: RawResponse): string {
  return res.kind === 'error' ? `no answer (${res.message})` : `HTTP ${res.status} ${shorten(res.text, 300)}`;
}
