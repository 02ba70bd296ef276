// getscflist client. The backend behind searchkey is a fuzzy match ("模糊匹配"), which
// we take to be SQL LIKE, so LIKE's wildcards are escaped to search for them literally.
const ENDPOINT = '/componenttcb/getscflist';

const escapeLike = (s) => s.replace(/[_%]/g, (c) => '\\' + c);

export function createClient({ baseUrl = 'https://api.weixin.qq.com', accessToken = '', timeoutMs = 10000 } = {}) {
  async function post(body) {
    const url = new URL(ENDPOINT, baseUrl.endsWith('/') ? baseUrl : baseUrl + '/');
    url.searchParams.set('access_token', accessToken);
    let res, text;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw new Error(err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `network: ${err.cause?.message ?? err.message}`);
    }
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error('answer is not JSON');
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('answer is not an object');
    if (json.errcode !== undefined && json.errcode !== 0) {
      throw Object.assign(new Error(`errcode ${json.errcode}`), { errcode: Number(json.errcode), errmsg: json.errmsg });
    }
    return json;
  }

  return {
    getCloudFunctionList({ env, offset, limit, searchkey } = {}) {
      const body = { env };
      if (offset != null) body.offset = offset;
      if (limit != null) body.limit = limit;
      if (searchkey != null) body.searchkey = escapeLike(searchkey);
      return post(body);
    },
  };
}
