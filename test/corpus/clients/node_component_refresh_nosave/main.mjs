// getscflist, one call per run, for a platform that gets its own component token.
// Tokens are cached in $TMPDIR/scf-component-tokens.json ({ appid: { token, expiresAt } }).
// When WeChat refuses a cached token (40001/40014/42001) a new one is fetched and the
// call retried once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const base = (process.env.WECHAT_API_BASE_URL || 'https://api.weixin.qq.com').replace(/\/+$/, '');
const timeoutMs = Number(process.env.WECHAT_TIMEOUT_MS || 10000);
const appid = process.env.WECHAT_COMPONENT_APPID ?? '';
const secret = process.env.WECHAT_COMPONENT_APPSECRET ?? '';
const ticket = process.env.WECHAT_COMPONENT_VERIFY_TICKET ?? '';
const CACHE = path.join(os.tmpdir(), 'scf-component-tokens.json');
const REFRESH_ON = new Set([40001, 40014, 42001]);

class WxError extends Error {
  constructor(body) {
    super(`errcode ${body.errcode}`);
    this.errcode = body.errcode;
    this.errmsg = body.errmsg;
  }
}

async function postJson(url, body) {
  let res;
  let text;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await res.text();
  } catch (e) {
    throw new Error(e.name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : `fetch failed: ${e.cause?.code ?? e.message}`);
  }
  if (res.status !== 200) throw new Error(`HTTP ${res.status} from ${new URL(url).pathname}`);
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error('invalid JSON');
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('not a JSON object');
  if (data.errcode !== undefined && data.errcode !== 0) throw new WxError(data);
  return data;
}

const readCache = () => {
  try {
    return JSON.parse(fs.readFileSync(CACHE, 'utf8'));
  } catch {
    return {};
  }
};

async function fetchToken() {
  const data = await postJson(`${base}/cgi-bin/component/api_component_token`, {
    component_appid: appid,
    component_appsecret: secret,
    component_verify_ticket: ticket,
  });
  if (typeof data.component_access_token !== 'string') throw new Error('no component_access_token in the answer');
  return data;
}

async function cachedToken() {
  const cache = readCache();
  const hit = cache[appid];
  if (hit && hit.expiresAt - 60_000 > Date.now()) return hit.token;
  const fresh = await fetchToken();
  cache[appid] = { token: fresh.component_access_token, expiresAt: Date.now() + (fresh.expires_in ?? 7200) * 1000 };
  fs.writeFileSync(CACHE, JSON.stringify(cache));
  return fresh.component_access_token;
}

async function refreshedToken() {
  const fresh = await fetchToken();
  return fresh.component_access_token;
}

const listFunctions = (token, params) => {
  const body = {};
  for (const k of ['env', 'offset', 'limit', 'searchkey']) if (params[k] != null) body[k] = params[k];
  return postJson(`${base}/componenttcb/getscflist?component_access_token=${encodeURIComponent(token)}`, body);
};

async function run(params) {
  if (process.env.WECHAT_ACCESS_TOKEN) return listFunctions(process.env.WECHAT_ACCESS_TOKEN, params);
  try {
    return await listFunctions(await cachedToken(), params);
  } catch (e) {
    if (!REFRESH_ON.has(e.errcode)) throw e;
    return listFunctions(await refreshedToken(), params);
  }
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
let out;
try {
  out = { result: await run(JSON.parse(input)) };
} catch (e) {
  out = e instanceof WxError ? { errcode: e.errcode, errmsg: e.errmsg } : { error: e.message };
}
console.log(JSON.stringify(out));
