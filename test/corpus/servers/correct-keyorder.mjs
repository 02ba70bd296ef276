#!/usr/bin/env node
// A stand-in for WeChat's componenttcb/getscflist, for local development.
// Answers are pretty-printed and keys come out in our own order (JSON objects are unordered).
//
//   node correct-keyorder.mjs --port 0 [--data FILE] [--control]

import { createServer, STATUS_CODES } from 'node:http';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { randomInt } from 'node:crypto';

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    data: { type: 'string' },
    control: { type: 'boolean', default: false },
  },
});

const MESSAGES = new Map([
  [-1000, 'system error'], [-1, 'system error'],
  [40001, 'invalid credential, access_token is invalid or not latest'],
  [40014, 'invalid access_token'], [40097, 'invalid args'], [40101, 'missing parameter'],
  [41001, 'access_token missing'], [42001, 'access_token expired'], [43002, 'require POST method'],
  [44002, 'empty post data'], [45009, 'reach max api daily quota limit'],
  [45011, 'api minute-quota reach limit mustslower retry next minute'],
  [47001, 'data format error'], [48001, 'api unauthorized'],
  [61007, 'api is unauthorized to component'], [85088, 'no qbase privilege'],
]);

class WxError extends Error {
  constructor(code, why) { super(why); this.code = code; }
}

const hex8 = () => randomInt(0, 2 ** 32).toString(16).padStart(8, '0');
const requestId = () => `${(Math.trunc(Date.now() / 1000) >>> 0).toString(16).padStart(8, '0')}-${hex8()}-${hex8()}`;

const isPlainObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const sortKeys = (o) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));

// ------------------------------------------------------------------ the store
const EPOCH = new Date('2023-11-20T02:00:00Z').getTime();

