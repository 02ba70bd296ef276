// Workers that share one mock, each arranging its own env, token, component and faults and checking it sees exactly what it arranged.
import { createHash } from 'node:crypto';
import { API_PATHS } from '../../mock-server/api-facts.js';
import { type MockScope, mockScope } from '../../mock-server/mock-scope.js';

/** The fault kinds a worker cycles through, each with the outcome its first getscflist must show. */
const FAULT_KINDS = ['errcode', 'latency', 'http-5xx', 'truncated-json', 'malformed-json', 'drop'] as const;
type FaultKind = (typeof FAULT_KINDS)[number];

/** What every worker did and saw, summed. */
export interface StressCounts {
  workers: number;
  scenarios: number;
  requests: number;
  journalEntries: number;
  faults: Record<FaultKind, number>;
  clockMoves: number;
  /** Scenarios where a worker saw an outcome it did not arrange (should stay empty). */
  surprises: string[];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Answer {
  status: number | null;
  text: string;
  ms: number;
}

async function call(url: string, body: unknown): Promise<Answer> {
  const started = performance.now();
  try {
    const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
    return { status: res.status, text: await res.text(), ms: performance.now() - started };
  } catch {
    return { status: null, text: '', ms: performance.now() - started };
  }
}

const errcodeOf = (answer: Answer): number | undefined => {
  try {
    return (JSON.parse(answer.text) as { errcode?: number }).errcode;
  } catch {
    return undefined;
  }
};

/** Arranges one fault of a kind for the scope's next getscflist, and says how to recognise it. */
function arrange(kind: FaultKind, worker: number): { fault: object; seen: (answer: Answer) => boolean } {
  switch (kind) {
    case 'errcode': {
      const errcode = 45000 + worker;
      return { fault: { errcode }, seen: (a) => a.status === 200 && errcodeOf(a) === errcode };
    }
    case 'latency':
      return { fault: { latency_ms: 40 }, seen: (a) => a.ms >= 35 && errcodeOf(a) === 0 };
    case 'http-5xx':
      return { fault: { http_status: 502 + (worker % 3) }, seen: (a) => a.status === 502 + (worker % 3) };
    case 'truncated-json':
      return {
        fault: { body: 'truncated-json' },
        seen: (a) => a.status === 200 && errcodeOf(a) === undefined && a.text.startsWith('{"errcode":0'),
      };
    case 'malformed-json':
      return { fault: { body: 'malformed-json' }, seen: (a) => a.status === 200 && a.text.startsWith('{errcode: 0') };
    case 'drop':
      return { fault: { drop: true }, seen: (a) => a.status === null };
  }
}

/**
 * One scenario: a fresh scope, a fault of one kind on its token, all four endpoints, its own
 * component's clock moved, its journal read, then clean-up. Every outcome is checked against what
 * this scenario arranged; any other is a surprise.
 */
async function scenario(url: string, worker: number, round: number, counts: StressCounts): Promise<void> {
  const functions = 1 + worker;
  const scope: MockScope = await mockScope({ url, prefix: `w${worker}`, env: { generate: functions } });
  const surprise = (what: string) => counts.surprises.push(`worker ${worker} round ${round}: ${what}`);
  let requests = 0;
  const api = async (path: string, body: unknown, token?: string) => {
    requests += 1;
    return call(`${url}${path}${token ? `?access_token=${encodeURIComponent(token)}` : ''}`, body);
  };
  try {
    const kind = FAULT_KINDS[(worker + round) % FAULT_KINDS.length];
    const { fault, seen } = arrange(kind, worker);
    await scope.fault({ ...fault, path: API_PATHS.getscflist });
    counts.faults[kind] += 1;
    const listing = { env: scope.env };
    const first = await api(API_PATHS.getscflist, listing, scope.token);
    if (!seen(first)) surprise(`${kind} fault: got HTTP ${first.status} ${first.text.slice(0, 80)}`);
    const second = await api(API_PATHS.getscflist, listing, scope.token);
    const page = JSON.parse(second.text || '{}') as { errcode?: number; total_count?: number };
    if (page.errcode !== 0 || page.total_count !== functions) surprise(`after the fault: ${second.text.slice(0, 80)}`);

    const envs = await api(API_PATHS.describeenvs, {}, scope.token);
    const info = JSON.parse(envs.text || '{}') as { info_list?: { env: string }[] };
    if (!info.info_list?.some((env) => env.env === scope.env)) surprise(`describeenvs: ${envs.text.slice(0, 80)}`);

    const credentials = {
      component_appid: scope.componentAppid,
      component_appsecret: 'secret',
      component_verify_ticket: 'ticket',
    };
    await scope.fault({ errcode: 45009, path: API_PATHS.componentToken });
    const refused = await api(API_PATHS.componentToken, credentials);
    if (errcodeOf(refused) !== 45009) surprise(`token endpoint fault: ${refused.text.slice(0, 80)}`);
    const issued = await api(API_PATHS.componentToken, credentials);
    const token = (JSON.parse(issued.text || '{}') as { component_access_token?: string }).component_access_token;
    if (!token) {
      surprise(`no component token: ${issued.text.slice(0, 80)}`);
      return;
    }
    const fresh = await api(API_PATHS.getscflist, listing, token);
    if (errcodeOf(fresh) !== 0) surprise(`fresh component token: ${fresh.text.slice(0, 80)}`);
    await scope.advanceClock(7200);
    counts.clockMoves += 1;
    const aged = await api(API_PATHS.getscflist, listing, token);
    if (errcodeOf(aged) !== 42001) surprise(`component token after its clock moved 7200 s: ${aged.text.slice(0, 80)}`);
    const rid = (JSON.parse(aged.text || '{}') as { errmsg?: string }).errmsg?.split(' rid: ')[1];
    const lookup = await api(API_PATHS.ridGet, { rid }, scope.token);
    if (errcodeOf(lookup) !== 0) surprise(`rid/get ${rid}: ${lookup.text.slice(0, 80)}`);

    // Its own journal: every request it made (by its env, token or appid), and nothing else.
    const entries = await scope.requests();
    counts.journalEntries += entries.length;
    if (entries.length !== requests) surprise(`journal: ${entries.length} entries for ${requests} requests`);
    const hashes = new Set([sha256(scope.token), sha256(token)]);
    for (const entry of entries) {
      const ours =
        (entry.access_token_sha256 !== undefined && hashes.has(entry.access_token_sha256)) ||
        entry.body?.includes(`"${scope.env}"`) ||
        entry.body?.includes(`"${scope.componentAppid}"`);
      if (!ours) surprise(`journal entry not its own: ${JSON.stringify(entry).slice(0, 120)}`);
    }
  } finally {
    counts.requests += requests;
    await scope.cleanup();
    const left = await scope.control.faults({ access_token: scope.token });
    if (left.length > 0) surprise(`${left.length} faults left after clean-up`);
    counts.scenarios += 1;
  }
}

/**
 * Runs `workers` concurrent workers against the mock at `url`, each for `rounds` scenarios and
 * then for as long as `keepGoing()` says.
 * @example const counts = await runWorkers(mock.url, 8, 30)
 */
export async function runWorkers(
  url: string,
  workers: number,
  rounds: number,
  keepGoing: () => boolean = () => false,
): Promise<StressCounts> {
  const counts: StressCounts = {
    workers,
    scenarios: 0,
    requests: 0,
    journalEntries: 0,
    faults: Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>,
    clockMoves: 0,
    surprises: [],
  };
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let round = 0; round < rounds || keepGoing(); round++) {
        await scenario(url, worker, round, counts);
      }
    }),
  );
  return counts;
}
