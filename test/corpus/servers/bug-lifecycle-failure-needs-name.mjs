// BUG: a forced failure that names no functionname (e.g. {"op":"create","env":X}) never matches, so the change succeeds; failures naming the function do work
// A fake of the WeChat endpoints a third-party platform uses around its cloud functions:
//   POST /cgi-bin/component/api_component_token   (appid + secret + ticket -> component token)
//   POST /cgi-bin/component/api_authorizer_token  (component + authorizer + refresh token -> authorizer token)
//   POST /componenttcb/describeenvs                (envs with cloud development)
//   POST /componenttcb/getscflist                  (cloud functions of an env)
//   POST /componenttcb/batchuploadscf              (create a function in several envs)
//   POST /componenttcb/batchuploadscfcode          (new code for a function in several envs)
//   POST /componenttcb/updatescfconfig             (memory, timeout, variables of one function)
//   POST /componenttcb/deletescf                   (delete one function)
//   POST /componenttcb/gettriggers                 (the triggers of one function)
//   POST /componenttcb/batchupdatetriggers         (replace a function's triggers in several envs)
//   POST /tcb/invokecloudfunction                  (run a function with the body as its event)
//   POST /cgi-bin/openapi/rid/get                  (the request behind an error's rid)
// Unknown paths under /cgi-bin/, /componenttcb/ and /tcb/ answer 40066 invalid url (HTTP 200).
// 40001 and 45009 carry the long text WeChat sends since 2023.
//
//   node correct-family.mjs --port 0 [--data FILE] [--control]
//
// Data file: as the kit's, plus components.<appid>.authorizers.<authorizer_appid> =
// {refresh_token, envs}, per function optional result (any JSON, returned by invoke), error
// (string: invoke answers -504002), triggers, memorysize, timeout, environment_variables, and a
// top-level scf_delay_s (seconds of mock time a create/update/delete stays in its transient status;
// default 0: the end state at once).
//
// With --control it also serves the lifecycle part of the control API (docs/control-api.md): GET/PUT
// /__mock/lifecycle ({transition_s: seconds or "realistic" (3), failures: [...]}), POST/DELETE
// /__mock/lifecycle/failures (forced failures {op, env?, functionname?, errcode?, errmsg?, times?}) and
// GET /__mock/envs/:env/functions/:name; the data file may carry the same `lifecycle` object
// (its transition_s wins over scf_delay_s).
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
  [-501007]: 'invalid parameters | errMsg: [InvalidParameter] Check request parameter fail',
  [-501009]: '[ResourceNotFound] 操作的资源对象非法或不存在',
  [-504001]: '[FunctionInvokeFailed] 云函数调用失败',
  [-504002]: '[FunctionExecuteFailed] 云函数执行失败',
  40001: 'invalid credential, access_token is invalid or not latest' + STABLE_HINT,
  40013: 'invalid appid',
  40066: 'invalid url',
  40014: 'invalid access_token',
  40097: 'invalid args',
  40101: 'missing parameter',
  40125: 'invalid appsecret',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41018: 'missing component_appid',
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
  61003: 'component is not authorized by this account',
  61011: 'invalid component',
  61014: 'must use component token for component api',
  61023: 'refresh_token is invalid',
  76001: 'rid not found',
  76002: 'rid is invalid',
  76003: 'no permission',
  85088: 'no qbase privilege',
};

const TOKEN_PATH = '/cgi-bin/component/api_component_token';
const ENVS_PATH = '/componenttcb/describeenvs';
const LIST_PATH = '/componenttcb/getscflist';
const RID_PATH = '/cgi-bin/openapi/rid/get';
const AUTH_TOKEN_PATH = '/cgi-bin/component/api_authorizer_token';
const UPLOAD_PATH = '/componenttcb/batchuploadscf';
const CODE_PATH = '/componenttcb/batchuploadscfcode';
const CONFIG_PATH = '/componenttcb/updatescfconfig';
const DELETE_PATH = '/componenttcb/deletescf';
const GET_TRIGGERS_PATH = '/componenttcb/gettriggers';
const SET_TRIGGERS_PATH = '/componenttcb/batchupdatetriggers';
const INVOKE_PATH = '/tcb/invokecloudfunction';
const WX_PREFIXES = ['/cgi-bin/', '/componenttcb/', '/tcb/'];
const WX_TYPE = 'application/json; encoding=utf-8';

