// The env the server kit arranges for the observation checks: fixed names chosen to catch misread searches.
import type { CloudFunction, ContractState } from '../../generated/schemas.js';

const AREAS = [
  'user',
  'order',
  'pay',
  'cart',
  'feed',
  'stats',
  'cron',
  'webhook',
  'config',
  'health',
  'image',
  'coupon',
  'send',
  'upload',
  'notify',
  'report',
  'search',
  'sync',
  'auth',
  'audit',
];
const VERBS = [
  'Create',
  'List',
  'Get',
  'Update',
  'Delete',
  'Sync',
  'Export',
  'Import',
  'Check',
  'Job',
  'Task',
  'Hook',
  'Run',
];

/** Names a server reading searchkey as a pattern, trimmed, without its escapes, or as bytes, gets wrong; each replaces a plain one. */
const TELLING_NAMES = [
  'order.sync',
  'cache*warm',
  'calc(total)',
  'c++build',
  'price+tax',
  'a.b.c',
  '用户登录',
  '订单同步',
  'Überweisung',
  'café-sync',
  'rate_limit%',
  'dir\\scan',
  'glob?[0]',
  'daily report',
];

const RUNTIMES = ['Nodejs18.15', 'Nodejs16.13', 'Python3.9', 'Php7.4', 'Go1', 'Java11'];
const STATUSES = ['Active', 'Active', 'Active', 'CreateFailed', 'Updating', 'UpdateFailed'];

const two = (n: number) => String(n).padStart(2, '0');
function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** A fixed permutation of 0..n-1 (a linear congruential shuffle), so the data is the same everywhere. */
function permutation(n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let state = 20_260_517;
  for (let i = n - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * The functions of the env the kit arranges for the observation checks when a control API
 * exists: 260 of them (more than the largest page), listed in an order that is neither by name
 * nor by add_time, with add_time ties between plain names, mod_time in yet another order, names
 * with characters special to patterns and beyond ASCII, and every family of names (`user…`,
 * `order…`) spread across the listing, so that a server which searches only the page, caps the
 * page, or sorts by name alone answers differently from the contract.
 * @example observationFunctions().length // 260
 */
export function observationFunctions(): CloudFunction[] {
  const names = AREAS.flatMap((area) => VERBS.map((verb) => `${area}${verb}`));
  TELLING_NAMES.forEach((name, i) => {
    names[i < 10 ? i * 26 + 7 : (i - 10) * 26 + 20] = name;
  });
  const telling = new Set(TELLING_NAMES);
  const rank = permutation(names.length);
  const base = Date.UTC(2025, 2, 1, 12, 0, 0);
  return names.map((name, i) => {
    // Plain names share a minute in pairs of ranks (ties ordered by name); telling names never tie,
    // so that code-unit and locale order of names cannot disagree on a tie.
    const step = telling.has(name) ? rank[i] * 2 + 1 : Math.floor(rank[i] / 2) * 4;
    const add = base - step * 60_000;
    const status = STATUSES[i % STATUSES.length];
    return {
      mod_time: formatTime(add + ((i * 37) % 500) * 60_000),
      add_time: formatTime(add),
      runtime: RUNTIMES[i % RUNTIMES.length],
      name,
      status,
      status_reason: status.endsWith('Failed')
        ? [{ errcode: 'FailedOperation.CreateFunction', errmsg: `${name} failed: code package not found` }]
        : [],
    };
  });
}

/**
 * The state the kit arranges for the observation checks: a token and the 260-function env.
 * @example observationState('contract-token-0001', 'contract-observe') // { tokens: …, envs: { 'contract-observe': … } }
 */
export function observationState(token: string, env: string): ContractState {
  return { tokens: { [token]: 'valid' }, envs: { [env]: { functions: observationFunctions() } } };
}

/**
 * The order the contract serves functions in: newest add_time first, then name in code-unit order.
 * @example servedOrder(observationFunctions())[0].name
 */
export function servedOrder(functions: readonly CloudFunction[]): CloudFunction[] {
  return [...functions].sort((a, b) =>
    a.add_time !== b.add_time ? (a.add_time < b.add_time ? 1 : -1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}
