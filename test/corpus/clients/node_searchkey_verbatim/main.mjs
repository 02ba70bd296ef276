import { createClient } from './client.mjs';

const text = await new Promise((resolve) => {
  let s = '';
  process.stdin.setEncoding('utf8').on('data', (d) => (s += d)).on('end', () => resolve(s));
});

const client = createClient({
  baseUrl: process.env.WECHAT_API_BASE_URL,
  accessToken: process.env.WECHAT_ACCESS_TOKEN,
  timeoutMs: Number(process.env.WECHAT_TIMEOUT_MS ?? 10_000),
});

const out = await client.getCloudFunctionList(JSON.parse(text)).then(
  (result) => ({ result }),
  (err) => (typeof err.errcode === 'number' ? { errcode: err.errcode, errmsg: err.errmsg } : { error: err.message }),
);
process.stdout.write(JSON.stringify(out) + '\n');
