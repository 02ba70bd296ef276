// BUG: searchkey is matched as a glob: * matches any run and ? any one character.
// A fake of the four WeChat endpoints a third-party platform uses around its cloud functions:
//   POST /cgi-bin/component/api_component_token   (appid + secret + ticket -> component token)
//   POST /componenttcb/describeenvs                (envs with cloud development)
//   POST /componenttcb/getscflist                  (cloud functions of an env)
//   POST /cgi-bin/openapi/rid/get                  (the request behind an error's rid)
// 40001 and 45009 carry the long text WeChat sends since 2023.
//
//   node bug-search-glob.mjs --port 0 [--data FILE] [--control]
//
// Plain node:http, no dependencies. Mock time = real time + a shift moved by POST /__mock/clock.
import http from 'node:http';
import fs from 'node:fs';
import crypto from 'node:crypto';

const opts = { port: 0, data: null, control: false };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--port') opts.port = Number(process.argv[++i]);
  else if (a === '--data') opts.data = process.argv[++i];
  else if (a === '--control') opts.control = true;
}

const STABLE_HINT = ', could get access_token by getStableAccessToken, more details at https://mmbizurl.cn/s/JtxxFh33r';
const MESSAGES = {
  [-1000]: 'system error',
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest' + STABLE_HINT,
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40097: 'invalid args',
  40101: 'missing parameter',
  40125: 'invalid appsecret',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  42001: 'access_token expired',
  43002: 'require POST method',
  44002: 'empty post data',
  45009: 'reach max api daily quota limit' + STABLE_HINT,
  45011: 'api minute-quota reach limit mustslower retry next minute',
  47001: 'data format error',
  48001: 'api unauthorized',
  61004: 'access clientip is not registered',
  61005: 'component ticket is expired',
  61006: 'component ticket is invalid',
  61007: 'api is unauthorized to component',
  61011: 'invalid component',
  76001: 'rid not found',
  76002: 'rid is invalid',
  76003: 'no permission',
  85088: 'no qbase privilege',
};

const TOKEN_PATH = '/cgi-bin/component/api_component_token';
const ENVS_PATH = '/componenttcb/describeenvs';
const LIST_PATH = '/componenttcb/getscflist';
const RID_PATH = '/cgi-bin/openapi/rid/get';
const WX_TYPE = 'application/json; encoding=utf-8';

const TOKEN_TTL = 7200;          // s
const OVERLAP = 300;             // a superseded token lives 5 more minutes
const TICKET_TTL = 12 * 3600;    // s
const RID_TTL = 7 * 86400;       // s
const RID_KEEP = 1000;

// ------------------------------------------------------------------ clock
let shift = 0; // seconds added to real time
const nowS = () => Math.floor(Date.now() / 1000) + shift;

