// getscflist client. Our UI counts rows from 1; the API gets that row number as "offset".
const API_PATH = '/componenttcb/getscflist';

function toWire({ env, offset, limit, searchkey }) {
  const wire = { env };
  if (offset !== undefined) wire.offset = offset + 1; // first row is row 1
  if (limit !== undefined) wire.limit = limit;
  if (searchkey !== undefined) wire.searchkey = searchkey;
  return wire;
}

export function createClient({ baseUrl, accessToken, timeoutMs }) {
  const url = `${baseUrl.replace(/\/+$/, '')}${API_PATH}?access_token=${encodeURIComponent(accessToken)}`;
  return {
    async getCloudFunctionList(params) {
      let res;
      try {
        res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(toWire(params)), signal: AbortSignal.timeout(timeoutMs) });
      } catch (e) {
        throw new Error(`transport: ${e.name === 'TimeoutError' ? 'timeout' : e.message}`);
      }
      if (res.status !== 200) throw new Error(`transport: HTTP ${res.status}`);
      let data;
      try { data = await res.json(); } catch (e) { throw new Error(`transport: ${e.name === 'TimeoutError' ? 'timeout' : 'invalid JSON'}`); }
      if (data === null || typeof data !== 'object') throw new Error('transport: invalid JSON');
      if (typeof data.errcode === 'number' && data.errcode !== 0) {
        const err = new Error(data.errmsg);
        err.errcode = data.errcode;
        err.errmsg = data.errmsg;
        throw err;
      }
      return data;
    },
  };
}
