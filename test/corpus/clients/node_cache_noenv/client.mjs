// getscflist client with a small in-memory response cache (30 s) to spare the API quota.
const TTL_MS = 30_000;

export function createClient({ baseUrl, accessToken, timeoutMs }) {
  const cache = new Map();
  const url = `${baseUrl.replace(/\/+$/, '')}/componenttcb/getscflist?access_token=${encodeURIComponent(accessToken)}`;

  async function fetchList(body) {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal: ac.signal });
      if (res.status !== 200) throw new Error(`HTTP status ${res.status}`);
      const text = await res.text();
      try { return JSON.parse(text); } catch { throw new Error('response is not JSON'); }
    } catch (e) {
      throw new Error(ac.signal.aborted ? 'timed out' : e.message);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async getCloudFunctionList({ env, offset, limit, searchkey }) {
      const key = `${offset ?? ''}|${limit ?? ''}|${searchkey ?? ''}`;
      const hit = cache.get(key);
      if (hit && Date.now() - hit.at < TTL_MS) return hit.data;
      const body = { env };
      if (offset !== undefined) body.offset = offset;
      if (limit !== undefined) body.limit = limit;
      if (searchkey !== undefined) body.searchkey = searchkey;
      const data = await fetchList(body);
      if (data === null || typeof data !== 'object') throw new Error('response is not an object');
      if (data.errcode) throw Object.assign(new Error(data.errmsg), { errcode: data.errcode, errmsg: data.errmsg });
      cache.set(key, { at: Date.now(), data });
      return data;
    },
  };
}
