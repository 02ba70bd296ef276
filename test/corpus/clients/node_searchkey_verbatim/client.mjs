// getscflist client: the call's parameters go out exactly as given (searchkey included,
// byte for byte: WeChat matches it literally and case-insensitively on its side).
const PATH = '/componenttcb/getscflist';
const ALLOWED = ['env', 'offset', 'limit', 'searchkey'];

export function createClient(options) {
  const { baseUrl = 'https://api.weixin.qq.com', accessToken = '', timeoutMs = 10_000 } = options;
  const endpoint = `${baseUrl.replace(/\/+$/, '')}${PATH}?access_token=${encodeURIComponent(accessToken)}`;

  const fail = (message, extra = {}) => Object.assign(new Error(message), extra);

  return {
    async getCloudFunctionList(params = {}) {
      const body = Object.fromEntries(ALLOWED.filter((k) => params[k] !== undefined && params[k] !== null).map((k) => [k, params[k]]));
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      let status;
      let text;
      try {
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: controller.signal,
        });
        status = res.status;
        text = await res.text();
      } catch (err) {
        throw fail(controller.signal.aborted ? `gave up after ${timeoutMs} ms` : `connection failed (${err.cause?.code ?? err.message})`);
      } finally {
        clearTimeout(timer);
      }
      if (status !== 200) throw fail(`HTTP ${status}`);
      let data;
      try {
        data = JSON.parse(text);
      } catch {
        throw fail('not JSON');
      }
      if (data === null || typeof data !== 'object' || Array.isArray(data)) throw fail('not a JSON object');
      if (data.errcode !== undefined && data.errcode !== 0) {
        throw fail(`WeChat error ${data.errcode}`, { errcode: Number(data.errcode), errmsg: String(data.errmsg ?? '') });
      }
      return data;
    },
  };
}
