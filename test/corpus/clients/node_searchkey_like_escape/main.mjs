import { createClient } from './client.mjs';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const params = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const client = createClient({
  baseUrl: process.env.WECHAT_API_BASE_URL,
  accessToken: process.env.WECHAT_ACCESS_TOKEN ?? '',
  timeoutMs: Number(process.env.WECHAT_TIMEOUT_MS ?? 10000),
});

try {
  console.log(JSON.stringify({ result: await client.getCloudFunctionList(params) }));
} catch (e) {
  console.log(JSON.stringify(e.errcode !== undefined ? { errcode: e.errcode, errmsg: e.errmsg } : { error: e.message }));
}