function beijing(ms) {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

function defaultsFor(name) {
  let seed = 7;
  for (let i = 0; i < name.length; i++) seed = (seed * 31 + name.charCodeAt(i)) % 1_000_003;
  const when = beijing(EPOCH - seed * 60_000);
  return { runtime: 'Nodejs18.15', status: 'Active', status_reason: [], add_time: when, mod_time: when };
}

class Store {
  constructor(doc) {
    this.tokens = new Map(Object.entries(doc.tokens ?? {}));
    this.envs = new Map();
    for (const [id, env] of Object.entries(doc.envs ?? {})) {
      const fns = (env.functions ?? []).map((f) => ({ ...defaultsFor(f.name), ...stripUndefined(f) }));
      for (let n = 1; n <= (env.generate ?? 0); n++) {
        const when = beijing(EPOCH - n * 45 * 60_000);
        fns.push({ name: `fn-${String(n).padStart(4, '0')}`, runtime: 'Nodejs18.15', status: 'Active', status_reason: [], add_time: when, mod_time: when });
      }
      fns.sort((a, b) => (b.add_time > a.add_time) - (b.add_time < a.add_time) || (a.name > b.name) - (a.name < b.name));
      this.envs.set(id, { qbase: env.qbase ?? true, fns });
    }
  }

  static check(doc) {
    const problems = [];
    const bad = (path, message) => problems.push({ path, message });
    if (!isPlainObject(doc)) { bad('', 'expected an object'); return problems; }
    if ('tokens' in doc) {
      if (!isPlainObject(doc.tokens)) bad('/tokens', 'expected an object');
      else for (const [t, kind] of Object.entries(doc.tokens)) if (!['valid', 'expired', 'no-qbase'].includes(kind)) bad(`/tokens/${t}`, 'unknown kind');
    }
    if ('envs' in doc) {
      if (!isPlainObject(doc.envs)) bad('/envs', 'expected an object');
      else for (const [id, env] of Object.entries(doc.envs)) {
        if (!/^[\w-]{1,64}$/.test(id)) bad(`/envs/${id}`, 'bad env id');
        if (!isPlainObject(env)) { bad(`/envs/${id}`, 'expected an object'); continue; }
        if ('qbase' in env && typeof env.qbase !== 'boolean') bad(`/envs/${id}/qbase`, 'expected a boolean');
        if ('generate' in env && !(Number.isSafeInteger(env.generate) && env.generate >= 0)) bad(`/envs/${id}/generate`, 'expected a count');
        if ('functions' in env) {
          if (!Array.isArray(env.functions)) bad(`/envs/${id}/functions`, 'expected an array');
          else env.functions.forEach((f, i) => { if (!isPlainObject(f) || typeof f.name !== 'string' || !f.name) bad(`/envs/${id}/functions/${i}`, 'needs a name'); });
        }
      }
    }
    return problems;
  }
}

function stripUndefined(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}

let initialDoc = { tokens: {}, envs: {} };
if (opts.data) {
  initialDoc = JSON.parse(await readFile(opts.data, 'utf8'));
  const problems = Store.check(initialDoc);
  if (problems.length) { console.error('data file rejected:', problems); process.exit(1); }
}
let store = new Store(initialDoc);
let faultQueue = [];

// ------------------------------------------------------------------ output
function reply(res, status, payload, headers = {}) {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload, null, 2) + '\n';
  res.statusCode = status;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

const WX_TYPE = { 'content-type': 'application/json; encoding=utf-8' };

function wechatError(res, err) {
  reply(res, 200, { errmsg: `${MESSAGES.get(err.code) ?? 'system error'} rid: ${requestId()}`, errcode: err.code },
    { ...WX_TYPE, 'x-mock-reason': err.message });
}

// ------------------------------------------------------------------ getscflist
function nullish(v) { return v === undefined || v === null; }

function getscflist(method, query, raw) {
  if (method !== 'POST') throw new WxError(43002, 'not POST');
  const token = query.get('access_token') ?? '';
  if (token.length === 0) throw new WxError(41001, 'no token in query');
  if (store.tokens.size > 0) {
    switch (store.tokens.get(token)) {
      case 'valid': break;
      case 'expired': throw new WxError(42001, 'expired token');
      case 'no-qbase': throw new WxError(85088, 'no-qbase token');
      default: throw new WxError(40001, 'unlisted token');
    }
  }
  if (/^\s*$/.test(raw)) throw new WxError(44002, 'empty body');
  let req;
  try { req = JSON.parse(raw); } catch { throw new WxError(47001, 'unparsable body'); }
  if (!isPlainObject(req)) throw new WxError(47001, 'body not an object');

  const { env } = req;
  const offset = nullish(req.offset) ? 0 : req.offset;
  const limit = nullish(req.limit) ? 20 : req.limit;
  const key = !nullish(req.searchkey) ? req.searchkey : !nullish(req.searchKey) ? req.searchKey : '';
  if (typeof env !== 'string' || !env) throw new WxError(47001, 'env');
  if (!Number.isInteger(offset) || offset < 0) throw new WxError(47001, 'offset');
  if (!Number.isInteger(limit) || limit <= 0 || limit > 100) throw new WxError(47001, 'limit');
  if (typeof key !== 'string') throw new WxError(47001, 'searchkey');

  const e = store.envs.get(env);
  if (e?.qbase === false) throw new WxError(85088, 'env without qbase');
  if (!e) throw new WxError(40097, 'no such env');

  const needle = key.toLowerCase();
  const hits = needle ? e.fns.filter((f) => f.name.toLowerCase().indexOf(needle) !== -1) : e.fns;
  return {
    functions: hits.slice(offset, offset + limit).map((f) => sortKeys({
      add_time: f.add_time, mod_time: f.mod_time, name: f.name, runtime: f.runtime, status: f.status,
      status_reason: (f.status_reason ?? []).map(sortKeys),
    })),
    total_count: hits.length,
    errmsg: 'ok',
    errcode: 0,
  };
}

// ------------------------------------------------------------------ faults
function faultProblems(f) {
  if (!isPlainObject(f)) return [{ path: '', message: 'expected an object' }];
  const p = [];
  const kinds = ['errcode', 'latency_ms', 'http_status', 'body', 'drop'].filter((k) => k in f);
  if (!kinds.length) p.push({ path: '', message: 'no fault given' });
  if ('errcode' in f && !Number.isInteger(f.errcode)) p.push({ path: '/errcode', message: 'integer expected' });
  if ('latency_ms' in f) {
    const l = f.latency_ms;
    const ok = (typeof l === 'number' && l >= 0) || (isPlainObject(l) && l.min >= 0 && l.max >= l.min);
    if (!ok) p.push({ path: '/latency_ms', message: 'number or {min,max}' });
  }
  if ('http_status' in f && !(Number.isInteger(f.http_status) && f.http_status >= 400 && f.http_status < 600)) p.push({ path: '/http_status', message: '4xx or 5xx' });
  if ('body' in f && f.body !== 'truncated-json' && f.body !== 'malformed-json') p.push({ path: '/body', message: 'truncated-json or malformed-json' });
  if ('drop' in f && f.drop !== true) p.push({ path: '/drop', message: 'must be true' });
  if ('times' in f && !(Number.isInteger(f.times) && f.times > 0)) p.push({ path: '/times', message: 'positive integer' });
  return p;
}

function nextFault() {
  const head = faultQueue[0];
  if (!head) return undefined;
  if (--head.left === 0) faultQueue.shift();
  return head.fault;
}

async function applyFault(fault, req, res) {
  if (fault.latency_ms !== undefined) {
    const l = fault.latency_ms;
    const ms = typeof l === 'number' ? l : l.min + Math.floor(Math.random() * (l.max - l.min + 1));
    await new Promise((r) => setTimeout(r, ms));
  }
  if (fault.drop) { res.socket?.destroy(); return true; }
  if (fault.http_status) {
    const s = fault.http_status;
    const html = `<!DOCTYPE html>\n<html><head><title>${s} ${STATUS_CODES[s] ?? ''}</title></head>\n<body><h1>${s} ${STATUS_CODES[s] ?? ''}</h1><p>The upstream server is unavailable.</p></body></html>\n`;
    reply(res, s, html, { 'content-type': 'text/html; charset=utf-8' });
    return true;
  }
  if (fault.body) {
    const good = JSON.stringify({ errcode: 0, errmsg: 'ok', total_count: 3, functions: [] });
    reply(res, 200, fault.body === 'truncated-json' ? good.slice(0, 25) : good.replace(/"/g, "'").replace('}', ',,}'), WX_TYPE);
    return true;
  }
  if (fault.errcode !== undefined) { wechatError(res, new WxError(fault.errcode, 'fault')); return true; }
  return false; // latency only: answer normally
}

// ------------------------------------------------------------------ control
async function control(method, path, raw, res) {
  const json = () => JSON.parse(raw);
  const invalid = (error, issues) => reply(res, 400, { error, issues });
  if (path === '/__mock/health' && method === 'GET') return reply(res, 200, { status: 'ok', envs: store.envs.size });
  if (path === '/__mock/reset' && method === 'POST') { store = new Store(initialDoc); faultQueue = []; return reply(res, 200, { reset: true }); }
  if (path === '/__mock/data' && method === 'PUT') {
    let doc; try { doc = json(); } catch { return invalid('invalid JSON', [{ path: '', message: 'not JSON' }]); }
    const problems = Store.check(doc);
    if (problems.length) return invalid('invalid data', problems);
    store = new Store(doc);
    return reply(res, 200, { envs: store.envs.size });
  }
  if (path === '/__mock/faults') {
    if (method === 'GET') return reply(res, 200, { faults: faultQueue.map((q) => ({ ...q.fault, times: q.left })) });
    if (method === 'DELETE') { faultQueue = []; return reply(res, 200, { faults: [] }); }
    if (method === 'POST') {
      let f; try { f = json(); } catch { return invalid('invalid JSON', [{ path: '', message: 'not JSON' }]); }
      const problems = faultProblems(f);
      if (problems.length) return invalid('invalid fault', problems);
      faultQueue.push({ fault: f, left: f.times ?? 1 });
      return reply(res, 201, { queued: faultQueue.length });
    }
  }
  return reply(res, 404, { error: `${method} ${path} is not a control route` });
}

// ------------------------------------------------------------------ server
const server = createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', async () => {
    const raw = Buffer.concat(parts).toString('utf8');
    const url = new URL(req.url, 'http://localhost');
    try {
      if (url.pathname === '/componenttcb/getscflist') {
        const fault = nextFault();
        if (fault && await applyFault(fault, req, res)) return;
        try {
          reply(res, 200, getscflist(req.method, url.searchParams, raw), WX_TYPE);
        } catch (err) {
          if (err instanceof WxError) wechatError(res, err); else throw err;
        }
        return;
      }
      if (opts.control && url.pathname.startsWith('/__mock/')) return await control(req.method, url.pathname, raw, res);
      reply(res, 404, { error: 'unknown path', api: 'POST /componenttcb/getscflist?access_token=ACCESS_TOKEN' });
    } catch (err) {
      console.error(err);
      reply(res, 500, { error: 'internal' });
    }
  });
});

server.listen(Number(opts.port), '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});

for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { server.close(); process.exit(0); });
