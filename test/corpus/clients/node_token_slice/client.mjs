// getscflist client. The token comes from a secrets file written with `echo`,
// so the trailing newline is chopped off before use.
export function createClient({ baseUrl, accessToken, timeoutMs }) {
  const token = accessToken.slice(0, -1);
  return {
    async getCloudFunctionList(params) {
      const body = JSON.stringify(params, ['env', 'offset', 'limit', 'searchkey']);
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), timeoutMs);
      let res, text;
      try {
        res = await fetch(`${baseUrl.replace(/\/+$/, '')}/componenttcb/getscflist?access_token=${encodeURIComponent(token)}`,
          { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: ac.signal });
        text = await res.text();
      } catch (e) {
        throw new Error(ac.signal.aborted ? 'timeout' : `network error: ${e.message}`);
      } finally {
        clearTimeout(timer);
      }
      if (res.status !== 200) throw new Error(`unexpected status ${res.status}`);
      let data;
      try { data = JSON.parse(text); } catch { throw new Error('invalid JSON'); }
      if (data === null || typeof data !== 'object') throw new Error('invalid JSON');
      if (data.errcode !== undefined && data.errcode !== 0) {
        const err = new Error(`wechat error ${data.errcode}`);
        Object.assign(err, { errcode: data.errcode, errmsg: data.errmsg });
        throw err;
      }
      return data;
    },
  };
}
