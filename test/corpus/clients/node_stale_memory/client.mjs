// getscflist client that keeps serving the last good list for the same query
// when WeChat is flaky (system error, quota) or unreachable.
const FALLBACK = new Set([-1, -1000, 45009, 45011]);

class ScfListClient {
  constructor({ baseUrl, accessToken, timeoutMs }) {
    this.url = `${baseUrl.replace(/\/+$/, '')}/componenttcb/getscflist?access_token=${encodeURIComponent(accessToken)}`;
    this.timeoutMs = timeoutMs;
    this.lastGood = new Map();
  }

  async #request(body) {
    let res;
    try {
      res = await fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs) });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      const data = JSON.parse(await res.text());
      if (data === null || typeof data !== 'object') throw new Error('not an object');
      return data;
    } catch (e) {
      const err = new Error(`transport failure: ${e.message}`);
      err.transport = true;
      throw err;
    }
  }

  async getCloudFunctionList(params) {
    const body = {};
    for (const k of ['env', 'offset', 'limit', 'searchkey']) if (params[k] !== undefined) body[k] = params[k];
    const key = JSON.stringify(body);
    let data;
    try {
      data = await this.#request(body);
    } catch (e) {
      if (this.lastGood.has(key)) return this.lastGood.get(key);
      throw e;
    }
    const code = data.errcode ?? 0;
    if (code === 0) {
      this.lastGood.set(key, data);
      return data;
    }
    if (FALLBACK.has(code) && this.lastGood.has(key)) return this.lastGood.get(key);
    throw Object.assign(new Error(`errcode ${code}`), { errcode: code, errmsg: data.errmsg });
  }
}

export const createClient = (opts) => new ScfListClient(opts);
