// invoke.mjs — small wrapper used by our ops console to run a tenant's cloud function
const env = process.env;
const base = env.WECHAT_API_BASE_URL.replace(/\/$/, '');
const timeoutMs = Number(env.WECHAT_TIMEOUT_MS) || 5000;

const print = (doc) => process.stdout.write(JSON.stringify(doc) + '\n');

async function wx(path, query, body) {
  const res = await fetch(`${base}${path}?${new URLSearchParams(query)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${path}`);
  return JSON.parse(await res.text());
}

class ApiError extends Error {
  constructor(j) { super(j.errmsg); this.j = { errcode: j.errcode, errmsg: j.errmsg }; }
}

// authorizer_access_token for the tenant (fresh each time: they are cheap to ask for)
async function authorizerToken() {
  const j = await wx('/cgi-bin/component/api_authorizer_token',
    { component_access_token: env.WECHAT_COMPONENT_ACCESS_TOKEN },
    {
      component_appid: env.WECHAT_COMPONENT_APPID,
      authorizer_appid: env.WECHAT_AUTHORIZER_APPID,
      authorizer_refresh_token: env.WECHAT_AUTHORIZER_REFRESH_TOKEN,
    });
  if (j.errcode) throw new ApiError(j);
  return j.authorizer_access_token;
}

async function callFunction({ env: cloudEnv, name, event }) {
  let j = await wx('/tcb/invokecloudfunction', { access_token: await authorizerToken(), env: cloudEnv, name }, event ?? {});
  if (j.errcode === 40001 || j.errcode === 42001 || j.errcode === 40014) {
    j = await wx('/tcb/invokecloudfunction', { access_token: await authorizerToken(), env: cloudEnv, name }, event ?? {});
  }
  if (j.errcode) throw new ApiError(j);
  return j.resp_data ? JSON.parse(j.resp_data) : null;
}

try {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  const input = JSON.parse(Buffer.concat(chunks).toString() || '{}');
  print({ result: await callFunction(input) });
} catch (e) {
  print(e instanceof ApiError ? e.j : { error: e.name === 'TimeoutError' ? 'timed out' : String(e.message) });
}
