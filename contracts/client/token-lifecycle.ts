// The client kit's token-lifecycle cases (opt-in): a client that gets its own component_access_token and renews it.
import { createHash } from 'node:crypto';
import type { MockFault } from '../../generated/schemas.js';
import { API_PATHS, TOKEN_EXPIRES_S, TOKEN_OVERLAP_S } from '../../mock-server/api-facts.js';
import { recordedErrmsgs } from '../../mock-server/error-codes.js';
import { type RunningMock, startMockServer } from '../../mock-server/server.js';
import type { JournalEntry } from '../../mock-server/state/journal.js';
import { type CaseResult, shorten } from '../results.js';
import type { ClientContext, ClientInvoker, ClientOutcome, ClientParams, ComponentCredentials } from './adapter.js';

/**
 * Turns a client invoker into what the lifecycle cases call: no token in the context, the
 * component's credentials instead (for a program: WECHAT_COMPONENT_APPID,
 * WECHAT_COMPONENT_APPSECRET and WECHAT_COMPONENT_VERIFY_TICKET, and no WECHAT_ACCESS_TOKEN).
 * @example await runLifecycleContract(lifecycleCall(processClient('python3', ['main.py'])))
 */
export function lifecycleCall(invoke: ClientInvoker): LifecycleCall {
  return (context, params, signal) =>
    invoke(
      { baseUrl: context.baseUrl, accessToken: '', timeoutMs: context.timeoutMs, component: context.component },
      params,
      signal,
    );
}

/** What a client is given in a token-lifecycle case: no token, but the means to get one. */
export type LifecycleContext = Omit<ClientContext, 'accessToken' | 'component'> & { component: ComponentCredentials };

/** Calls a client once with the given credentials; the signal aborts a call the kit gave up on. */
export type LifecycleCall = (
  context: LifecycleContext,
  params: ClientParams,
  signal: AbortSignal,
) => Promise<ClientOutcome>;

/** What one call of a case must end in: a result, or the WeChat failure with this errcode, or a transport failure. */
type Expected = 'result' | 'transport-failure' | number;

/**
 * A step of a case: a client call (for a program, one run of it), or something that happens at
 * WeChat between calls: the clock moves, another process fetches a token, a fault is queued, or
 * WeChat pushes a new ticket, which the client is given from the next call on (as a platform's
 * callback would store it) while the one it had stops being current.
 */
type Step =
  | { call: ClientParams; expect: Expected }
  | { advance_s: number }
  | { another_process_refreshes: true }
  | { fault: MockFault }
  | { push_ticket: true };

/** One token-lifecycle case. */
export interface LifecycleCase {
  id: string;
  title: string;
  steps: Step[];
  /** The ticket the client is given differs from the component's current one. */
  staleTicket?: true;
  /** Token requests the client sends in all (a number, or at most this many). */
  tokenRequests: number | { atMost: number };
  /** getscflist requests the client sends in all (a number, or a range where a client may or may not try a token it still holds). */
  apiRequests: number | { atLeast: number; atMost: number };
}

const ENV = 'lifecycle-env';
/** The longest wording of 40001 the errcode catalogue records (WeChat's text since about 2023). */
const LATER_40001 = recordedErrmsgs(40001).reduce((a, b) => (b.length > a.length ? b : a));
const list = (expect: Expected, env = ENV): Step => ({ call: { env }, expect });

/**
 * The token-lifecycle cases (opt-in: `verify-client --token-lifecycle`, or `tokenLifecycle` in
 * describeClientContract). The client gets its own token from api_component_token, caches it,
 * refreshes once and retries once when WeChat refuses it, and never loops.
 * @example LIFECYCLE_CASES.map((c) => c.id) // ['GSL-LIFE-001', …]
 */
