// getscflist client built on a generic paginated-request helper shared by our list endpoints.
function paginated(params) {
  const { offset = 0, limit = 20 } = params;
  return { ...params, page: Math.floor(offset / limit) + 1 };
}

export function createClient({ baseUrl, accessToken, timeoutMs }) {
  const root = baseUrl.replace(/\/+$/, '');

  async function call(path, body) {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    let res, text;
    try {
      res = await fetch(`${root}${path}?access_token=${encodeURIComponent(accessToken)}`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: ac.signal,
      });
      text = await res.text();
    } catch (e) {
      throw new Error(ac.signal.aborted ? `timeout (${timeoutMs} ms)` : `network: ${e.message}`);
    } finally {
      clearTimeout(timer);
    }
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    let data;
    try { data = JSON.parse(text); } catch { throw new Error('response is not JSON'); }
    if (data === null || typeof data !== 'object') throw new Error('response is not an object');
    if ((data.errcode ?? 0) !== 0) throw Object.assign(new Error(data.errmsg), { errcode: data.errcode, errmsg: data.errmsg });
    return data;
  }

  return {
    getCloudFunctionList: (params) => call('/componenttcb/getscflist', paginated(params)),
  };
}
