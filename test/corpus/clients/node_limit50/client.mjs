// getscflist client with local validation, so bad requests never burn quota.
const MAX_LIMIT = 50; // SCF ListFunctions page size cap

class ValidationError extends Error {}

function validate({ env, offset, limit, searchkey }) {
  if (typeof env !== 'string' || env === '') throw new ValidationError('env is required');
  if (offset !== undefined && (!Number.isInteger(offset) || offset < 0)) throw new ValidationError('offset must be a non-negative integer');
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT)) throw new ValidationError(`limit must be between 0 and ${MAX_LIMIT}`);
  if (searchkey !== undefined && typeof searchkey !== 'string') throw new ValidationError('searchkey must be a string');
}

export function createClient({ baseUrl, accessToken, timeoutMs }) {
  return {
    async getCloudFunctionList(params) {
      validate(params);
      const body = {};
      for (const k of ['env', 'offset', 'limit', 'searchkey']) if (params[k] !== undefined) body[k] = params[k];
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(), timeoutMs);
      try {
        const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/componenttcb/getscflist?access_token=${encodeURIComponent(accessToken)}`,
          { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: ctl.signal });
        if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
        const text = await res.text();
        var data = JSON.parse(text);
      } catch (e) {
        throw new Error(ctl.signal.aborted ? 'timeout' : `transport: ${e.message}`);
      } finally {
        clearTimeout(timer);
      }
      if (data === null || typeof data !== 'object') throw new Error('transport: not an object');
      if (data.errcode) throw Object.assign(new Error(data.errmsg), { errcode: data.errcode, errmsg: data.errmsg });
      return data;
    },
  };
}