export const LIFECYCLE_CASES: readonly LifecycleCase[] = [
  {
    id: 'GSL-LIFE-001',
    title: 'the client fetches one token and reuses it for every call',
    steps: [list('result'), list('result'), list('result')],
    tokenRequests: 1,
    apiRequests: 3,
  },
  {
    id: 'GSL-LIFE-002',
    title:
      'a token expired on the clock (42001) is replaced once and the call retried once; the next run uses the new token',
    steps: [list('result'), { advance_s: TOKEN_EXPIRES_S }, list('result'), list('result')],
    tokenRequests: 2,
    apiRequests: 4,
  },
  {
    id: 'GSL-LIFE-003',
    title:
      'a token superseded by another process (40001) is replaced once and the call retried once; the next run uses the new token',
    steps: [
      list('result'),
      { another_process_refreshes: true },
      { advance_s: TOKEN_OVERLAP_S + 1 },
      list('result'),
      list('result'),
    ],
    tokenRequests: 2,
    apiRequests: 4,
  },
  {
    id: 'GSL-LIFE-004',
    title: 'a fresh token refused again with 42001 is surfaced after one retry, not looped on',
    steps: [{ fault: { errcode: 42001, path: API_PATHS.getscflist, times: 50 } }, list(42001)],
    tokenRequests: 2,
    apiRequests: 2,
  },
  {
    id: 'GSL-LIFE-005',
    title: 'a fresh token refused again with 40001 is surfaced after one retry, not looped on',
    steps: [{ fault: { errcode: 40001, path: API_PATHS.getscflist, times: 50 } }, list(40001)],
    tokenRequests: 2,
    apiRequests: 2,
  },
  {
    id: 'GSL-LIFE-006',
    title: 'a token request refused (61006, a stale ticket) is surfaced, not retried, and no API call is made',
    steps: [list(61006)],
    staleTicket: true,
    tokenRequests: 1,
    apiRequests: 0,
  },
  {
    id: 'GSL-LIFE-007',
    title: 'an API error that is not about the token (40097) is surfaced without a new token',
    steps: [list(40097, 'no-such-env')],
    tokenRequests: 1,
    apiRequests: 1,
  },
  {
    id: 'GSL-LIFE-008',
    title: 'a token request that gets no WeChat answer (HTTP 502) is a transport failure, and no API call is made',
    steps: [{ fault: { http_status: 502, path: API_PATHS.componentToken, times: 50 } }, list('transport-failure')],
    tokenRequests: { atMost: 4 },
    apiRequests: 0,
  },
  {
    id: 'GSL-LIFE-009',
    title:
      'a ticket WeChat pushed between runs is the one the next token request carries (not a ticket cached from an earlier run)',
    steps: [list('result'), { push_ticket: true }, { advance_s: TOKEN_EXPIRES_S }, list('result'), list('result')],
    tokenRequests: 2,
    // A program that kept its token tries it first (42001, then a new one); a fresh client object fetches at once.
    apiRequests: { atLeast: 3, atMost: 4 },
  },
  {
    id: 'GSL-LIFE-010',
    title:
      "a token refused with WeChat's longer 40001 text (sent since about 2023) is replaced once and the call retried once: the errcode decides, not the text",
    steps: [
      list('result'),
      { fault: { errcode: 40001, errmsg: LATER_40001, path: API_PATHS.getscflist } },
      list('result'),
      list('result'),
    ],
    tokenRequests: 2,
    apiRequests: 4,
  },
];

/**
 * The credentials of a case: a different appid per case, so a token cached by an earlier case
 * (in memory or on disk) is never the one this case's mock issued.
 * @example credentialsFor(LIFECYCLE_CASES[0]).appid // 'wxlifecycle00001'
 */
