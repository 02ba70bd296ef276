// The client kit's checks of one call: what the client sent, how many requests, and what it reported against the answer.
import { createHash } from 'node:crypto';
import { API_PATHS, DEFAULT_LIMIT } from '../../mock-server/api-facts.js';
import type { RunningMock } from '../../mock-server/server.js';
import type { JournalEntry } from '../../mock-server/state/journal.js';
import { isGetScfListRequest, REQUEST_FIELDS } from '../../mock-server/validation.js';
import { firstDifference } from '../compare.js';
import { checkInvariant, checkWechatBody, readWechatAnswer } from '../expectations.js';
import { sendRaw } from '../http.js';
import { shorten } from '../results.js';
import type { ClientOutcome, ClientParams } from './adapter.js';
import type { PlannedCall } from './call-plan.js';
import { answerOf, isCutShort, type ServerAnswer } from './server-answer.js';
import { MAX_ATTEMPTS, MAX_RETRIES } from './timing.js';

const TRANSIENT_ERRCODES = new Set([-1, -1000]);
const DEFAULTS: Record<string, unknown> = { offset: 0, limit: DEFAULT_LIMIT, searchkey: '' };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** True when the server would refuse these parameters with 47001, so a client may refuse them itself. */
export function refusable(params: ClientParams, maxLimit: number): boolean {
  return !isGetScfListRequest({ ...params }) || (params.limit ?? DEFAULT_LIMIT) > maxLimit;
}

/** Checks what a client sent for one call, from the mock's journal: problems, and warnings for accepted choices. */
export function checkSent(requests: readonly JournalEntry[], params: ClientParams, token: string) {
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const [index, request] of requests.entries()) {
    const at = requests.length > 1 ? `request ${index + 1}: ` : '';
    if (request.method !== 'POST') problems.push(`${at}method ${request.method}, expected POST`);
    if (request.path !== API_PATHS.getscflist)
      problems.push(`${at}path ${request.path}, expected ${API_PATHS.getscflist}`);
    if (request.access_token_sha256 === undefined) problems.push(`${at}no access_token in the query string`);
    else if (request.access_token_sha256 !== sha256(token)) {
      problems.push(
        `${at}the access_token in the query is not the whole token the client was given (compared exactly; it starts ${JSON.stringify(request.query.access_token)})`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(request.body ?? '');
    } catch {
      problems.push(
        `${at}the body is not JSON (Content-Type ${JSON.stringify(request.content_type)}): ${shorten(request.body, 120)}`,
      );
      continue;
    }
    if (!/^application\/json\s*(;|$)/i.test(request.content_type ?? '')) {
      warnings.push(
        `${at}the JSON body was sent with ${request.content_type === null ? 'no Content-Type' : `Content-Type ${JSON.stringify(request.content_type)}`}; application/json is safer (the mock reads JSON whatever the header says; the real API is not known to need it)`,
      );
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      problems.push(`${at}the body is ${shorten(body, 80)}, not a JSON object`);
      continue;
    }
    const fields = { ...(body as Record<string, unknown>) };
    if ('access_token' in fields)
      problems.push(`${at}access_token is in the body; it belongs in the query string only`);
    for (const key of Object.keys(fields)) {
      if (!REQUEST_FIELDS.has(key) && key !== 'access_token')
        problems.push(`${at}the body has a field the API does not define: ${key}`);
    }
    const nulls = ['offset', 'limit', 'searchkey'].filter((key) => fields[key] === null);
    if (nulls.length > 0) {
      warnings.push(
        `${at}sent null for ${nulls.join(', ')} where the caller gave no value; leaving the field out is safer (the mock reads null as absent)`,
      );
      for (const key of nulls) delete fields[key];
    }
    const { access_token: _token, ...request_fields } = fields;
    if (!isGetScfListRequest(request_fields)) {
      const first = isGetScfListRequest.errors?.[0];
      problems.push(
        `${at}the body breaks the request schema: ${first?.instancePath.slice(1) || 'body'} ${first?.message}`,
      );
    }
    for (const key of REQUEST_FIELDS) {
      const given = (params as unknown as Record<string, unknown>)[key];
      if (given !== undefined && fields[key] !== given) {
        problems.push(`${at}${key} sent as ${JSON.stringify(fields[key])}, expected ${JSON.stringify(given)}`);
      } else if (given === undefined && key in fields && fields[key] !== DEFAULTS[key]) {
        problems.push(`${at}${key} sent as ${JSON.stringify(fields[key])} although the caller did not set it`);
      }
    }
  }
  return { problems, warnings };
}

function describeAnswer(answer: ServerAnswer): string {
  if (answer.kind === 'transport') return `the server ${answer.what}`;
  const { errcode, errmsg, total_count } = answer.body;
  return errcode === 0
    ? `the server answered errcode 0 with total_count ${total_count}`
    : `the server answered errcode ${errcode} (${JSON.stringify(errmsg)})`;
}

function describeOutcome(outcome: Exclude<ClientOutcome, { kind: 'broken' }>): string {
  if (outcome.kind === 'result') return `the client returned a result (${shorten(JSON.stringify(outcome.value), 120)})`;
  if (outcome.kind === 'transport-failure')
    return `the client reported a transport failure (${shorten(outcome.message, 120)})`;
  return `the client surfaced errcode ${JSON.stringify(outcome.errcode)}`;
}

/** The same request again, to the mock (for a success answer the journal cut short, and for invariants). */
function resend(mock: RunningMock, token: string) {
  return async (body: string) =>
    readWechatAnswer(
      await sendRaw(
        {
          method: 'POST',
          url: `${mock.url}${API_PATHS.getscflist}?access_token=${encodeURIComponent(token)}`,
          headers: { 'Content-Type': 'application/json' },
          body,
        },
        10_000,
      ),
    );
}

