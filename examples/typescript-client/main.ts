/**
 * The stdin/stdout adapter `wechat-scf-kit verify-client` runs: parameters in on stdin, one
 * JSON document out: {"result": response} on success, {"errcode", "errmsg"} for a WeChat
 * failure the client raised, {"error"} for a transport failure.
 */
import { createScfClient, WechatApiError } from './client.js';

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const params = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const client = createScfClient({
  baseUrl: process.env.WECHAT_API_BASE_URL,
  accessToken: process.env.WECHAT_ACCESS_TOKEN ?? '',
  timeoutMs: Number(process.env.WECHAT_TIMEOUT_MS ?? 10_000),
});

try {
  console.log(JSON.stringify({ result: await client.getCloudFunctionList(params) }));
} catch (error) {
  if (error instanceof WechatApiError) console.log(JSON.stringify({ errcode: error.errcode, errmsg: error.errmsg }));
  else console.log(JSON.stringify({ error: (error as Error).message }));
}