// ------------------------------------------------------------------ world
function beijing(unixS) {
  return new Date((unixS + 8 * 3600) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

function hash32(text) {
  return crypto.createHash('sha1').update(text).digest().readUInt32BE(0);
}

const EPOCH = 1717243200; // 2024-06-01 12:00 UTC, fake times count back from here
function withDefaults(fn) {
  const h = hash32(fn.name);
  const added = fn.add_time ?? beijing(EPOCH - (h % 30000000));
  return {
    mod_time: fn.mod_time ?? added,
    add_time: added,
    runtime: fn.runtime ?? 'Nodejs18.15',
    name: fn.name,
    status: fn.status ?? 'Active',
    status_reason: fn.status_reason ?? [],
  };
}

function envInfo(id, e) {
  const h = hash32(id);
  return {
    env: id,
    alias: e.alias ?? id.replace(/-[a-z0-9]{6,}$/, ''),
    create_time: e.create_time ?? beijing(EPOCH - (h % 50000000) - 86400),
    update_time: e.update_time ?? beijing(EPOCH - (h % 3000000)),
    status: e.status ?? 'NORMAL',
    package_id: e.package_id ?? 'baas_free',
    package_name: e.package_name ?? '免费版',
    dbinstance_id: e.dbinstance_id ?? `tnt-${(h % 0xffffffff).toString(36)}`,
    bucket_id: e.bucket_id ?? `${(h >>> 8).toString(16)}-${id}-1300${h % 1000000}`,
  };
}

function build(doc) {
  const envs = {};
  for (const [id, e] of Object.entries(doc.envs ?? {})) {
    const fns = (e.functions ?? []).map(withDefaults);
    for (let i = 1; i <= (e.generate ?? 0); i++) {
      fns.push(withDefaults({ name: `gen_fn_${i}`, add_time: beijing(EPOCH - i * 3600) }));
    }
    fns.sort((a, b) => (a.add_time === b.add_time ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.add_time < b.add_time ? 1 : -1));
    envs[id] = { qbase: e.qbase !== false, info: envInfo(id, e), functions: fns };
  }
  const components = {};
  for (const [appid, c] of Object.entries(doc.components ?? {})) {
    components[appid] = { secret: c.secret, ticket: c.ticket ?? null, ticketSince: nowS(), pushed: false };
  }
  return {
    tokens: { ...(doc.tokens ?? {}) },
    components,
    envs,
    issued: new Map(), // token -> { appid, issuedAt, expiresAt, supersededAt }
  };
}

function checkDoc(doc) {
  const plain = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!plain(doc)) return 'the data document must be an object';
  for (const key of ['tokens', 'components', 'envs']) {
    if (doc[key] !== undefined && !plain(doc[key])) return `${key} must be an object`;
  }
  for (const [t, kind] of Object.entries(doc.tokens ?? {})) {
    if (!['valid', 'expired', 'no-qbase'].includes(kind)) return `tokens.${t} must be valid, expired or no-qbase`;
  }
  for (const [appid, c] of Object.entries(doc.components ?? {})) {
    if (!plain(c) || typeof c.secret !== 'string') return `components.${appid}.secret is required`;
  }
  for (const [id, e] of Object.entries(doc.envs ?? {})) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return `envs.${id}: bad env id`;
    if (!plain(e)) return `envs.${id} must be an object`;
    if (e.functions !== undefined && (!Array.isArray(e.functions) || e.functions.some((f) => !plain(f) || typeof f.name !== 'string' || !f.name))) {
      return `envs.${id}.functions: every function needs a name`;
    }
  }
  return null;
}

let startDoc = {};
if (opts.data) {
  startDoc = JSON.parse(fs.readFileSync(opts.data, 'utf8'));
  const problem = checkDoc(startDoc);
  if (problem) {
    console.error(`${opts.data}: ${problem}`);
    process.exit(2);
  }
}
let world = build(startDoc);
let faults = [];
let rids = new Map(); // rid -> { at, record }

// ------------------------------------------------------------------ answers
function newRid() {
  return [nowS().toString(16).padStart(8, '0'), crypto.randomBytes(4).toString('hex'), crypto.randomBytes(4).toString('hex')].join('-');
}

function reply(res, status, payload, type = WX_TYPE, headers = {}) {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
  return text;
}

function cut(s) {
  return s.length > 8 ? `${s.slice(0, 8)}…` : s;
}

function remember(rid, ctx, answer) {
  const q = [...ctx.url.searchParams].map(([k, v]) => `${k}=${/token|ticket|secret/.test(k) ? cut(v) : v}`).join('&');
  let body = ctx.raw;
  try {
    const parsed = JSON.parse(ctx.raw);
    if (parsed && typeof parsed === 'object') {
      for (const k of Object.keys(parsed)) if (/token|ticket|secret/.test(k) && typeof parsed[k] === 'string') parsed[k] = cut(parsed[k]);
      body = JSON.stringify(parsed);
    }
  } catch { /* keep the text */ }
  rids.set(rid, {
    at: nowS(),
    record: {
      invoke_time: nowS(),
      cost_in_ms: Date.now() - ctx.started,
      request_url: ctx.url.pathname + (q ? `?${q}` : ''),
      request_body: body,
      response_body: answer,
      client_ip: ctx.req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '',
    },
  });
  if (rids.size > RID_KEEP) rids.delete(rids.keys().next().value);
}

