// Cloud function listing (WeChat componenttcb/getscflist) on node:http / node:https.
// Search keys come from an admin form; backslashes are removed as a precaution
// (they only ever showed up as escaping debris from copy-paste).
import http from 'node:http';
import https from 'node:https';

const PATH = '/componenttcb/getscflist';

class WeChatError extends Error {
  constructor(errcode, errmsg) {
    super(`WeChat ${errcode}: ${errmsg}`);
    this.errcode = errcode;
    this.errmsg = errmsg;
  }
}

function clean(key) {
  return key.split('\\').join('');
}

function request(url, payload, timeoutMs) {
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    const timer = setTimeout(() => req.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
    req.end(payload);
  });
}

export function createClient({ baseUrl = 'https://api.weixin.qq.com', accessToken, timeoutMs = 10000 }) {
  const root = baseUrl.replace(/\/$/, '');
  return {
    async getCloudFunctionList(params = {}) {
      const body = {};
      if (params.env !== undefined) body.env = params.env;
      if (params.offset !== undefined) body.offset = params.offset;
      if (params.limit !== undefined) body.limit = params.limit;
      if (typeof params.searchkey === 'string') body.searchkey = clean(params.searchkey);
      const url = new URL(`${root}${PATH}?access_token=${encodeURIComponent(accessToken ?? '')}`);
      let answer;
      try {
        answer = await request(url, JSON.stringify(body), timeoutMs);
      } catch (err) {
        throw new Error(`transport: ${err.message}`);
      }
      if (answer.status !== 200) throw new Error(`transport: HTTP ${answer.status}`);
      let data;
      try {
        data = JSON.parse(answer.text);
      } catch {
        throw new Error('transport: answer is not JSON');
      }
      if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('transport: answer is not an object');
      if ((data.errcode ?? 0) !== 0) throw new WeChatError(data.errcode, data.errmsg);
      return data;
    },
  };
}
