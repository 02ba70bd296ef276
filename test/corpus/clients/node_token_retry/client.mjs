// getscflist client; a token that was just refreshed elsewhere can take a moment
// to become valid, so 40001 is retried a few times (co-wechat-api style).
const TOKEN_RETRIES = 3;

export function createClient({ baseUrl, accessToken, timeoutMs }) {
  const endpoint = new URL('/componenttcb/getscflist', baseUrl);
  endpoint.searchParams.set('access_token', accessToken);

  async function once(body) {
    const ctrl = new AbortController();
    const t = setTimeout(() => ctrl.abort(), timeoutMs);
    try {
      const res = await fetch(endpoint, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal: ctrl.signal });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      const text = await res.text();
      try { return JSON.parse(text); } catch { throw new Error('invalid JSON body'); }
    } catch (e) {
      if (ctrl.signal.aborted) throw new Error('request timed out');
      throw e;
    } finally {
      clearTimeout(t);
    }
  }

  return {
    async getCloudFunctionList(params) {
      const body = {};
      for (const k of ['env', 'offset', 'limit', 'searchkey']) if (k in params) body[k] = params[k];
      let data;
      for (let i = 0; i <= TOKEN_RETRIES; i++) {
        data = await once(body);
        if (data?.errcode !== 40001) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      if (data === null || typeof data !== 'object') throw new Error('invalid response');
      if (data.errcode) {
        throw Object.assign(new Error(data.errmsg), { errcode: data.errcode, errmsg: data.errmsg });
      }
      return data;
    },
  };
}