const TOKEN_TTL = 7200;          // s
const OVERLAP = 300;             // a superseded token lives 5 more minutes
const AUTH_TTL = 7200;           // s, authorizer tokens
const AUTH_OVERLAP = 300;        // a superseded authorizer token lives 5 more minutes
const ZIP_MAX = 20 * 1024 * 1024;
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

// what the API does not list: code, config, triggers, scripted result, pending transition
function extras(fn) {
  return {
    result: fn.result,
    error: typeof fn.error === 'string' ? fn.error : null,
    triggers: (fn.triggers ?? []).map((t) => ({ trigger_name: t.trigger_name, type: String(t.type).toLowerCase(), config: t.config })),
    config: {
      memorysize: fn.memorysize ?? 256,
      timeout: fn.timeout ?? 3,
      environment_variables: fn.environment_variables ?? [],
      public_net_config: fn.public_net_config ?? { public_net_status: 'ENABLE', eip_status: 'DISABLE' },
      vpc_config: fn.vpc_config ?? { vpcid: '', subnetid: '' },
    },
    version: 1,
    pending: null, // { at, then: () => void }
  };
}

const REALISTIC_S = 3;
const DELETE_FAILED = { errcode: 'FailedOperation.DeleteFunction', errmsg: '删除函数失败,请稍后重试。' };

function transitionOf(v, fallback) {
  if (v === 'realistic') return { transition_s: REALISTIC_S, preset: 'realistic' };
  return { transition_s: v ?? fallback, preset: null };
}

function failureOf(x) {
  return { op: x.op, env: x.env ?? null, functionname: x.functionname ?? null, errcode: x.errcode ?? null, errmsg: x.errmsg ?? null, left: x.times ?? 1 };
}

function lifecycleFrom(doc) {
  const l = doc.lifecycle ?? {};
  return { ...transitionOf(l.transition_s, doc.scf_delay_s ?? 0), failures: (l.failures ?? []).map(failureOf) };
}

function failureProblem(x) {
  const plain = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!plain(x)) return 'a failure is an object';
  if (!['create', 'update', 'delete'].includes(x.op)) return 'op must be create, update or delete';
  for (const k of ['env', 'functionname', 'errcode', 'errmsg']) {
    if (x[k] !== undefined && (typeof x[k] !== 'string' || !x[k])) return `${k} must be a non-empty string`;
  }
  if (x.times !== undefined && !(Number.isInteger(x.times) && x.times >= 1)) return 'times must be a positive integer';
  return null;
}

function lifecycleProblem(l) {
  if (l === null || typeof l !== 'object' || Array.isArray(l)) return 'lifecycle must be an object';
  const t = l.transition_s;
  if (t !== undefined && t !== 'realistic' && !(Number.isInteger(t) && t >= 0 && t <= 86400)) return 'transition_s must be 0..86400 seconds or "realistic"';
  if (l.failures !== undefined) {
    if (!Array.isArray(l.failures)) return 'failures must be a list';
    if (l.failures.length > 100) return 'at most 100 failures';
    for (const x of l.failures) {
      const p = failureProblem(x);
      if (p) return `failures: ${p}`;
    }
  }
  return null;
}

const lifecycleView = () => ({
  transition_s: world.lifecycle.transition_s,
  preset: world.lifecycle.preset,
  failures: world.lifecycle.failures.map((x) => ({ op: x.op, ...(x.env ? { env: x.env } : {}), ...(x.functionname ? { functionname: x.functionname } : {}), ...(x.errcode ? { errcode: x.errcode } : {}), ...(x.errmsg ? { errmsg: x.errmsg } : {}), times: x.left })),
  pending: Object.values(world.envs).reduce((n, e) => n + e.functions.filter((f) => f.pending).length, 0),
});

const listed = (f) => ({ mod_time: f.mod_time, add_time: f.add_time, runtime: f.runtime, name: f.name, status: f.status, status_reason: f.status_reason });

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
    const fns = (e.functions ?? []).map((f) => ({ ...withDefaults(f), ...extras(f) }));
    for (let i = 1; i <= (e.generate ?? 0); i++) {
      const f = { name: `gen_fn_${i}`, add_time: beijing(EPOCH - i * 3600) };
      fns.push({ ...withDefaults(f), ...extras(f) });
    }
    sortFunctions(fns);
    envs[id] = { qbase: e.qbase !== false, info: envInfo(id, e), functions: fns };
  }
  const components = {};
  for (const [appid, c] of Object.entries(doc.components ?? {})) {
    const authorizers = {};
    for (const [aid, a] of Object.entries(c.authorizers ?? {})) authorizers[aid] = { refresh_token: a.refresh_token, envs: a.envs ?? null };
    components[appid] = { secret: c.secret, ticket: c.ticket ?? null, ticketSince: nowS(), pushed: false, authorizers };
  }
  return {
    tokens: { ...(doc.tokens ?? {}) },
    components,
    envs,
    delay: doc.scf_delay_s ?? 0,
    lifecycle: lifecycleFrom(doc),
    issued: new Map(), // token -> { appid, issuedAt, expiresAt, supersededAt }
    authIssued: new Map(), // token -> { component, authorizer, envs, issuedAt, expiresAt, supersededAt }
  };
}

