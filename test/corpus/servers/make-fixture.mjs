// Writes fixture-data.json deterministically (seeded PRNG, fixed base date).
// node make-fixture.mjs > fixture-data.json
let seed = 0x5eed1234;
function rand() { // mulberry32
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];

const RUNTIMES = ['Nodejs8.9', 'Nodejs10.15', 'Nodejs12.16', 'Nodejs16.13', 'Nodejs18.15', 'Python3.9', 'Php7.4', 'Go1', 'Java11'];
const STATUSES = ['Active', 'Active', 'Active', 'Active', 'CreateFailed', 'UpdateFailed', 'Updating', 'Creating'];
const REASONS = {
  CreateFailed: [{ errcode: 'ResourceNotFound.File', errmsg: '未找到函数执行入口文件,请确认代码包入口文件名和 handler 设置是否对应或代码压缩包是否正常。' }],
  UpdateFailed: [{ errcode: 'InvalidParameterValue.Handler', errmsg: 'handler is invalid' }],
};
const WORDS = ['user', 'login', 'pay', 'notify', 'sync', 'report', 'cart', 'coupon', 'mail', 'image', 'upload', 'cron', 'stats', 'admin', 'search', 'queue', 'audit', 'export'];
const SPECIAL = ['v1.2', 'a.b', 'retry*', 'calc(x)', 'c++', 'a+b', 'x.*', 'sum(1+2)', 'glob*.js', 'ver.3.1'];
const CJK = ['支付回调', '用户登录', '订单同步', '消息推送', '数据导出', '图片压缩', '定时任务', '日志清理'];

const names = new Set();
const fns = [];
function add(name) {
  if (names.has(name) || name.length > 60) return false;
  names.add(name);
  fns.push({ name });
  return true;
}

// 260+ names; "order" (in several cases) is spread across the whole listing
let i = 0;
while (fns.length < 272) {
  i++;
  const r = rand();
  let name;
  if (i % 9 === 0) name = `${pick(['order', 'Order', 'ORDER', 'preorder', 'reorder_'])}-${pick(WORDS)}-${i}`;
  else if (i % 11 === 0) name = `${pick(WORDS)}-${pick(SPECIAL)}-${i}`;
  else if (i % 13 === 0) name = `${pick(CJK)}-${i}`;
  else if (r < 0.5) name = `${pick(WORDS)}-${pick(WORDS)}-${i}`;
  else if (r < 0.8) name = `${pick(WORDS)}_${pick(WORDS)}${i}`;
  else name = `${pick(WORDS).toUpperCase()}${pick(WORDS)}-${i}`;
  add(name);
}
// a few fixed names that exercise literal search on regexp characters
for (const n of ['a.c-literal', 'abc-not-literal', 'star*fn', 'paren(open', 'plus+one', 'dotdot..end', 'ÄPFEL-sync', 'äpfel-batch']) add(n);

// times: one function per ~7 hours going back from a fixed date; groups share one add_time
const BASE = Date.UTC(2024, 2, 15, 4, 30, 0);
const fmt = (ms) => {
  const d = new Date(ms + 8 * 3600e3);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
};
// shuffle so the listing order is unrelated to name order
for (let k = fns.length - 1; k > 0; k--) {
  const j = Math.floor(rand() * (k + 1));
  [fns[k], fns[j]] = [fns[j], fns[k]];
}
// time slots, newest first; every 40th slot starts a group of 5 functions sharing one add_time
const slots = [];
let t = BASE;
for (let k = 0; k < fns.length; k++) {
  const inGroup = k % 40 >= 1 && k % 40 <= 4;
  if (!inGroup) t -= Math.floor(rand() * 7 * 3600e3) + 60e3;
  slots.push({ t: Math.floor(t / 1000) * 1000, tie: k % 40 <= 4 });
}
// names in a tie group start with distinct lower-case letters, so every sensible
// name order (code units, locale, case-insensitive) agrees inside the group
const plainPool = fns.filter((fn) => /^[a-z][a-z0-9-]*$/.test(fn.name));
const rest = fns.filter((fn) => !plainPool.includes(fn));
const used = new Set();
const ordered = [];
let group = [];
for (const slot of slots) {
  if (slot.tie) {
    if (group.length === 0 || group.length === 5) group = [];
    const fn = plainPool.find((f) => !used.has(f) && !group.some((g) => g.name[0] === f.name[0]));
    used.add(fn);
    group.push(fn);
    ordered.push(fn);
  } else {
    ordered.push(null);
  }
}
const leftovers = [...rest, ...plainPool.filter((f) => !used.has(f))];
for (let k = leftovers.length - 1; k > 0; k--) {
  const j = Math.floor(rand() * (k + 1));
  [leftovers[k], leftovers[j]] = [leftovers[j], leftovers[k]];
}
for (let k = 0; k < ordered.length; k++) if (ordered[k] === null) ordered[k] = leftovers.pop();
ordered.forEach((fn, k) => {
  const status = pick(STATUSES);
  fn.runtime = pick(RUNTIMES);
  fn.status = status;
  fn.status_reason = REASONS[status] ?? [];
  fn.add_time = fmt(slots[k].t);
  fn.mod_time = fmt(slots[k].t + Math.floor(rand() * 30 * 86400) * 1000);
});
// the file lists functions in a scrambled order, not the served order
const fileOrder = [...ordered];
for (let k = fileOrder.length - 1; k > 0; k--) {
  const j = Math.floor(rand() * (k + 1));
  [fileOrder[k], fileOrder[j]] = [fileOrder[j], fileOrder[k]];
}

const doc = {
  seed: 1,
  tokens: { 'corpus-token-7f3a9c': 'valid' },
  envs: {
    'corpus-env': { functions: fileOrder },
    'corpus-legacy': { qbase: false },
  },
};
process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
