// Fake WeChat getscflist server (componenttcb/getscflist), plain node:http.
// Usage: node bug-negative-offset-clamped.mjs --port 0 [--data FILE] [--control]
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

// ---------------------------------------------------------------- arguments
const args = process.argv.slice(2);
let port = 0;
let dataFile = null;
let controlEnabled = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--port') port = Number(args[++i]);
  else if (args[i] === '--data') dataFile = args[++i];
  else if (args[i] === '--control') controlEnabled = true;
}

// ---------------------------------------------------------------- messages
const ERRMSG = {
  '-1000': 'system error',
  '-1': 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40014: 'invalid access_token',
  40097: 'invalid args',
  40101: 'missing parameter',
  41001: 'access_token missing',
  42001: 'access_token expired',
  43002: 'require POST method',
  44002: 'empty post data',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit mustslower retry next minute',
  47001: 'data format error',
  48001: 'api unauthorized',
  61007: 'api is unauthorized to component',
  85088: 'no qbase privilege',
};

const API_PATH = '/componenttcb/getscflist';
const JSON_TYPE = 'application/json; encoding=utf-8';

function rid() {
  const secs = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  return `${secs}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
}

// ---------------------------------------------------------------- data
const BASE_TIME = Date.UTC(2024, 5, 1, 12, 0, 0); // fixed, never the clock

function formatTime(ms) {
  // Beijing time, "YYYY-MM-DD HH:mm:ss"
  const d = new Date(ms + 8 * 3600 * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

function nameHash(name) {
  let h = 2166136261;
  for (const ch of name) {
    h ^= ch.codePointAt(0);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}

function fillFunction(fn) {
  // fake values depend only on the name, so a function keeps them whatever else is listed
  const added = BASE_TIME - (nameHash(fn.name) % (400 * 86400)) * 1000;
  const add_time = fn.add_time ?? formatTime(added);
  return {
    name: fn.name,
    runtime: fn.runtime ?? 'Nodejs16.13',
    status: fn.status ?? 'Active',
    status_reason: fn.status_reason ?? [],
    add_time,
    mod_time: fn.mod_time ?? add_time,
  };
}

function generateFunctions(n) {
  const out = [];
  for (let i = 1; i <= n; i++) {
    const t = formatTime(BASE_TIME - i * 3600 * 1000);
    out.push({ name: `fn-${String(i).padStart(4, '0')}`, runtime: 'Nodejs16.13', status: 'Active', status_reason: [], add_time: t, mod_time: t });
  }
  return out;
}

function validateData(doc) {
  const issues = [];
  const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObj(doc)) return [{ path: '', message: 'must be an object' }];
  if (doc.tokens !== undefined) {
    if (!isObj(doc.tokens)) issues.push({ path: '/tokens', message: 'must be an object' });
    else for (const [k, v] of Object.entries(doc.tokens)) {
      if (!['valid', 'expired', 'no-qbase'].includes(v)) issues.push({ path: `/tokens/${k}`, message: 'must be valid, expired or no-qbase' });
    }
  }
  if (doc.envs !== undefined) {
    if (!isObj(doc.envs)) issues.push({ path: '/envs', message: 'must be an object' });
    else for (const [id, env] of Object.entries(doc.envs)) {
      const p = `/envs/${id}`;
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) issues.push({ path: p, message: 'bad env id' });
      if (!isObj(env)) { issues.push({ path: p, message: 'must be an object' }); continue; }
      if (env.qbase !== undefined && typeof env.qbase !== 'boolean') issues.push({ path: `${p}/qbase`, message: 'must be a boolean' });
      if (env.generate !== undefined && !(Number.isInteger(env.generate) && env.generate >= 0)) issues.push({ path: `${p}/generate`, message: 'must be a non-negative integer' });
      if (env.functions !== undefined) {
        if (!Array.isArray(env.functions)) issues.push({ path: `${p}/functions`, message: 'must be an array' });
        else env.functions.forEach((fn, i) => {
          if (!isObj(fn) || typeof fn.name !== 'string' || fn.name === '') issues.push({ path: `${p}/functions/${i}/name`, message: 'name is required' });
        });
      }
    }
  }
  return issues;
}

function loadData(doc) {
  const envs = new Map();
  for (const [id, env] of Object.entries(doc.envs ?? {})) {
    const functions = (env.functions ?? []).map(fillFunction);
    if (env.generate) functions.push(...generateFunctions(env.generate));
    envs.set(id, { qbase: env.qbase !== false, functions });
  }
  return { tokens: { ...(doc.tokens ?? {}) }, envs };
}

let startupDoc = { tokens: {}, envs: {} };
if (dataFile) {
  startupDoc = JSON.parse(readFileSync(dataFile, 'utf8'));
  const issues = validateData(startupDoc);
  if (issues.length) {
    console.error(`bad data file ${dataFile}: ${issues[0].path} ${issues[0].message}`);
    process.exit(2);
  }
}
let state = loadData(startupDoc);
let faults = [];

// ---------------------------------------------------------------- helpers
function send(res, status, body, type = JSON_TYPE, extra = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

function wxError(res, errcode, reason) {
  send(res, 200, { errcode, errmsg: `${ERRMSG[errcode] ?? 'system error'} rid: ${rid()}` }, JSON_TYPE, { 'x-mock-reason': reason });
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- request parsing
// Returns { env, offset, limit, searchkey } or null when the body breaks the schema.
function parseListRequest(body) {
  const isInt = (v) => typeof v === 'number' && Number.isInteger(v);
  const env = body.env;
  if (typeof env !== 'string' || env === '') return null;

  let offset = body.offset ?? 0;
  if (!isInt(offset)) return null;
  offset = Math.max(0, offset);

  let limit = body.limit ?? 20;
  if (!isInt(limit) || limit < 1 || limit > 100) return null;

  let searchkey = body.searchkey ?? body.searchKey ?? '';
  if (typeof searchkey !== 'string') return null;

  return { env, offset, limit, searchkey };
}

function matches(name, searchkey) {
  return name.toLowerCase().includes(searchkey.toLowerCase());
}

function byNewest(a, b) {
  if (a.add_time !== b.add_time) return a.add_time < b.add_time ? 1 : -1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return 0;
}

function listFunctions(env, { offset, limit, searchkey }) {
  const all = env.functions.filter((fn) => matches(fn.name, searchkey)).sort(byNewest);
  const page = all.slice(offset, offset + limit);
  return {
    errcode: 0,
    errmsg: 'ok',
    total_count: all.length,
    functions: page.map((fn) => ({
      name: fn.name,
      runtime: fn.runtime,
      status: fn.status,
      status_reason: fn.status_reason,
      add_time: fn.add_time,
      mod_time: fn.mod_time,
    })),
  };
}

// ---------------------------------------------------------------- API
async function handleApi(req, res, url) {
  const raw = await readBody(req);
  const fault = takeFault();
  if (fault) {
    if (fault.latency_ms !== undefined) {
      const l = fault.latency_ms;
      await sleep(typeof l === 'number' ? l : l.min + Math.random() * (l.max - l.min));
    }
    if (fault.drop) { req.socket.destroy(); return; }
    if (fault.http_status !== undefined) {
      const code = fault.http_status;
      const title = `${code} ${http.STATUS_CODES[code] ?? 'Error'}`;
      send(res, code, `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`, 'text/html');
      return;
    }
    if (fault.body === 'truncated-json') {
      const full = JSON.stringify({ errcode: 0, errmsg: 'ok', total_count: 1, functions: [fillFunction({ name: 'truncated' })] });
      send(res, 200, full.slice(0, Math.floor(full.length / 2)));
      return;
    }
    if (fault.body === 'malformed-json') {
      send(res, 200, "{errcode: 0, 'errmsg': ok, total_count: }");
      return;
    }
    if (fault.errcode !== undefined) { wxError(res, fault.errcode, 'injected fault'); return; }
  }

  if (req.method !== 'POST') return wxError(res, 43002, 'method is not POST');

  const token = url.searchParams.get('access_token');
  if (!token) return wxError(res, 41001, 'no access_token in the query string');

  const listed = Object.keys(state.tokens).length > 0;
  if (listed) {
    const kind = state.tokens[token];
    if (kind === 'expired') return wxError(res, 42001, 'token expired');
    if (kind === 'no-qbase') return wxError(res, 85088, 'token has no qbase');
    if (kind !== 'valid') return wxError(res, 40001, 'unknown token');
  }

  if (raw.trim() === '') return wxError(res, 44002, 'empty body');

  let body;
  try { body = JSON.parse(raw); } catch { return wxError(res, 47001, 'body is not JSON'); }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return wxError(res, 47001, 'body is not an object');
  const params = parseListRequest(body);
  if (!params) return wxError(res, 47001, 'body breaks the request schema');

  const env = state.envs.get(params.env);
  if (env && !env.qbase) return wxError(res, 85088, 'env has qbase false');
  if (!env) return wxError(res, 40097, 'unknown env');

  send(res, 200, listFunctions(env, params));
}

// ---------------------------------------------------------------- faults
function takeFault() {
  if (faults.length === 0) return null;
  const f = faults[0];
  f.times -= 1;
  if (f.times <= 0) faults.shift();
  return f;
}

function validateFault(f) {
  const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObj(f)) return [{ path: '', message: 'must be an object' }];
  const issues = [];
  let effects = 0;
  if (f.errcode !== undefined) { effects++; if (!Number.isInteger(f.errcode)) issues.push({ path: '/errcode', message: 'must be an integer' }); }
  if (f.latency_ms !== undefined) {
    effects++;
    const l = f.latency_ms;
    const okNum = (n) => typeof n === 'number' && n >= 0 && Number.isFinite(n);
    if (!(okNum(l) || (isObj(l) && okNum(l.min) && okNum(l.max) && l.min <= l.max))) issues.push({ path: '/latency_ms', message: 'must be a number or {min,max}' });
  }
  if (f.http_status !== undefined) { effects++; if (!(Number.isInteger(f.http_status) && f.http_status >= 400 && f.http_status <= 599)) issues.push({ path: '/http_status', message: 'must be 400..599' }); }
  if (f.body !== undefined) { effects++; if (!['truncated-json', 'malformed-json'].includes(f.body)) issues.push({ path: '/body', message: 'must be truncated-json or malformed-json' }); }
  if (f.drop !== undefined) { effects++; if (f.drop !== true) issues.push({ path: '/drop', message: 'must be true' }); }
  if (f.times !== undefined && !(Number.isInteger(f.times) && f.times >= 1)) issues.push({ path: '/times', message: 'must be a positive integer' });
  if (effects === 0) issues.push({ path: '', message: 'a fault needs errcode, latency_ms, http_status, body or drop' });
  return issues;
}

// ---------------------------------------------------------------- control API
function badRequest(res, error, issues) {
  send(res, 400, { error, issues }, 'application/json');
}

async function handleControl(req, res, url) {
  const route = `${req.method} ${url.pathname}`;
  const raw = await readBody(req);
  let body;
  if (['PUT /__mock/data', 'POST /__mock/faults'].includes(route)) {
    try { body = JSON.parse(raw); } catch { return badRequest(res, 'body is not JSON', [{ path: '', message: 'invalid JSON' }]); }
  }
  switch (route) {
    case 'GET /__mock/health':
      return send(res, 200, { status: 'ok', envs: state.envs.size }, 'application/json');
    case 'PUT /__mock/data': {
      const issues = validateData(body);
      if (issues.length) return badRequest(res, 'invalid data document', issues);
      state = loadData(body);
      return send(res, 200, { ok: true, envs: state.envs.size }, 'application/json');
    }
    case 'POST /__mock/reset':
      state = loadData(startupDoc);
      faults = [];
      return send(res, 200, { ok: true }, 'application/json');
    case 'GET /__mock/faults':
      return send(res, 200, { faults }, 'application/json');
    case 'POST /__mock/faults': {
      const issues = validateFault(body);
      if (issues.length) return badRequest(res, 'invalid fault', issues);
      const fault = { ...body, times: body.times ?? 1 };
      faults.push(fault);
      return send(res, 201, { queued: fault, faults: faults.length }, 'application/json');
    }
    case 'DELETE /__mock/faults':
      faults = [];
      return send(res, 200, { ok: true }, 'application/json');
    default:
      return send(res, 404, { error: `no control route ${route}` }, 'application/json');
  }
}

// ---------------------------------------------------------------- server
const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === API_PATH) return await handleApi(req, res, url);
    if (controlEnabled && url.pathname.startsWith('/__mock/')) return await handleControl(req, res, url);
    req.resume();
    send(res, 404, { error: 'not found', api: `POST ${API_PATH}` }, 'application/json');
  } catch (err) {
    console.error(err);
    if (!res.headersSent) send(res, 500, { error: 'internal error' }, 'application/json');
    else res.destroy();
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});

process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
process.on('SIGINT', () => process.exit(0));