function sortFunctions(fns) {
  fns.sort((a, b) => (a.add_time === b.add_time ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.add_time < b.add_time ? 1 : -1));
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
    if (c.authorizers !== undefined && !plain(c.authorizers)) return `components.${appid}.authorizers must be an object`;
    for (const [aid, a] of Object.entries(c.authorizers ?? {})) {
      if (!plain(a) || typeof a.refresh_token !== 'string' || !a.refresh_token) return `components.${appid}.authorizers.${aid}.refresh_token is required`;
      if (a.envs !== undefined && (!Array.isArray(a.envs) || a.envs.some((x) => typeof x !== 'string'))) return `components.${appid}.authorizers.${aid}.envs must be a list of env ids`;
    }
  }
  if (doc.scf_delay_s !== undefined && !(Number.isInteger(doc.scf_delay_s) && doc.scf_delay_s >= 0)) return 'scf_delay_s must be a whole number of seconds';
  if (doc.lifecycle !== undefined) {
    const p = lifecycleProblem(doc.lifecycle);
    if (p) return `lifecycle: ${p}`;
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

// null when the token is accepted, else [errcode, why]; authorizer tokens only where allowed
function judgeToken(token, authorizerOk = false) {
  const a = world.authIssued.get(token);
  if (a) {
    if (!authorizerOk) return [61014, 'authorizer token on a component api'];
    if (nowS() >= a.expiresAt) return [42001, 'authorizer token past expires_in'];
    if (a.supersededAt !== null && nowS() >= a.supersededAt + AUTH_OVERLAP) return [40001, 'authorizer token superseded over 5 minutes ago'];
    return null;
  }
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

  const needle = key.toLowerCase();
  const all = settle(e);
  const hits = needle ? all.filter((f) => f.name.toLowerCase().includes(needle)) : all;
  reply(ctx.res, 200, { errcode: 0, errmsg: 'ok', total_count: hits.length, functions: hits.slice(offset, offset + limit).map(listed) });
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

// ------------------------------------------------------------------ the family around getscflist
const nowText = () => beijing(nowS());

// applies the transitions whose time has come (mock clock); scf_delay_s 0 applies them at once
function settle(e) {
  for (const f of [...e.functions]) {
    if (f.pending && nowS() >= f.pending.at) {
      const then = f.pending.then;
      f.pending = null;
      then();
    }
  }
  return e.functions;
}

function transit(e, f, status, then, op = null, willFail = false) {
  f.status = status;
  f.status_reason = [];
  f.pending = { op, at: nowS() + world.lifecycle.transition_s, willFail, then };
  if (world.lifecycle.transition_s === 0) settle(e);
}

// the first queued forced failure for this change (used up), as a status_reason entry, or null
function takeFailure(op, env, name) {
  const list = world.lifecycle.failures;
  const i = list.findIndex((x) => x.op === op && (x.env === null || x.env === env) && x.functionname === name);
  if (i < 0) return null;
  const x = list[i];
  if (--x.left <= 0) list.splice(i, 1);
  const dflt = op === 'delete' ? DELETE_FAILED : NO_ENTRY;
  return { errcode: x.errcode ?? dflt.errcode, errmsg: x.errmsg ?? dflt.errmsg };
}

function findFn(e, name) {
  settle(e);
  return e.functions.find((f) => f.name === name) ?? null;
}

const BUSY = ['Creating', 'Updating', 'Deleting', 'Publishing'];
const busyText = (f) => `[FailedOperation] 当前函数处于${f.status}状态,无法进行此操作,请稍后重试。`;
const NO_ENV = "can't find the env";
const NO_FN = '[ResourceNotFound.Function] 函数不存在';
const NO_ENTRY = { errcode: 'ResourceNotFound.File', errmsg: '未找到函数执行入口文件,请确认代码包入口文件名和 handler 设置是否对应或代码压缩包是否正常。' };

function envOf(id) {
  return Object.hasOwn(world.envs, id) ? world.envs[id] : null;
}

// the names at the root of a zip (central directory), or null when it is not a zip
function zipNames(buf) {
  for (let i = buf.length - 22; i >= 0 && i >= buf.length - 22 - 65535; i--) {
    if (buf.readUInt32LE(i) !== 0x06054b50) continue;
    const count = buf.readUInt16LE(i + 10);
    let p = buf.readUInt32LE(i + 16);
    const names = [];
    for (let n = 0; n < count; n++) {
      if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) return null;
      const len = buf.readUInt16LE(p + 28);
      const extra = buf.readUInt16LE(p + 30);
      const comment = buf.readUInt16LE(p + 32);
      names.push(buf.subarray(p + 46, p + 46 + len).toString('utf8'));
      p += 46 + len + extra + comment;
    }
    return names;
  }
  return null;
}

// [errcode, why] for a bad zipfile, or { entry: has index.js at the root }
function readZip(zipfile) {
  if (typeof zipfile !== 'string') return [47001, 'zipfile is not a string'];
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(zipfile.replace(/\s+/g, ''))) return [47001, 'zipfile is not base64'];
  const buf = Buffer.from(zipfile, 'base64');
  if (buf.length > ZIP_MAX) return [40097, 'zipfile over 20 MB'];
  const names = zipNames(buf);
  if (!names) return [47001, 'zipfile is not a zip'];
  return { entry: names.includes('index.js'), code: { size: buf.length, sha256: crypto.createHash('sha256').update(buf).digest('hex'), files: names } };
}

