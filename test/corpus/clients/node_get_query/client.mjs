// getscflist client: a read-only listing, so it is sent as a GET with query parameters.
import http from 'node:http';
import https from 'node:https';

export function createClient({ baseUrl, accessToken, timeoutMs }) {
  function get(url) {
    return new Promise((resolve, reject) => {
      const req = (url.protocol === 'https:' ? https : http).get(url, (res) => {
        const parts = [];
        res.on('data', (p) => parts.push(p));
        res.on('end', () => { clearTimeout(timer); resolve({ status: res.statusCode, body: Buffer.concat(parts).toString() }); });
        res.on('error', (e) => { clearTimeout(timer); reject(new Error(e.message)); });
      });
      const timer = setTimeout(() => { req.destroy(); reject(new Error(`timeout after ${timeoutMs}ms`)); }, timeoutMs);
      req.on('error', (e) => { clearTimeout(timer); reject(new Error(`request error: ${e.message}`)); });
    });
  }

  return {
    async getCloudFunctionList(params) {
      const url = new URL(`${baseUrl.replace(/\/+$/, '')}/componenttcb/getscflist`);
      url.searchParams.set('access_token', accessToken);
      for (const k of ['env', 'offset', 'limit', 'searchkey']) if (params[k] !== undefined) url.searchParams.set(k, String(params[k]));
      const { status, body } = await get(url);
      if (status !== 200) throw new Error(`HTTP ${status}`);
      let data;
      try { data = JSON.parse(body); } catch { throw new Error('not JSON'); }
      if (data === null || typeof data !== 'object') throw new Error('not an object');
      if (data.errcode) throw Object.assign(new Error(data.errmsg), { errcode: data.errcode, errmsg: data.errmsg });
      return data;
    },
  };
}
