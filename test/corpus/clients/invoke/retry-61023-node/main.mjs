// cloudfn-runner: invoke an authorizer's cloud function with a cached authorizer_access_token.
import { readFileSync, writeFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BASE = (process.env.WECHAT_API_BASE_URL || '').replace(/\/+$/, '');
const TIMEOUT = Number(process.env.WECHAT_TIMEOUT_MS || 5000);
const COMPONENT_APPID = process.env.WECHAT_COMPONENT_APPID;
const COMPONENT_TOKEN = process.env.WECHAT_COMPONENT_ACCESS_TOKEN;
const APPID = process.env.WECHAT_AUTHORIZER_APPID;
const REFRESH_TOKEN = process.env.WECHAT_AUTHORIZER_REFRESH_TOKEN;

class WxError extends Error {
  constructor(errcode, errmsg) { super(`${errcode} ${errmsg}`); this.errcode = errcode; this.errmsg = errmsg; }
}
class NetError extends Error {}

const cacheFile = join(tmpdir(), `authorizer_token.${encodeURIComponent(APPID || 'none')}.json`);

function readCache() {
  try {
    const c = JSON.parse(readFileSync(cacheFile, 'utf8'));
    if (c.base === BASE && c.component === COMPONENT_APPID && c.expiresAt > Date.now()) return c.token;
  } catch { /* no cache yet */ }
  return null;
}

function writeCache(token, expiresIn) {
  const lifeMs = expiresIn * 1000;
  const entry = { token, base: BASE, component: COMPONENT_APPID, expiresAt: Date.now() + lifeMs - Math.min(300000, lifeMs / 10) };
  const tmp = `${cacheFile}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify(entry));
  renameSync(tmp, cacheFile);
}

async function post(path, query, body) {
  const url = `${BASE}${path}?${new URLSearchParams(query)}`;
  let res, text;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT),
    });
    text = await res.text();
  } catch (e) {
    throw new NetError(`${path}: ${e.name === 'TimeoutError' ? `no answer in ${TIMEOUT} ms` : e.message}`);
  }
  if (res.status !== 200) throw new NetError(`${path}: HTTP ${res.status}`);
  let doc;
  try { doc = JSON.parse(text); } catch { throw new NetError(`${path}: body is not JSON`); }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new NetError(`${path}: body is not a JSON object`);
  return doc;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function getAuthorizerToken(force) {
  if (!force) {
    const cached = readCache();
    if (cached) return cached;
  }
  // the token endpoint fails now and then under load: give it a few chances
  let doc;
  for (let attempt = 1; attempt <= 5; attempt++) {
    doc = await requestAuthorizerToken();
    if (!doc.errcode) break;
    if (attempt < 5) await sleep(300 * attempt);
  }
  if (doc.errcode) throw new WxError(doc.errcode, doc.errmsg);
  if (!doc.authorizer_access_token) throw new NetError('api_authorizer_token: no authorizer_access_token');
  writeCache(doc.authorizer_access_token, Number(doc.expires_in) || 7200);
  return doc.authorizer_access_token;
}

async function requestAuthorizerToken() {
  return post('/cgi-bin/component/api_authorizer_token', { component_access_token: COMPONENT_TOKEN }, {
    component_appid: COMPONENT_APPID,
    authorizer_appid: APPID,
    authorizer_refresh_token: REFRESH_TOKEN,
  });
}

async function invokeCloudFunction({ env, name, event }) {
  let refreshed = false;
  for (;;) {
    const token = await getAuthorizerToken(refreshed);
    const doc = await post('/tcb/invokecloudfunction', { access_token: token, env, name }, event ?? {});
    const code = doc.errcode ?? 0;
    if ([40001, 40014, 42001].includes(code) && !refreshed) {
      rmSync(cacheFile, { force: true });
      refreshed = true;
      continue;
    }
    if (code !== 0) throw new WxError(code, doc.errmsg);
    if (doc.resp_data === undefined || doc.resp_data === '') return null;
    try { return JSON.parse(doc.resp_data); } catch { throw new NetError('resp_data is not JSON'); }
  }
}

let out;
try {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const params = JSON.parse(input || '{}');
  if (!params.env || !params.name) throw new NetError('env and name are required');
  out = { result: await invokeCloudFunction(params) };
} catch (e) {
  out = e instanceof WxError ? { errcode: e.errcode, errmsg: e.errmsg } : { error: String(e.message || e) };
}
process.stdout.write(JSON.stringify(out) + '\n');