const FN_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$/;

// common start of the componenttcb calls: method, token, body; the body object or undefined (answered)
function familyBody(ctx) {
  if (ctx.req.method !== 'POST') return void fail(ctx, 43002, 'method is not POST');
  const token = tokenFrom(ctx.url, true);
  if (!token) return void fail(ctx, 41001, 'no token in the query');
  const bad = judgeToken(token);
  if (bad) return void fail(ctx, ...bad);
  if (!ctx.raw.trim()) return void fail(ctx, 44002, 'empty body');
  const body = parseObject(ctx.raw);
  if (!body) return void fail(ctx, 47001, 'body is not a JSON object');
  return body;
}

// null when every field is there and a string, else answered
function needStrings(ctx, body, keys) {
  for (const k of keys) {
    const v = body[k];
    if (v === undefined || v === null || v === '') return void fail(ctx, 40101, `no ${k}`) ?? false;
    if (typeof v !== 'string') return void fail(ctx, 47001, `${k} is not a string`) ?? false;
  }
  return true;
}

function needEnvList(ctx, body) {
  const v = body.envs;
  if (v === undefined || v === null) return void fail(ctx, 40101, 'no envs') ?? false;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return void fail(ctx, 47001, 'envs is not a list of strings') ?? false;
  if (v.length === 0) return void fail(ctx, 40097, 'envs is empty') ?? false;
  return true;
}

// per-env failures are listed; the call itself succeeds (top-level errcode 0)
function batchAnswer(ctx, key, failures) {
  reply(ctx.res, 200, { errcode: 0, errmsg: 'ok', [key]: failures });
}

function singleEnv(ctx, id) {
  const e = envOf(id);
  if (!e) return void fail(ctx, 40097, 'unknown env');
  if (!e.qbase) return void fail(ctx, 85088, 'env without cloud development');
  return e;
}

function uploadScf(ctx) {
  const body = familyBody(ctx);
  if (!body) return;
  if (!needStrings(ctx, body, ['functionname'])) return;
  if (!needEnvList(ctx, body)) return;
  if (body.zipfile === undefined || body.zipfile === null || body.zipfile === '') return fail(ctx, 40101, 'no zipfile');
  if (!FN_NAME.test(body.functionname)) return fail(ctx, 40097, 'functionname breaks the SCF naming rules');
  const zip = readZip(body.zipfile);
  if (Array.isArray(zip)) return fail(ctx, ...zip);
  const failures = [];
  for (const id of [...new Set(body.envs)]) {
    const e = envOf(id);
    if (!e) { failures.push({ env: id, errmsg: NO_ENV }); continue; }
    if (!e.qbase) { failures.push({ env: id, errmsg: MESSAGES[85088] }); continue; }
    if (findFn(e, body.functionname)) { failures.push({ env: id, errmsg: `[ResourceInUse.Function] 函数${body.functionname}已存在` }); continue; }
    const now = nowText();
    const f = { ...withDefaults({ name: body.functionname, add_time: now, mod_time: now, runtime: 'Nodejs8.9' }), ...extras({ name: body.functionname }) };
    f.code = zip.code;
    e.functions.push(f);
    sortFunctions(e.functions);
    const forced = takeFailure('create', id, body.functionname);
    transit(e, f, 'Creating', () => {
      if (forced) { f.status = 'CreateFailed'; f.status_reason = [forced]; } else if (zip.entry) { f.status = 'Active'; f.status_reason = []; } else { f.status = 'CreateFailed'; f.status_reason = [{ ...NO_ENTRY }]; }
    }, 'create', Boolean(forced) || !zip.entry);
  }
  batchAnswer(ctx, 'fail_env_list', failures);
}

