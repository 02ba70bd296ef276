// getscflist client with a "grace" timeout: connect budget + read budget.
export function createClient({ baseUrl, accessToken, timeoutMs }) {
  const base = baseUrl.replace(/\/+$/, '');
  const connectTimeout = timeoutMs;
  const readTimeout = timeoutMs;

  return {
    async getCloudFunctionList(params) {
      const payload = {};
      ['env', 'offset', 'limit', 'searchkey'].forEach((k) => { if (params[k] !== undefined) payload[k] = params[k]; });
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), connectTimeout + readTimeout);
      let response, text;
      try {
        response = await fetch(`${base}/componenttcb/getscflist?access_token=${encodeURIComponent(accessToken)}`, {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload), signal: controller.signal,
        });
        text = await response.text();
      } catch (e) {
        throw new Error(controller.signal.aborted ? 'timeout' : `fetch failed: ${e.cause?.message ?? e.message}`);
      } finally {
        clearTimeout(timer);
      }
      if (!response.ok || response.status !== 200) throw new Error(`HTTP ${response.status}`);
      let json;
      try { json = JSON.parse(text); } catch { throw new Error('invalid JSON'); }
      if (json === null || typeof json !== 'object') throw new Error('invalid JSON');
      if ((json.errcode ?? 0) !== 0) {
        const e = new Error(json.errmsg);
        e.errcode = json.errcode;
        e.errmsg = json.errmsg;
        throw e;
      }
      return json;
    },
  };
}
