import { createClient } from './client.mjs';

let raw = '';
for await (const chunk of process.stdin) raw += chunk;
const client = createClient({
  baseUrl: process.env.WECHAT_API_BASE_URL || 'https://api.weixin.qq.com',
  accessToken: process.env.WECHAT_ACCESS_TOKEN || '',
  timeoutMs: Number(process.env.WECHAT_TIMEOUT_MS || 10000),
});
let out;
try {
  out = { result: await client.getCloudFunctionList(JSON.parse(raw)) };
} catch (e) {
  out = typeof e.errcode === 'number' ? { errcode: e.errcode, errmsg: e.errmsg } : { error: String(e.message) };
}
console.log(JSON.stringify(out));