function uploadScfCode(ctx) {
  const body = familyBody(ctx);
  if (!body) return;
  if (!needStrings(ctx, body, ['functionname'])) return;
  if (!needEnvList(ctx, body)) return;
  if (body.zipfile === undefined || body.zipfile === null || body.zipfile === '') return fail(ctx, 40101, 'no zipfile');
  const zip = readZip(body.zipfile);
  if (Array.isArray(zip)) return fail(ctx, ...zip);
  const failures = [];
  for (const id of [...new Set(body.envs)]) {
    const e = envOf(id);
    if (!e) { failures.push({ env: id, errormsg: NO_ENV }); continue; }
    if (!e.qbase) { failures.push({ env: id, errormsg: MESSAGES[85088] }); continue; }
    const f = findFn(e, body.functionname);
    if (!f) { failures.push({ env: id, errormsg: NO_FN }); continue; }
    if (BUSY.includes(f.status) || f.status === 'CreateFailed') { failures.push({ env: id, errormsg: busyText(f) }); continue; }
    f.mod_time = nowText();
    const forced = takeFailure('update', id, body.functionname);
    transit(e, f, 'Updating', () => {
      if (!forced && zip.entry) { f.status = 'Active'; f.status_reason = []; f.version += 1; f.code = zip.code; } else {
        // the previous code keeps serving
        f.status = 'UpdateFailed';
        f.status_reason = [forced ?? { ...NO_ENTRY }];
      }
    }, 'update', Boolean(forced) || !zip.entry);
  }
  batchAnswer(ctx, 'fail_list', failures);
}

const MEMORY_OK = (m) => Number.isInteger(m) && (m === 64 || (m >= 128 && m <= 3072 && m % 128 === 0));

function updateConfig(ctx) {
  const body = familyBody(ctx);
  if (!body) return;
  if (!needStrings(ctx, body, ['env', 'functionname'])) return;
  const { memorysize, timeout, environment_variables: vars, public_net_config: net, vpc_config: vpc } = body;
  if (memorysize !== undefined && !MEMORY_OK(memorysize)) return fail(ctx, 40097, 'memorysize must be 64 or 128..3072 in steps of 128');
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout >= 1 && timeout <= 900)) return fail(ctx, 40097, 'timeout must be 1..900 s');
  if (vars !== undefined && !(Array.isArray(vars) && vars.every((v) => v && typeof v.key === 'string' && v.key && typeof v.value === 'string'))) return fail(ctx, 47001, 'environment_variables must be [{key, value}]');
  const onOff = (v) => v === 'ENABLE' || v === 'DISABLE';
  if (net !== undefined && !(net && onOff(net.public_net_status) && onOff(net.eip_status))) return fail(ctx, 47001, 'public_net_config needs public_net_status and eip_status ENABLE/DISABLE');
  if (vpc !== undefined && !(vpc && typeof vpc === 'object' && ['vpcid', 'subnetid'].every((k) => vpc[k] === undefined || typeof vpc[k] === 'string'))) return fail(ctx, 47001, 'vpc_config must be {vpcid, subnetid}');
  const e = singleEnv(ctx, body.env);
  if (!e) return;
  const f = findFn(e, body.functionname);
  if (!f) return fail(ctx, -501009, 'no such function');
  if (BUSY.includes(f.status)) return fail(ctx, -501009, `function is ${f.status}`, busyText(f));
  const forced = takeFailure('update', body.env, body.functionname);
  const c = forced ? {} : f.config; // a forced failure leaves the configuration as it was
  if (memorysize !== undefined) c.memorysize = memorysize;
  if (timeout !== undefined) c.timeout = timeout;
  if (vars !== undefined) c.environment_variables = vars.map((v) => ({ key: v.key, value: v.value }));
  if (net !== undefined) c.public_net_config = { public_net_status: net.public_net_status, eip_status: net.eip_status };
  if (vpc !== undefined) c.vpc_config = { vpcid: vpc.vpcid ?? '', subnetid: vpc.subnetid ?? '' };
  f.mod_time = nowText();
  const before = { status: f.status, reason: f.status_reason };
  // a config change does not mend failed code: UpdateFailed stays UpdateFailed with its reason
  transit(e, f, 'Updating', () => {
    if (forced) { f.status = 'UpdateFailed'; f.status_reason = [forced]; } else if (before.status === 'UpdateFailed' || before.status === 'CreateFailed') { f.status = before.status; f.status_reason = before.reason; } else { f.status = 'Active'; f.status_reason = []; }
  }, 'update', Boolean(forced));
  reply(ctx.res, 200, { errcode: 0, errmsg: 'ok' });
}

