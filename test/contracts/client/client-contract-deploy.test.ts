// describeClientContract with deployFunctions: an in-process client object that makes a deployment and polls getscflist until it is done.
import type { DeployParams } from '../../../contracts/client/deploy-client.js';
import { describeClientContract } from '../../../contracts/client/vitest.js';

class WechatError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`${errcode} ${errmsg}`);
  }
}

interface CloudFunction {
  name: string;
  status: string;
  status_reason?: unknown[];
}

const PATHS = { create: 'batchuploadscf', update_code: 'batchuploadscfcode', delete: 'deletescf' } as const;
const TRANSITIONAL = new Set(['Creating', 'Updating', 'Deleting']);

/** A deploying client as a platform would write it with fetch. */
function createDeployClient(
  baseUrl: string,
  accessToken: string,
  timeoutMs: number,
  deploy: { pollIntervalMs: number; deployTimeoutMs: number },
) {
  const post = async (path: string, body: unknown) => {
    const query = new URLSearchParams({ access_token: accessToken });
    const res = await fetch(`${baseUrl}/componenttcb/${path}?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    const answer = (await res.json()) as Record<string, unknown>;
    if (answer.errcode) throw new WechatError(Number(answer.errcode), String(answer.errmsg));
    return answer;
  };
  const find = async (env: string, name: string): Promise<CloudFunction | undefined> => {
    for (let offset = 0; ; ) {
      const page = (await post('getscflist', { env, searchkey: name, offset, limit: 100 })) as {
        total_count: number;
        functions: CloudFunction[];
      };
      const found = page.functions.find((fn) => fn.name === name);
      if (found) return found;
      offset += page.functions.length;
      if (page.functions.length === 0 || offset >= page.total_count) return undefined;
    }
  };
  return {
    async deployFunction(params: DeployParams) {
      const deadline = Date.now() + deploy.deployTimeoutMs;
      const envs = params.action === 'delete' ? [params.env] : [...new Set(params.envs)];
      const body =
        params.action === 'delete'
          ? { functionname: params.name, env: params.env }
          : { functionname: params.name, envs: params.envs, zipfile: params.zipfile };
      const answer = await post(PATHS[params.action], body);
      const result: Record<string, unknown> = {};
      for (const failure of (answer.fail_env_list ?? []) as { env: string; errmsg: string }[])
        result[failure.env] = { failed: failure.errmsg };
      for (const failure of (answer.fail_list ?? []) as { env: string; errormsg: string }[])
        result[failure.env] = { failed: failure.errormsg };
      let waiting = envs.filter((env) => !(env in result));
      while (waiting.length > 0) {
        for (const env of waiting) {
          const fn = await find(env, params.name);
          if (!fn) {
            if (params.action === 'delete') result[env] = { status: 'Deleted' };
          } else if (fn.status === 'Active' && params.action !== 'delete') result[env] = { status: 'Active' };
          else if (!TRANSITIONAL.has(fn.status) && fn.status !== 'Active')
            result[env] = { status: fn.status, status_reason: fn.status_reason };
        }
        waiting = waiting.filter((env) => !(env in result));
        if (waiting.length === 0) break;
        if (Date.now() + deploy.pollIntervalMs >= deadline) throw new Error(`still changing in ${waiting.join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, deploy.pollIntervalMs));
      }
      return Object.fromEntries(envs.map((env) => [env, result[env]]));
    },
  };
}

describeClientContract('a fetch client that deploys functions', {
  createClient: ({ baseUrl, accessToken, timeoutMs, deploy }) => {
    if (!deploy) throw new Error('the deploy cases give the poll interval and deploy timeout');
    return createDeployClient(baseUrl, accessToken, timeoutMs, deploy);
  },
  deployFunctions: true,
});