/** Checks a client's result against the success the server sent, by JSON value (any key order). */
function checkResult(value: unknown, server: Record<string, unknown>): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [
      `the client returned ${shorten(value, 120)} as its result; expected the response object with total_count and functions`,
    ];
  }
  const result = value as Record<string, unknown>;
  const problems: string[] = [];
  if ('errcode' in result && result.errcode !== 0)
    problems.push(`the result's errcode is ${JSON.stringify(result.errcode)}; the server sent 0`);
  if ('errmsg' in result && result.errmsg !== 'ok')
    problems.push(`the result's errmsg is ${JSON.stringify(result.errmsg)}; the server sent "ok"`);
  for (const key of ['total_count', 'functions']) {
    const difference = firstDifference(result[key], server[key], `result.${key}`);
    if (difference) problems.push(`${difference} (the result differs from what the server sent)`);
  }
  return problems;
}

/**
 * Checks how one call ended against what the server answered (or, with no request, what it would
 * have); a call the timing policy already decided (see judgeTiming) is not checked here.
 */
export async function checkOutcome(
  outcome: Exclude<ClientOutcome, { kind: 'broken' }>,
  call: PlannedCall,
  requests: readonly JournalEntry[],
  mock: RunningMock,
): Promise<string[]> {
  const { expect } = call;
  const last = requests.at(-1);
  if (!last) {
    if (expect.errcode !== 0 && expect.errcode !== undefined && refusable(call.params, mock.settings.maxLimit)) {
      // A request the server would refuse may be refused at home, as long as the caller hears of it.
      return outcome.kind === 'result' || (outcome.kind === 'wechat-failure' && outcome.errcode === 0)
        ? [`${describeOutcome(outcome)} without sending a request; the server would answer errcode ${expect.errcode}`]
        : [];
    }
    return outcome.kind === 'result'
      ? [`${describeOutcome(outcome)} without sending a request (an answer kept from before?)`]
      : [];
  }
  let answer = answerOf(last);
  if (answer.kind === 'transport' && isCutShort(last)) {
    // The journal cuts long answers; ask again (the state has not changed since).
    const again = await resend(mock, call.token)(last.body ?? '');
    if ('body' in again) answer = { kind: 'wechat', body: again.body as Record<string, unknown> };
  }
  const problems: string[] = [];
  const server = describeAnswer(answer);
  if (answer.kind === 'transport') {
    if (outcome.kind === 'result') return [`${describeOutcome(outcome)} but ${server}`];
    if (outcome.kind === 'wechat-failure')
      return [`${describeOutcome(outcome)} but there was no WeChat answer: ${server}; report it as {"error": …}`];
    return [];
  }
  const { errcode, errmsg } = answer.body;
  if (errcode !== 0) {
    if (outcome.kind !== 'wechat-failure') return [`${describeOutcome(outcome)} but ${server}`];
    if (outcome.errcode !== errcode) {
      return [
        typeof outcome.errcode === 'string' && outcome.errcode === String(errcode)
          ? `the client surfaced errcode as the string ${JSON.stringify(outcome.errcode)}; the server sent the number ${errcode}`
          : `${describeOutcome(outcome)} but ${server}`,
      ];
    }
    const surfaced = outcome.errmsg ?? outcome.message;
    if (
      surfaced !== errmsg &&
      !(outcome.errmsg === undefined && String(outcome.message ?? '').includes(String(errmsg)))
    ) {
      problems.push(
        `the client surfaced errmsg ${JSON.stringify(surfaced)}; the server sent ${JSON.stringify(errmsg)} (keep it whole, rid included: it is what WeChat support asks for)`,
      );
    }
    return problems;
  }
  // The fault answered every attempt a client may make; a success after them is the count's failure, said there.
  if (expect.errcode !== 0 && call.fault && requests.length > (call.fault.times ?? 1)) return [];
  if (outcome.kind !== 'result') return [`${describeOutcome(outcome)} but ${server}`];
  problems.push(...checkResult(outcome.value, answer.body));
  const sentProblems = checkWechatBody(expect, answer.body);
  if (sentProblems.length > 0) {
    problems.push(...sentProblems.map((p) => `the server's answer to what the client sent: ${p}`));
  } else if (expect.invariant && problems.length === 0) {
    const request = JSON.parse(last.body ?? '{}');
    const post = resend(mock, call.token);
    problems.push(
      ...(await checkInvariant(expect.invariant, request, answer.body, (body) => post(JSON.stringify(body)))),
    );
  }
  return problems;
}

/** How many requests one call may send, by what the server answers. */
export function checkCount(requests: readonly JournalEntry[], call: PlannedCall, refused: boolean): string[] {
  const { expect } = call;
  if (requests.length === 0) return refused ? [] : ['the client sent no request to the mock'];
  const transient =
    expect.transport !== undefined || (expect.errcode !== undefined && TRANSIENT_ERRCODES.has(expect.errcode));
  if (transient) {
    return requests.length > MAX_ATTEMPTS
      ? [
          `the client sent ${requests.length} requests; a transient failure may be retried at most ${MAX_RETRIES} times (${MAX_ATTEMPTS} requests), then surfaced`,
        ]
      : [];
  }
  if (requests.length === 1) return [];
  if (expect.errcode === 0) return [`the client sent ${requests.length} requests for one call; expected one`];
  return [
    `the client sent ${requests.length} requests; errcode ${expect.errcode} is not transient and must be sent once${expect.errcode === 40001 ? ' (retrying 40001 with the same token cannot succeed)' : ''}`,
  ];
}