function fail(ctx, errcode, why, errmsg) {
  const rid = newRid();
  const answer = reply(ctx.res, 200, { errcode, errmsg: `${errmsg ?? MESSAGES[errcode] ?? 'system error'} rid: ${rid}` }, WX_TYPE, { 'x-mock-reason': why });
  remember(rid, ctx, answer);
}

// ------------------------------------------------------------------ tokens
function tokenFrom(url, bothKeys) {
  const direct = url.searchParams.get('access_token');
  if (direct) return direct;
  return bothKeys ? url.searchParams.get('component_access_token') || '' : '';
}

// null when the token is accepted, else [errcode, why]
function judgeToken(token) {
  const t = world.issued.get(token);
  if (t) {
    if (nowS() >= t.expiresAt) return [42001, 'issued token past expires_in'];
    if (t.supersededAt !== null && nowS() >= t.supersededAt + OVERLAP) return [40001, 'issued token superseded over 5 minutes ago'];
    return null;
  }
  if (Object.keys(world.tokens).length === 0) return null;
  switch (world.tokens[token]) {
    case 'valid': return null;
    case 'expired': return [42001, 'token listed as expired'];
    case 'no-qbase': return [85088, 'token listed as no-qbase'];
    default: return [40001, 'token not listed'];
  }
}

function mintToken() {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.randomBytes(136);
  let s = '';
  for (const b of bytes) s += abc[b % abc.length];
  return `${60 + (bytes[0] % 40)}_${s}`;
}

