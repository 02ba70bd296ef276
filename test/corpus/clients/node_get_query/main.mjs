import { readFileSync } from 'node:fs';
import { createClient } from './client.mjs';

const params = JSON.parse(readFileSync(0, 'utf8'));
const { WECHAT_API_BASE_URL, WECHAT_ACCESS_TOKEN, WECHAT_TIMEOUT_MS } = process.env;
const client = createClient({
  baseUrl: WECHAT_API_BASE_URL ?? 'https://api.weixin.qq.com',
  accessToken: WECHAT_ACCESS_TOKEN ?? '',
  timeoutMs: WECHAT_TIMEOUT_MS ? Number(WECHAT_TIMEOUT_MS) : 10000,
});

client.getCloudFunctionList(params).then(
  (result) => process.stdout.write(JSON.stringify({ result }) + '\n'),
  (err) => process.stdout.write(JSON.stringify(
    Number.isInteger(err.errcode) ? { errcode: err.errcode, errmsg: err.errmsg } : { error: err.message || String(err) },
  ) + '\n'),
);