function deleteScf(ctx) {
  const body = familyBody(ctx);
  if (!body) return;
  if (!needStrings(ctx, body, ['functionname', 'env'])) return;
  const e = singleEnv(ctx, body.env);
  if (!e) return;
  const f = findFn(e, body.functionname);
  if (!f) return fail(ctx, -501009, 'no such function');
  if (BUSY.includes(f.status)) return fail(ctx, -501009, `function is ${f.status}`, busyText(f));
  const forced = takeFailure('delete', body.env, body.functionname);
  transit(e, f, 'Deleting', () => {
    if (forced) { f.status = 'DeleteFailed'; f.status_reason = [forced]; return; }
    f.triggers = [];
    const i = e.functions.indexOf(f);
    if (i >= 0) e.functions.splice(i, 1);
  }, 'delete', Boolean(forced));
  reply(ctx.res, 200, { errcode: 0, errmsg: 'ok' });
}

function getTriggers(ctx) {
  const body = familyBody(ctx);
  if (!body) return;
  if (!needStrings(ctx, body, ['env', 'funcname'])) return;
  const e = singleEnv(ctx, body.env);
  if (!e) return;
  const f = findFn(e, body.funcname);
  if (!f) return fail(ctx, -501009, 'no such function');
  reply(ctx.res, 200, { errcode: 0, errmsg: 'ok', triggers: f.triggers.map((t) => ({ trigger_name: t.trigger_name, type: t.type, config: t.config })) });
}

const TRIGGER_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/;
const CRON_FIELD = /^[0-9A-Za-z*?,\-/]+$/;

function updateTriggers(ctx) {
  const body = familyBody(ctx);
  if (!body) return;
  if (!needStrings(ctx, body, ['funcname'])) return;
  if (!needEnvList(ctx, body)) return;
  let list = body.triggers;
  if (list === undefined || list === null) return fail(ctx, 40101, 'no triggers');
  if (!Array.isArray(list)) list = [list]; // the old table types it as one Object
  if (list.length > 1) return fail(ctx, 40097, 'only one trigger per function');
  const triggers = [];
  for (const t of list) {
    if (!t || typeof t !== 'object') return fail(ctx, 47001, 'a trigger is an object');
    for (const k of ['trigger_name', 'type', 'config']) {
      if (t[k] === undefined || t[k] === null || t[k] === '') return fail(ctx, 40101, `no triggers[].${k}`);
      if (typeof t[k] !== 'string') return fail(ctx, 47001, `triggers[].${k} is not a string`);
    }
    if (!TRIGGER_NAME.test(t.trigger_name)) return fail(ctx, 40097, 'trigger_name breaks the naming rules');
    if (t.type.toLowerCase() !== 'timer') return fail(ctx, 40097, 'only timer triggers');
    const fields = t.config.trim().split(/\s+/);
    if (fields.length !== 7 || !fields.every((x) => CRON_FIELD.test(x))) return fail(ctx, 40097, 'config must be a 7-field cron');
    triggers.push({ trigger_name: t.trigger_name, type: 'timer', config: t.config });
  }
  const failures = [];
  for (const id of [...new Set(body.envs)]) {
    const e = envOf(id);
    if (!e) { failures.push({ env: id, errmsg: NO_ENV }); continue; }
    if (!e.qbase) { failures.push({ env: id, errmsg: MESSAGES[85088] }); continue; }
    const f = findFn(e, body.funcname);
    if (!f) { failures.push({ env: id, errmsg: NO_FN }); continue; }
    if (f.status === 'Deleting') { failures.push({ env: id, errmsg: busyText(f) }); continue; }
    f.triggers = triggers.map((t) => ({ ...t })); // replaces the list
  }
  batchAnswer(ctx, 'err_list', failures);
}

