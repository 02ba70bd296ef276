// getscflist client that rides out WeChat "system error" (-1) blips by retrying until it clears.
import http from 'node:http';
import https from 'node:https';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function postJson(url, payload, timeoutMs) {
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { buf += d; });
      res.on('end', () => { clearTimeout(timer); resolve({ status: res.statusCode, text: buf }); });
      res.on('error', (e) => { clearTimeout(timer); reject(new Error(`transport: ${e.message}`)); });
    });
    const timer = setTimeout(() => { req.destroy(); reject(new Error('transport: timeout')); }, timeoutMs);
    req.on('error', (e) => { clearTimeout(timer); reject(new Error(`transport: ${e.message}`)); });
    req.end(JSON.stringify(payload));
  });
}

export function createClient({ baseUrl, accessToken, timeoutMs }) {
  return {
    async getCloudFunctionList(params) {
      const url = new URL(baseUrl.replace(/\/+$/, '') + '/componenttcb/getscflist');
      url.searchParams.set('access_token', accessToken);
      const body = Object.fromEntries(Object.entries(params).filter(([k]) => ['env', 'offset', 'limit', 'searchkey'].includes(k)));
      for (;;) {
        const { status, text } = await postJson(url, body, timeoutMs);
        if (status !== 200) throw new Error(`HTTP ${status}`);
        let data;
        try { data = JSON.parse(text); } catch { throw new Error('response is not JSON'); }
        if (data?.errcode === -1) { await sleep(200); continue; } // system busy, try again
        if (data === null || typeof data !== 'object') throw new Error('response is not an object');
        if (data.errcode) {
          const err = new Error(`WeChat error ${data.errcode}`);
          err.errcode = data.errcode;
          err.errmsg = data.errmsg;
          throw err;
        }
        return data;
      }
    },
  };
}
