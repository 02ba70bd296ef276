// Class-based getscflist client on node:http / node:https.
// Retries transient failures (errcode -1/-1000, HTTP 5xx, dropped connection): 3 attempts in total.
// Refuses locally what the server would refuse (limit > 100, negative offset).
import http from 'node:http';
import https from 'node:https';

const TRANSIENT = new Set([-1, -1000]);
const MAX_ATTEMPTS = 3;

class TransportError extends Error {
  constructor(message, retryable) { super(message); this.retryable = retryable; }
}

class WeChatApiError extends Error {
  constructor(errcode, errmsg) { super(`errcode ${errcode}: ${errmsg}`); this.errcode = errcode; this.errmsg = errmsg; }
}

export class CloudFunctionClient {
  constructor({ baseUrl = 'https://api.weixin.qq.com', accessToken, timeoutMs = 10000 }) {
    this.baseUrl = String(baseUrl).replace(/\/+$/, '');
    this.accessToken = accessToken;
    this.timeoutMs = timeoutMs;
  }

  #post(path, payload) {
    const url = new URL(this.baseUrl + path);
    url.searchParams.set('access_token', this.accessToken);
    const data = Buffer.from(JSON.stringify(payload));
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': data.length } }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', (e) => { clearTimeout(timer); reject(new TransportError(`response aborted: ${e.message}`, true)); });
        res.on('end', () => {
          clearTimeout(timer);
          if (res.statusCode !== 200) return reject(new TransportError(`HTTP ${res.statusCode}`, res.statusCode >= 500));
          try { resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))); }
          catch { reject(new TransportError('invalid JSON in response', false)); }
        });
      });
      const timer = setTimeout(() => { req.destroy(); reject(new TransportError(`timeout after ${this.timeoutMs} ms`, false)); }, this.timeoutMs);
      req.on('error', (e) => { clearTimeout(timer); reject(new TransportError(`connection error: ${e.code || e.message}`, true)); });
      req.end(data);
    });
  }

  async getCloudFunctionList({ env, offset, limit, searchkey } = {}) {
    if (limit !== undefined && (limit > 100 || limit < 0)) throw new TransportError('limit must be between 0 and 100', false);
    if (offset !== undefined && offset < 0) throw new TransportError('offset must not be negative', false);
    const body = { env };
    if (offset !== undefined) body.offset = offset;
    if (limit !== undefined) body.limit = limit;
    if (searchkey !== undefined) body.searchkey = searchkey;
    for (let attempt = 1; ; attempt++) {
      try {
        const data = await this.#post('/componenttcb/getscflist', body);
        if (data === null || typeof data !== 'object') throw new TransportError('response is not an object', false);
        const code = data.errcode ?? 0;
        if (code === 0) return data;
        throw new WeChatApiError(code, data.errmsg);
      } catch (e) {
        const retry = e instanceof WeChatApiError ? TRANSIENT.has(e.errcode) : e.retryable;
        if (!retry || attempt >= MAX_ATTEMPTS) throw e;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  }
}

export function createClient(options) {
  return new CloudFunctionClient(options);
}
