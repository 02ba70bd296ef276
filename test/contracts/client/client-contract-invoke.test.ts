// describeClientContract with invokeCloudFunction: an in-process client object that gets the authorizer token and invokes.
import { describeClientContract } from '../../../contracts/client/vitest.js';

class WechatError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`${errcode} ${errmsg}`);
  }
}

interface Authorizer {
  componentAppid: string;
  componentAccessToken: string;
  appid: string;
  refreshToken: string;
}

/** A client as a platform would write it with fetch: one object per authorizer, its token kept in memory. */
function createInvokeClient(baseUrl: string, authorizer: Authorizer, timeoutMs: number) {
  let token: string | undefined;
  const post = async (url: string, body: string) => {
    const res = await fetch(url, { method: 'POST', body, signal: AbortSignal.timeout(timeoutMs) });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    const answer = (await res.json()) as Record<string, unknown>;
    if (answer.errcode) throw new WechatError(Number(answer.errcode), String(answer.errmsg));
    return answer;
  };
  const fetchToken = async () => {
    const query = new URLSearchParams({ component_access_token: authorizer.componentAccessToken });
    const answer = await post(
      `${baseUrl}/cgi-bin/component/api_authorizer_token?${query}`,
      JSON.stringify({
        component_appid: authorizer.componentAppid,
        authorizer_appid: authorizer.appid,
        authorizer_refresh_token: authorizer.refreshToken,
      }),
    );
    token = String(answer.authorizer_access_token);
    return token;
  };
  const invoke = async (current: string, env: string, name: string, event: unknown) => {
    const query = new URLSearchParams({ access_token: current, env, name });
    const answer = await post(`${baseUrl}/tcb/invokecloudfunction?${query}`, JSON.stringify(event));
    return JSON.parse(String(answer.resp_data));
  };
  return {
    async invokeCloudFunction({ env, name, event }: { env: string; name: string; event: unknown }) {
      try {
        return await invoke(token ?? (await fetchToken()), env, name, event);
      } catch (error) {
        if (!(error instanceof WechatError) || ![40001, 40014, 42001].includes(error.errcode)) throw error;
        return invoke(await fetchToken(), env, name, event);
      }
    },
  };
}

describeClientContract('a fetch client that calls cloud functions', {
  createClient: ({ baseUrl, timeoutMs, authorizer }) => {
    if (!authorizer) throw new Error('the invoke cases give an authorizer');
    return createInvokeClient(baseUrl, authorizer, timeoutMs);
  },
  invokeCloudFunction: true,
});
