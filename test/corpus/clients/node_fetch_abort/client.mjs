// getCloudFunctionList client built on global fetch + AbortController.
const KEYS = ['env', 'offset', 'limit', 'searchkey'];

export function createClient({ baseUrl = 'https://api.weixin.qq.com', accessToken, timeoutMs = 10000 }) {
  const root = baseUrl.replace(/\/+$/, '');
  return {
    async getCloudFunctionList(params = {}) {
      const body = {};
      for (const k of KEYS) if (params[k] !== undefined) body[k] = params[k];
      const url = `${root}/componenttcb/getscflist?access_token=${encodeURIComponent(accessToken)}`;
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), timeoutMs);
      let status, text;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: ac.signal,
        });
        status = res.status;
        text = await res.text();
      } catch (err) {
        throw new Error(ac.signal.aborted ? `timed out after ${timeoutMs} ms` : `request failed: ${err.cause?.code ?? err.message}`);
      } finally {
        clearTimeout(timer);
      }
      if (status !== 200) throw new Error(`unexpected HTTP status ${status}`);
      let data;
      try { data = JSON.parse(text); } catch { throw new Error('response body is not JSON'); }
      if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error('response is not a JSON object');
      const errcode = data.errcode ?? 0;
      if (errcode !== 0) {
        const e = new Error(`WeChat error ${errcode}: ${data.errmsg}`);
        e.errcode = Number(errcode);
        e.errmsg = data.errmsg;
        throw e;
      }
      return data;
    },
  };
}
