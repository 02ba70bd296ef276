// getscflist client: parses JSON when the server says it is JSON, otherwise hands back the text.
export function createClient({ baseUrl, accessToken, timeoutMs }) {
  const endpoint = `${baseUrl.replace(/\/+$/, '')}/componenttcb/getscflist?access_token=${encodeURIComponent(accessToken)}`;
  return {
    async getCloudFunctionList(params) {
      const body = {};
      for (const key of ['env', 'offset', 'limit', 'searchkey']) if (key in params) body[key] = params[key];
      let data;
      try {
        const res = await fetch(endpoint, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
        const type = res.headers.get('content-type') || '';
        data = type.includes('json') ? await res.json() : await res.text();
      } catch (e) {
        throw new Error(`request failed: ${e.name === 'TimeoutError' ? 'timeout' : e.message}`);
      }
      if (data && data.errcode) {
        const err = new Error(`WeChat API error ${data.errcode}`);
        err.errcode = data.errcode;
        err.errmsg = data.errmsg;
        throw err;
      }
      return data;
    },
  };
}
