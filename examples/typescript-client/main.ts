/**
 * The stdin/stdout adapter `wechat-scf-kit verify-client` runs: parameters in on stdin, one
 * JSON document out: {"result": response} on success, {"errcode", "errmsg"} for a WeChat
 * failure the client raised, {"error"} for a transport failure. Given WECHAT_COMPONENT_APPID
 * (the token-lifecycle cases) instead of WECHAT_ACCESS_TOKEN, it gets its own token with the
 * SDK-style client, cached in a file so that one token serves many runs.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScfClient, WechatApiError } from './client.js';
import { createComponentClient, FileTokenStore } from './component-client.js';

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const params = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const { WECHAT_API_BASE_URL: baseUrl, WECHAT_COMPONENT_APPID: appid } = process.env;
const timeoutMs = Number(process.env.WECHAT_TIMEOUT_MS ?? 10_000);
const client = appid
  ? createComponentClient({
      baseUrl,
      timeoutMs,
      component: {
        appid,
        secret: process.env.WECHAT_COMPONENT_APPSECRET ?? '',
        ticket: process.env.WECHAT_COMPONENT_VERIFY_TICKET ?? '',
      },
      store: new FileTokenStore(join(tmpdir(), 'wechat-component-tokens')),
    })
  : createScfClient({ baseUrl, accessToken: process.env.WECHAT_ACCESS_TOKEN ?? '', timeoutMs });

try {
  console.log(JSON.stringify({ result: await client.getCloudFunctionList(params) }));
} catch (error) {
  if (error instanceof WechatApiError) console.log(JSON.stringify({ errcode: error.errcode, errmsg: error.errmsg }));
  else console.log(JSON.stringify({ error: (error as Error).message }));
}