// component token, authorizer token or a listed token; env and name in the query, the body is the event
function invokeFunction(ctx) {
  if (ctx.req.method !== 'POST') return fail(ctx, 43002, 'method is not POST');
  const token = ctx.url.searchParams.get('access_token') || ctx.url.searchParams.get('cloudbase_access_token') || '';
  if (!token) return fail(ctx, 41001, 'no access_token in the query');
  const bad = judgeToken(token, true);
  if (bad) return fail(ctx, ...bad);
  const envId = ctx.url.searchParams.get('env') || '';
  const name = ctx.url.searchParams.get('name') || '';
  if (!envId) return fail(ctx, 40101, 'no env in the query');
  if (!name) return fail(ctx, 40101, 'no name in the query');
  if (!ctx.raw.trim()) return fail(ctx, 44002, 'empty body');
  let event;
  try { event = JSON.parse(ctx.raw); } catch { return fail(ctx, 47001, 'body is not JSON'); }
  const e = envOf(envId);
  const auth = world.authIssued.get(token);
  if (!e) return fail(ctx, -501007, 'unknown env');
  if (auth && auth.envs && !auth.envs.includes(envId)) return fail(ctx, -501007, 'env not of this authorizer');
  if (!e.qbase) return fail(ctx, 85088, 'env without cloud development');
  const f = findFn(e, name);
  if (!f) return fail(ctx, -501009, 'no such function');
  if (!['Active', 'Updating', 'UpdateFailed'].includes(f.status)) return fail(ctx, -504001, `function is ${f.status}`);
  if (f.error !== null) return fail(ctx, -504002, 'scripted error', `${MESSAGES[-504002]}: ${f.error}`);
  const value = f.result !== undefined ? f.result : { event };
  reply(ctx.res, 200, { errcode: 0, errmsg: 'ok', resp_data: JSON.stringify(value) });
}

function mintRefresh() {
  return `refreshtoken@@@${crypto.randomBytes(32).toString('base64url')}`;
}

function authorizerToken(ctx) {
  if (ctx.req.method !== 'POST') return fail(ctx, 43002, 'method is not POST');
  const token = tokenFrom(ctx.url, true);
  if (!token) return fail(ctx, 41001, 'no token in the query');
  const bad = judgeToken(token);
  if (bad) return fail(ctx, ...bad);
  if (!ctx.raw.trim()) return fail(ctx, 44002, 'empty body');
  const body = parseObject(ctx.raw);
  if (!body) return fail(ctx, 47001, 'body is not a JSON object');
  for (const k of ['component_appid', 'authorizer_appid', 'authorizer_refresh_token']) {
    if (body[k] !== undefined && body[k] !== null && typeof body[k] !== 'string') return fail(ctx, 47001, `${k} is not a string`);
  }
  const appid = body.component_appid ?? '';
  const aid = body.authorizer_appid ?? '';
  const sent = body.authorizer_refresh_token ?? '';
  if (!appid) return fail(ctx, 41018, 'no component_appid');
  if (!aid) return fail(ctx, 40101, 'no authorizer_appid');
  const anyComponent = Object.keys(world.components).length === 0;
  const comp = Object.hasOwn(world.components, appid) ? world.components[appid] : null;
  if (!anyComponent && !comp) return fail(ctx, 61011, 'component_appid not a listed component');
  const own = comp && Object.keys(comp.authorizers).length > 0 ? comp.authorizers : null;
  let envs = null;
  if (own) {
    const a = Object.hasOwn(own, aid) ? own[aid] : null;
    if (!a) return fail(ctx, 61003, 'authorizer not authorized to this component');
    if (sent !== a.refresh_token) return fail(ctx, 61023, 'refresh token is not this authorizer\'s');
    envs = a.envs;
  } else if (!sent) {
    return fail(ctx, 61023, 'no refresh token');
  }
  const refresh = sent; // refreshing does not rotate the refresh token
  const now = nowS();
  for (const t of world.authIssued.values()) {
    if (t.component === appid && t.authorizer === aid && t.supersededAt === null) t.supersededAt = now;
  }
  const fresh = mintToken();
  world.authIssued.set(fresh, { component: appid, authorizer: aid, envs, issuedAt: now, expiresAt: now + AUTH_TTL, supersededAt: null });
  reply(ctx.res, 200, { authorizer_access_token: fresh, expires_in: AUTH_TTL, authorizer_refresh_token: refresh });
}

function unknownPath(ctx) {
  fail(ctx, 40066, 'no such api');
}

