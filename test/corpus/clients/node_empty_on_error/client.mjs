// getscflist client for a dashboard: a WeChat-side error shows as an empty list instead of breaking the page.
import http from 'node:http';
import https from 'node:https';

export class ScfClient {
  constructor({ baseUrl, accessToken, timeoutMs }) {
    Object.assign(this, { baseUrl: baseUrl.replace(/\/+$/, ''), accessToken, timeoutMs });
  }

  post(path, payload) {
    const url = new URL(`${this.baseUrl}${path}`);
    url.searchParams.set('access_token', this.accessToken);
    return new Promise((resolve, reject) => {
      const req = (url.protocol === 'https:' ? https : http).request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => { text += c; });
        res.on('end', () => {
          clearTimeout(timer);
          if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`));
          try { resolve(JSON.parse(text)); } catch { reject(new Error('invalid JSON')); }
        });
        res.on('error', (e) => { clearTimeout(timer); reject(e); });
      });
      const timer = setTimeout(() => { req.destroy(); reject(new Error('timeout')); }, this.timeoutMs);
      req.on('error', (e) => { clearTimeout(timer); reject(new Error(`network: ${e.message}`)); });
      req.end(JSON.stringify(payload));
    });
  }

  async getCloudFunctionList(params) {
    const payload = {};
    for (const k of ['env', 'offset', 'limit', 'searchkey']) if (params[k] !== undefined) payload[k] = params[k];
    const data = await this.post('/componenttcb/getscflist', payload);
    if (data === null || typeof data !== 'object') throw new Error('invalid response');
    if (data.errcode) {
      process.stderr.write(`getscflist failed: ${data.errcode} ${data.errmsg}\n`);
      return { errcode: 0, errmsg: 'ok', total_count: 0, functions: [] };
    }
    return data;
  }
}

export const createClient = (options) => new ScfClient(options);