// ------------------------------------------------------------------ endpoints
function parseObject(raw) {
  try {
    const v = JSON.parse(raw);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function componentToken(ctx) {
  if (ctx.req.method !== 'POST') return fail(ctx, 43002, 'method is not POST');
  if (!ctx.raw.trim()) return fail(ctx, 44002, 'empty body');
  const body = parseObject(ctx.raw);
  if (!body) return fail(ctx, 47001, 'body is not a JSON object');
  const field = {};
  for (const k of ['component_appid', 'component_appsecret', 'component_verify_ticket']) {
    const v = body[k];
    if (v !== undefined && v !== null && typeof v !== 'string') return fail(ctx, 47001, `${k} is not a string`);
    field[k] = v ?? '';
  }
  const appid = field.component_appid;
  const secret = field.component_appsecret;
  const ticket = field.component_verify_ticket;
  if (!appid) return fail(ctx, 41002, 'no component_appid');
  if (!secret) return fail(ctx, 41004, 'no component_appsecret');
  if (appid.length > 64) return fail(ctx, 40013, 'appid too long');
  const listed = Object.keys(world.components).length > 0;
  const comp = world.components[appid];
  if (listed && !comp) return fail(ctx, 40013, 'appid not a listed component');
  if (comp && comp.secret !== secret) return fail(ctx, 40125, 'wrong secret');
  if (!ticket) return fail(ctx, 61006, 'no ticket');
  if (comp && comp.ticket !== null) {
    if (ticket !== comp.ticket) return fail(ctx, 61006, 'not the current ticket');
    if (nowS() - comp.ticketSince >= TICKET_TTL) return fail(ctx, 61005, 'ticket over 12 hours old');
  }
  const now = nowS();
  for (const t of world.issued.values()) {
    if (t.appid === appid && t.supersededAt === null) t.supersededAt = now;
  }
  const token = mintToken();
  world.issued.set(token, { appid, issuedAt: now, expiresAt: now + TOKEN_TTL, supersededAt: null });
  reply(ctx.res, 200, { component_access_token: token, expires_in: TOKEN_TTL });
}

function describeEnvs(ctx) {
  if (ctx.req.method !== 'POST') return fail(ctx, 43002, 'method is not POST');
  const token = tokenFrom(ctx.url, true);
  if (!token) return fail(ctx, 41001, 'no token in the query');
  const bad = judgeToken(token);
  if (bad) return fail(ctx, ...bad);
  if (ctx.raw.trim() && !parseObject(ctx.raw)) return fail(ctx, 47001, 'body is not a JSON object');
  const info_list = Object.values(world.envs).filter((e) => e.qbase).map((e) => e.info);
  reply(ctx.res, 200, { errcode: 0, errmsg: 'ok', info_list });
}

function isCount(v, min) {
  return typeof v === 'number' && Number.isInteger(v) && v >= min;
}

function listFunctions(ctx) {
  if (ctx.req.method !== 'POST') return fail(ctx, 43002, 'method is not POST');
  const token = tokenFrom(ctx.url, true);
  if (!token) return fail(ctx, 41001, 'no token in the query');
  const bad = judgeToken(token);
  if (bad) return fail(ctx, ...bad);
  if (!ctx.raw.trim()) return fail(ctx, 44002, 'empty body');
  const body = parseObject(ctx.raw);
  if (!body) return fail(ctx, 47001, 'body is not a JSON object');

  const { env } = body;
  const offset = body.offset ?? 0;
  const limit = body.limit ?? 20;
  const key = body.searchkey ?? body.searchKey ?? '';
  if (typeof env !== 'string' || env === '') return fail(ctx, 47001, 'env missing or empty');
  if (!isCount(offset, 0)) return fail(ctx, 47001, 'offset must be an integer >= 0');
  if (!isCount(limit, 1) || limit > 100) return fail(ctx, 47001, 'limit must be an integer 1..100');
  if (typeof key !== 'string') return fail(ctx, 47001, 'searchkey must be a string');

  const e = Object.hasOwn(world.envs, env) ? world.envs[env] : null;
  if (!e) return fail(ctx, 40097, 'unknown env');
  if (!e.qbase) return fail(ctx, 85088, 'env without cloud development');

  // wildcards as in a shell: * any run, ? one character; everything else literal
  const glob = new RegExp([...key].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join(''), 'i');
  const hits = key ? e.functions.filter((f) => glob.test(f.name)) : e.functions;
  reply(ctx.res, 200, { errcode: 0, errmsg: 'ok', total_count: hits.length, functions: hits.slice(offset, offset + limit) });
}

function ridGet(ctx) {
  if (ctx.req.method !== 'POST') return fail(ctx, 43002, 'method is not POST');
  const token = tokenFrom(ctx.url, false);
  if (!token) return fail(ctx, 41001, 'no access_token in the query');
  const bad = judgeToken(token);
  if (bad) return fail(ctx, ...bad);
  if (!ctx.raw.trim()) return fail(ctx, 44002, 'empty body');
  const body = parseObject(ctx.raw);
  if (!body) return fail(ctx, 47001, 'body is not a JSON object');
  const { rid } = body;
  if (rid === undefined || rid === null || rid === '') return fail(ctx, 40101, 'no rid');
  if (typeof rid !== 'string') return fail(ctx, 47001, 'rid is not a string');
  if (!/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/.test(rid)) return fail(ctx, 76002, 'not shaped like a rid');
  const hit = rids.get(rid);
  if (!hit || nowS() - hit.at >= RID_TTL) return fail(ctx, 76001, 'rid unknown or over 7 days old');
  reply(ctx.res, 200, { errcode: 0, errmsg: 'ok', request: hit.record });
}

const ROUTES = { [TOKEN_PATH]: componentToken, [ENVS_PATH]: describeEnvs, [LIST_PATH]: listFunctions, [RID_PATH]: ridGet };

// ------------------------------------------------------------------ faults
function nextFault(path) {
  const i = faults.findIndex((f) => !f.path || f.path === path);
  if (i < 0) return null;
  const f = faults[i];
  if (--f.left <= 0) faults.splice(i, 1);
  return f;
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

function gatewayPage(code) {
  const title = `${code} ${http.STATUS_CODES[code] ?? 'Error'}`;
  return `<html>\n<head><title>${title}</title></head>\n<body>\n<center><h1>${title}</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n`;
}

// returns true when the fault answered (or dropped) the request
async function applyFault(ctx, f) {
  if (f.latency_ms !== undefined) {
    const l = f.latency_ms;
    await wait(typeof l === 'number' ? l : l.min + Math.random() * (l.max - l.min));
  }
  if (f.drop) { ctx.req.socket.destroy(); return true; }
  if (f.http_status !== undefined) { reply(ctx.res, f.http_status, gatewayPage(f.http_status), 'text/html'); return true; }
  if (f.body === 'truncated-json') { reply(ctx.res, 200, '{"errcode":0,"errmsg":"ok","total_count":3,"functions":[{"name":"hal'); return true; }
  if (f.body === 'malformed-json') { reply(ctx.res, 200, '{"errcode":0,"errmsg":"ok",total_count:,}'); return true; }
  if (f.errcode !== undefined) { fail(ctx, f.errcode, 'injected fault', f.errmsg); return true; }
  return false;
}

function faultProblem(f) {
  const plain = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!plain(f)) return 'a fault is a JSON object';
  const kinds = ['errcode', 'latency_ms', 'http_status', 'body', 'drop'].filter((k) => f[k] !== undefined);
  if (kinds.length === 0) return 'a fault needs errcode, latency_ms, http_status, body or drop';
  if (f.errcode !== undefined && !Number.isInteger(f.errcode)) return 'errcode must be an integer';
  if (f.errmsg !== undefined && (typeof f.errmsg !== 'string' || f.errmsg.length > 1024)) return 'errmsg must be a string of at most 1024 characters';
  if (f.http_status !== undefined && !(Number.isInteger(f.http_status) && f.http_status >= 400 && f.http_status <= 599)) return 'http_status must be 400..599';
  if (f.body !== undefined && !['truncated-json', 'malformed-json'].includes(f.body)) return 'body must be truncated-json or malformed-json';
  if (f.drop !== undefined && f.drop !== true) return 'drop must be true';
  if (f.times !== undefined && !(Number.isInteger(f.times) && f.times >= 1)) return 'times must be a positive integer';
  if (f.path !== undefined && !Object.hasOwn(ROUTES, f.path)) return 'path must be one of the API paths';
  const l = f.latency_ms;
  const ms = (n) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  if (l !== undefined && !(ms(l) || (plain(l) && ms(l.min) && ms(l.max) && l.min <= l.max))) return 'latency_ms must be ms or {min,max}';
  return null;
}

// ------------------------------------------------------------------ control API
function ctl(res, status, payload) {
  reply(res, status, payload, 'application/json');
}

function control(req, res, url, raw) {
  const m = req.method;
  const p = url.pathname.replace(/\/+$/, '');
  const json = () => {
    try { return { ok: true, value: raw.trim() ? JSON.parse(raw) : {} }; } catch { return { ok: false }; }
  };
  if (m === 'GET' && p === '/__mock/health') return ctl(res, 200, { status: 'ok', envs: Object.keys(world.envs).length });
  if (m === 'GET' && p === '/__mock/clock') return ctl(res, 200, { now: new Date(nowS() * 1000).toISOString(), unix: nowS(), offset_s: shift });
  if (m === 'POST' && p === '/__mock/clock') {
    const b = json();
    if (!b.ok || !Number.isInteger(b.value?.advance_s) || b.value.advance_s < 0) return ctl(res, 400, { error: 'advance_s must be a whole number of seconds, 0 or more', issues: [{ path: '/advance_s', message: 'invalid' }] });
    shift += b.value.advance_s;
    return ctl(res, 200, { now: new Date(nowS() * 1000).toISOString(), unix: nowS(), offset_s: shift });
  }
  if (m === 'PUT' && p === '/__mock/data') {
    const b = json();
    const problem = b.ok ? checkDoc(b.value) : 'body is not JSON';
    if (problem) return ctl(res, 400, { error: problem, issues: [{ path: '', message: problem }] });
    world = build(b.value);
    return ctl(res, 200, { replaced: true, envs: Object.keys(world.envs).length });
  }
  if (m === 'POST' && p === '/__mock/reset') {
    world = build(startDoc);
    faults = [];
    rids = new Map();
    shift = 0;
    return ctl(res, 200, { reset: true });
  }
  if (p === '/__mock/faults') {
    if (m === 'GET') return ctl(res, 200, { faults });
    if (m === 'DELETE') { faults = []; return ctl(res, 200, { faults: [] }); }
    if (m === 'POST') {
      const b = json();
      const problem = b.ok ? faultProblem(b.value) : 'body is not JSON';
      if (problem) return ctl(res, 400, { error: problem, issues: [{ path: '', message: problem }] });
      const f = { ...b.value, left: b.value.times ?? 1 };
      faults.push(f);
      return ctl(res, 201, { queued: b.value, pending: faults.length });
    }
  }
  if (p === '/__mock/tokens') {
    if (m === 'GET') {
      const issued = [...world.issued].map(([token, t]) => ({
        component_access_token: cut(token), component_appid: t.appid, issued_at: t.issuedAt, expires_at: t.expiresAt, superseded_at: t.supersededAt,
        state: nowS() >= t.expiresAt ? 'expired' : t.supersededAt !== null && nowS() >= t.supersededAt + OVERLAP ? 'superseded' : 'valid',
      }));
      return ctl(res, 200, { tokens: world.tokens, issued });
    }
    if (m === 'PUT') {
      const b = json();
      const problem = b.ok ? checkDoc({ tokens: b.value }) : 'body is not JSON';
      if (problem) return ctl(res, 400, { error: problem, issues: [{ path: '', message: problem }] });
      world.tokens = { ...b.value };
      return ctl(res, 200, { tokens: world.tokens });
    }
  }
  const push = /^\/__mock\/components\/([^/]+)\/ticket$/.exec(p);
  if (push && m === 'POST') {
    const appid = decodeURIComponent(push[1]);
    const comp = Object.hasOwn(world.components, appid) ? world.components[appid] : null;
    if (!comp) return ctl(res, 404, { error: `no component ${appid}` });
    const b = json();
    const ticket = b.ok ? b.value?.component_verify_ticket : undefined;
    if (typeof ticket !== 'string' || !ticket) return ctl(res, 400, { error: 'component_verify_ticket must be a non-empty string', issues: [{ path: '/component_verify_ticket', message: 'required' }] });
    comp.ticket = ticket;
    comp.ticketSince = nowS();
    comp.pushed = true;
    return ctl(res, 201, { component_appid: appid, component_verify_ticket: ticket, expires_at: comp.ticketSince + TICKET_TTL });
  }
  return ctl(res, 404, { error: `no control route ${m} ${p}` });
}

// ------------------------------------------------------------------ server
function readAll(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

const server = http.createServer(async (req, res) => {
  const started = Date.now();
  let url;
  try {
    url = new URL(req.url, 'http://localhost');
  } catch {
    req.resume();
    return reply(res, 400, { error: 'bad request line' }, 'application/json');
  }
  const raw = await readAll(req).catch(() => '');
  try {
    const route = ROUTES[url.pathname];
    if (route) {
      const ctx = { req, res, url, raw, started };
      const f = nextFault(url.pathname);
      if (f && (await applyFault(ctx, f))) return;
      return route(ctx);
    }
    if (opts.control && url.pathname.startsWith('/__mock/')) return control(req, res, url, raw);
    reply(res, 404, { error: 'not found', endpoints: Object.keys(ROUTES).map((p) => `POST ${p}`) }, 'application/json');
  } catch (err) {
    console.error(err);
    if (!res.headersSent) reply(res, 200, { errcode: -1, errmsg: `system error rid: ${newRid()}` });
  }
});

server.listen(opts.port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 1500).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
