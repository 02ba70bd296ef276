import { createClient } from './client.mjs';

let raw = '';
process.stdin.setEncoding('utf8');
for await (const part of process.stdin) raw += part;

const client = createClient({
  baseUrl: process.env.WECHAT_API_BASE_URL || 'https://api.weixin.qq.com',
  accessToken: process.env.WECHAT_ACCESS_TOKEN,
  timeoutMs: Number(process.env.WECHAT_TIMEOUT_MS) || 10000,
});

let printed;
try {
  printed = { result: await client.getCloudFunctionList(JSON.parse(raw)) };
} catch (err) {
  printed = typeof err.errcode === 'number' ? { errcode: err.errcode, errmsg: err.errmsg } : { error: err.message };
}
process.stdout.write(`${JSON.stringify(printed)}\n`);
