import { createClient } from './client.mjs';

const readStdin = () => new Promise((resolve, reject) => {
  let s = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (d) => { s += d; });
  process.stdin.on('end', () => resolve(s));
  process.stdin.on('error', reject);
});

const main = async () => {
  const params = JSON.parse(await readStdin());
  const client = createClient({
    baseUrl: process.env.WECHAT_API_BASE_URL ?? 'https://api.weixin.qq.com',
    accessToken: process.env.WECHAT_ACCESS_TOKEN ?? '',
    timeoutMs: parseInt(process.env.WECHAT_TIMEOUT_MS ?? '10000', 10),
  });
  try {
    const result = await client.getCloudFunctionList(params);
    console.log(JSON.stringify({ result }));
  } catch (err) {
    if (typeof err.errcode === 'number') console.log(JSON.stringify({ errcode: err.errcode, errmsg: err.errmsg }));
    else console.log(JSON.stringify({ error: err.message }));
  }
};

main();
