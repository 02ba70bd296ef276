// deploy.mjs — create / update / delete a cloud function in tenants' envs, then wait for each env to settle.
const BASE = process.env.WECHAT_API_BASE_URL.replace(/\/+$/, '');
const TOKEN = process.env.WECHAT_ACCESS_TOKEN;
const REQ_TIMEOUT = Number(process.env.WECHAT_TIMEOUT_MS || 10000);
const POLL_MS = Number(process.env.WECHAT_POLL_INTERVAL_MS || 1000);

class WxError extends Error {
  constructor(doc) { super(doc.errmsg); this.doc = { errcode: doc.errcode, errmsg: doc.errmsg }; }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function tcb(api, body) {
  let res, text;
  try {
    res = await fetch(`${BASE}/componenttcb/${api}?component_access_token=${encodeURIComponent(TOKEN)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQ_TIMEOUT),
    });
    text = await res.text();
  } catch (e) {
    throw new Error(`${api}: ${e.name === 'TimeoutError' ? 'timed out' : e.message}`);
  }
  if (res.status !== 200) throw new Error(`${api}: HTTP ${res.status}`);
  let doc;
  try { doc = JSON.parse(text); } catch { throw new Error(`${api}: answer is not JSON`); }
  if (!doc || typeof doc !== 'object') throw new Error(`${api}: answer is not an object`);
  if (doc.errcode) throw new WxError(doc);
  return doc;
}

// searchkey is a fuzzy match: walk every page of hits and compare names exactly
async function lookup(env, name) {
  for (let offset = 0; ;) {
    const page = await tcb('getscflist', { env, searchkey: name, offset, limit: 50 });
    const fns = page.functions ?? [];
    const hit = fns.find((f) => f.name === name);
    if (hit) return hit;
    offset += fns.length;
    if (fns.length === 0 || offset >= (page.total_count ?? 0)) return null;
  }
}

const SETTLED = {
  create: (fn) => fn && (fn.status === 'Active' ? { status: 'Active' }
    : fn.status === 'CreateFailed' || fn.status === 'UpdateFailed' ? { status: fn.status, status_reason: fn.status_reason } : null),
  delete: (fn) => !fn ? { status: 'Deleted' }
    : fn.status === 'DeleteFailed' ? { status: 'DeleteFailed', status_reason: fn.status_reason } : null,
};
SETTLED.update_code = SETTLED.create;

// functions settle within a minute or two; keep polling until they do
async function waitFor(action, env, name) {
  for (;;) {
    const outcome = SETTLED[action](await lookup(env, name));
    if (outcome) return outcome;
    await sleep(POLL_MS);
  }
}

async function deploy(req) {
  const { action, name } = req;
  let envs, failed = {};
  if (action === 'delete') {
    envs = [req.env];
    await tcb('deletescf', { functionname: name, env: req.env });
  } else if (action === 'create') {
    envs = req.envs;
    const r = await tcb('batchuploadscf', { functionname: name, envs, zipfile: req.zipfile });
    for (const f of r.fail_env_list ?? []) failed[f.env] = { failed: f.errmsg };
  } else if (action === 'update_code') {
    envs = req.envs;
    const r = await tcb('batchuploadscfcode', { functionname: name, envs, zipfile: req.zipfile });
    for (const f of r.fail_list ?? []) failed[f.env] = { failed: f.errormsg }; // sic: errormsg
  } else {
    throw new Error(`unknown action ${action}`);
  }
  const todo = envs.filter((e) => !(e in failed));
  const outcomes = await Promise.all(todo.map((env) => waitFor(action, env, name)));
  const result = {};
  for (const env of envs) result[env] = failed[env] ?? outcomes[todo.indexOf(env)];
  return result;
}

let out;
try {
  let raw = '';
  for await (const c of process.stdin) raw += c;
  out = { result: await deploy(JSON.parse(raw)) };
} catch (e) {
  out = e instanceof WxError ? e.doc : { error: String(e.message ?? e) };
}
process.stdout.write(JSON.stringify(out) + '\n');