export function credentialsFor(c: LifecycleCase): ComponentCredentials {
  const n = c.id.slice(-3);
  return { appid: `wxlifecycle00${n}`, secret: `lifecycle-secret-${n}`, ticket: `ticket@@@lifecycle-${n}` };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function describeOutcome(outcome: ClientOutcome): string {
  if (outcome.kind === 'result') return `a result ${shorten(outcome.value, 120)}`;
  if (outcome.kind === 'wechat-failure') return `the WeChat failure errcode ${String(outcome.errcode)}`;
  if (outcome.kind === 'transport-failure') return `a transport failure (${outcome.message})`;
  return `no usable answer (${outcome.message})`;
}

function describeExpected(expected: Expected): string {
  if (expected === 'result') return 'a result';
  if (expected === 'transport-failure') return 'a transport failure';
  return `the WeChat failure errcode ${expected}`;
}

function matches(outcome: ClientOutcome, expected: Expected): boolean {
  if (expected === 'result') return outcome.kind === 'result';
  if (expected === 'transport-failure') return outcome.kind === 'transport-failure';
  return outcome.kind === 'wechat-failure' && outcome.errcode === expected;
}

/** What the client sent, read from the mock's journal and token registry once the case is over. */
function checkRequests(c: LifecycleCase, mock: RunningMock, entries: readonly JournalEntry[]): string[] {
  const problems: string[] = [];
  const tokens = entries.filter((e) => e.path === API_PATHS.componentToken);
  const calls = entries.filter((e) => e.path === API_PATHS.getscflist);
  const wanted = c.tokenRequests;
  if (typeof wanted === 'number' && tokens.length !== wanted) {
    problems.push(
      `the client sent ${tokens.length} token requests, expected ${wanted}${tokens.length > wanted ? ' (it fetches a token it already has, or retries a refusal)' : ''}`,
    );
  } else if (typeof wanted === 'object' && tokens.length > wanted.atMost) {
    problems.push(`the client sent ${tokens.length} token requests, expected at most ${wanted.atMost}`);
  }
  const api = typeof c.apiRequests === 'number' ? { atLeast: c.apiRequests, atMost: c.apiRequests } : c.apiRequests;
  if (calls.length < api.atLeast || calls.length > api.atMost) {
    const loop =
      calls.length > api.atMost ? ' (a refused token must be refreshed and the call retried once, then surfaced)' : '';
    const wanted = api.atLeast === api.atMost ? `${api.atLeast}` : `${api.atLeast} to ${api.atMost}`;
    problems.push(`the client sent ${calls.length} getscflist requests, expected ${wanted}${loop}`);
  }
  // Each call must carry the newest token the client had been given by then.
  const issuedToClient = new Map(mock.registry.list().map((t) => [sha256(t.component_access_token), t] as const));
  let latest: string | undefined;
  for (const entry of entries) {
    // The journal keeps an issued token cut; its hash says which one it was.
    if (entry.path === API_PATHS.componentToken && entry.issued_token_sha256) latest = entry.issued_token_sha256;
    if (entry.path !== API_PATHS.getscflist) continue;
    if (!entry.access_token_sha256) {
      problems.push(`getscflist request ${entry.seq} carried no token in the query string`);
    } else if (!issuedToClient.has(entry.access_token_sha256)) {
      problems.push(`getscflist request ${entry.seq} carried a token api_component_token never issued`);
    } else if (entry.access_token_sha256 !== latest) {
      problems.push(`getscflist request ${entry.seq} carried an older token than the one the client last fetched`);
    }
  }
  return problems;
}

/** Options of runLifecycleCase and runLifecycleContract. */
export interface LifecycleOptions {
  /** The timeout the client is given (default 1000 ms). */
  timeoutMs?: number;
}

/**
 * Runs one token-lifecycle case on a mock of its own: arranges the component, runs its steps
 * (client calls, the clock, another process refreshing, faults), and checks the outcomes and
 * every request the client sent.
 * @example await runLifecycleCase(LIFECYCLE_CASES[0], call)
 */
export async function runLifecycleCase(
  c: LifecycleCase,
  call: LifecycleCall,
  options: LifecycleOptions = {},
): Promise<CaseResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 1000;
  const credentials = credentialsFor(c);
  let given = c.staleTicket ? { ...credentials, ticket: `${credentials.ticket}-stale` } : credentials;
  let pushes = 0;
  const mock = await startMockServer({
    data: {
      // A listed token turns token checking on, so a token the client did not get from the mock is refused.
      tokens: { 'lifecycle-listed-token': 'valid' },
      components: { [credentials.appid]: { secret: credentials.secret, ticket: credentials.ticket } },
      envs: { [ENV]: { generate: 30 } },
    },
  });
  const problems: string[] = [];
  let stderr: string | undefined;
  try {
    for (const [index, step] of c.steps.entries()) {
      if ('advance_s' in step) mock.clock.advance(step.advance_s);
      if ('fault' in step) mock.faults.add(step.fault);
      if ('push_ticket' in step) {
        pushes += 1;
        const ticket = `${credentials.ticket}-pushed-${pushes}`;
        mock.registry.pushTicket(credentials.appid, ticket);
        given = { ...given, ticket };
      }
      if ('another_process_refreshes' in step) {
        mock.registry.issue({
          component_appid: credentials.appid,
          component_appsecret: credentials.secret,
          component_verify_ticket: given.ticket,
        });
      }
      if (!('call' in step)) continue;
      // A call that does not end is stopped: a refresh loop, or a client ignoring its timeout.
      const limitMs = 10 * timeoutMs + 10_000;
      const signal = AbortSignal.timeout(limitMs);
      const context: LifecycleContext = { baseUrl: mock.url, timeoutMs, component: given };
      const outcome = await Promise.race([
        call(context, step.call, signal),
        new Promise<ClientOutcome>((resolve) =>
          signal.addEventListener('abort', () =>
            resolve({ kind: 'broken', message: `did not end within ${limitMs} ms (a refresh or retry loop?)` }),
          ),
        ),
      ]);
      if (outcome.stderr) stderr = outcome.stderr;
      if (!matches(outcome, step.expect)) {
        problems.push(
          `call ${index + 1}: the client gave ${describeOutcome(outcome)}, expected ${describeExpected(step.expect)}`,
        );
        break;
      }
      if (outcome.kind === 'wechat-failure' && typeof outcome.errmsg === 'string') {
        const sent = mock.journal.snapshot().requests.at(-1)?.answer;
        const errmsg = sent ? (JSON.parse(sent) as { errmsg?: string }).errmsg : undefined;
        if (errmsg !== undefined && outcome.errmsg !== errmsg)
          problems.push(
            `call ${index + 1}: the client surfaced errmsg ${JSON.stringify(outcome.errmsg)}, the server sent ${JSON.stringify(errmsg)}`,
          );
      }
    }
    problems.push(...checkRequests(c, mock, mock.journal.snapshot().requests));
  } finally {
    await mock.close();
  }
  const durationMs = Math.round(performance.now() - started);
  const base = { id: c.id, title: c.title, durationMs };
  return problems.length === 0
    ? { ...base, status: 'pass' }
    : { ...base, status: 'fail', problems, ...(stderr ? { stderr } : {}) };
}

/**
 * Runs every token-lifecycle case (or those named) against a client, one after another.
 * @example const results = await runLifecycleContract(call, { timeoutMs: 1000 });
 */
export async function runLifecycleContract(
  call: LifecycleCall,
  options: LifecycleOptions & { cases?: readonly string[]; onResult?: (result: CaseResult) => void } = {},
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of LIFECYCLE_CASES) {
    if (options.cases && !options.cases.includes(c.id)) continue;
    const result = await runLifecycleCase(c, call, options);
    options.onResult?.(result);
    results.push(result);
  }
  return results;
}
