// Batch cloud-dev helper: run a cloud function in a tenant's env.
// We hold the component_access_token already, so we use it directly (批量代云开发 accepts it).
const {
  WECHAT_API_BASE_URL: base,
  WECHAT_TIMEOUT_MS: timeout = '5000',
  WECHAT_COMPONENT_ACCESS_TOKEN: componentToken,
} = process.env;

function out(doc) { console.log(JSON.stringify(doc)); }

async function readStdin() {
  let s = '';
  process.stdin.setEncoding('utf8');
  for await (const c of process.stdin) s += c;
  return JSON.parse(s);
}

async function invoke({ env, name, event = {} }) {
  const qs = new URLSearchParams({ access_token: componentToken, env, name });
  let res;
  try {
    res = await fetch(`${base}/tcb/invokecloudfunction?${qs}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(Number(timeout)),
    });
  } catch (e) {
    return { error: `invokecloudfunction: ${e.message}` };
  }
  if (res.status !== 200) return { error: `invokecloudfunction: HTTP ${res.status}` };
  let j;
  try { j = await res.json(); } catch { return { error: 'invokecloudfunction: body is not JSON' }; }
  if (j.errcode) return { errcode: j.errcode, errmsg: j.errmsg };
  try {
    return { result: j.resp_data ? JSON.parse(j.resp_data) : null };
  } catch {
    return { error: 'resp_data is not JSON' };
  }
}

try {
  out(await invoke(await readStdin()));
} catch (e) {
  out({ error: String(e) });
}
