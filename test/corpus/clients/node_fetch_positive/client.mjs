// Thin fetch wrapper for componenttcb/getscflist.
class WxError extends Error {
  constructor(errcode, errmsg) {
    super(`wechat ${errcode}: ${errmsg}`);
    this.errcode = errcode;
    this.errmsg = errmsg;
  }
}

export function createClient({ baseUrl, accessToken, timeoutMs }) {
  async function post(path, body) {
    const res = await fetch(`${baseUrl.replace(/\/$/, '')}${path}?access_token=${encodeURIComponent(accessToken)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    }).catch((e) => { throw new Error(`network: ${e.name === 'TimeoutError' ? 'timeout' : e.message}`); });
    if (res.status !== 200) throw new Error(`http ${res.status}`);
    let data;
    try { data = JSON.parse(await res.text()); } catch (e) { throw new Error(`bad response: ${e.message}`); }
    if (!data || typeof data !== 'object') throw new Error('bad response');
    if (data.errcode > 0) throw new WxError(data.errcode, data.errmsg); // WeChat error codes are positive
    return data;
  }

  return {
    getCloudFunctionList(params) {
      const { env, offset, limit, searchkey } = params;
      return post('/componenttcb/getscflist', { env, offset, limit, searchkey }); // undefined keys vanish in JSON
    },
  };
}