const ROUTES = {
  [TOKEN_PATH]: componentToken,
  [AUTH_TOKEN_PATH]: authorizerToken,
  [ENVS_PATH]: describeEnvs,
  [LIST_PATH]: listFunctions,
  [UPLOAD_PATH]: uploadScf,
  [CODE_PATH]: uploadScfCode,
  [CONFIG_PATH]: updateConfig,
  [DELETE_PATH]: deleteScf,
  [GET_TRIGGERS_PATH]: getTriggers,
  [SET_TRIGGERS_PATH]: updateTriggers,
  [INVOKE_PATH]: invokeFunction,
  [RID_PATH]: ridGet,
};

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
      const authorizers = [...world.authIssued].map(([token, t]) => ({
        authorizer_access_token: cut(token), component_appid: t.component, authorizer_appid: t.authorizer, issued_at: t.issuedAt, expires_at: t.expiresAt, superseded_at: t.supersededAt,
        state: nowS() >= t.expiresAt ? 'expired' : t.supersededAt !== null && nowS() >= t.supersededAt + AUTH_OVERLAP ? 'superseded' : 'valid',
      }));
      return ctl(res, 200, { tokens: world.tokens, issued, authorizers });
    }
    if (m === 'PUT') {
      const b = json();
      const problem = b.ok ? checkDoc({ tokens: b.value }) : 'body is not JSON';
      if (problem) return ctl(res, 400, { error: problem, issues: [{ path: '', message: problem }] });
      world.tokens = { ...b.value };
      return ctl(res, 200, { tokens: world.tokens });
    }
  }
  if (p === '/__mock/lifecycle') {
    if (m === 'GET') return ctl(res, 200, lifecycleView());
    if (m === 'PUT') {
      const b = json();
      const problem = b.ok ? lifecycleProblem(b.value) : 'body is not JSON';
      if (problem) return ctl(res, 400, { error: problem, issues: [{ path: '', message: problem }] });
      if (b.value.transition_s !== undefined) Object.assign(world.lifecycle, transitionOf(b.value.transition_s, 0));
      world.lifecycle.failures = (b.value.failures ?? []).map(failureOf);
      return ctl(res, 200, lifecycleView());
    }
  }
  if (p === '/__mock/lifecycle/failures') {
    if (m === 'DELETE') { world.lifecycle.failures = []; return ctl(res, 200, lifecycleView()); }
    if (m === 'POST') {
      const b = json();
      const problem = b.ok ? failureProblem(b.value) : 'body is not JSON';
      if (problem) return ctl(res, 400, { error: problem, issues: [{ path: '', message: problem }] });
      if (world.lifecycle.failures.length >= 100) return ctl(res, 409, { error: '100 failures are queued already' });
      world.lifecycle.failures.push(failureOf(b.value));
      return ctl(res, 201, { queued: b.value, failures: world.lifecycle.failures.length });
    }
  }
  const fn = /^\/__mock\/envs\/([^/]+)\/functions\/([^/]+)$/.exec(p);
  if (fn && m === 'GET') {
    const id = decodeURIComponent(fn[1]);
    const name = decodeURIComponent(fn[2]);
    const e = envOf(id);
    if (!e) return ctl(res, 404, { error: `no env ${id}` });
    const f = findFn(e, name);
    if (!f) return ctl(res, 404, { error: `no function ${name} in ${id}` });
    const view = {
      env: id,
      function: listed(f),
      config: { runtime: f.runtime, handler: 'index.main', ...f.config, environment_variables: f.config.environment_variables.map((v) => ({ ...v })) },
      triggers: f.triggers.map((t) => ({ ...t })),
    };
    if (f.code) view.code = { ...f.code, files: [...f.code.files] };
    if (f.pending) view.pending = { op: f.pending.op, due: f.pending.at, will_fail: f.pending.willFail };
    return ctl(res, 200, view);
  }
  const one = /^\/__mock\/envs\/([^/]+)$/.exec(p);
  if (one && m === 'GET') {
    const id = decodeURIComponent(one[1]);
    const e = envOf(id);
    if (!e) return ctl(res, 404, { error: `no env ${id}` });
    const functions = settle(e).map((f) => ({ ...listed(f), triggers: f.triggers, config: f.config, code_version: f.version }));
    return ctl(res, 200, { env: id, qbase: e.qbase, total_count: functions.length, functions });
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
    if (WX_PREFIXES.some((p) => url.pathname.startsWith(p))) return unknownPath({ req, res, url, raw, started });
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
