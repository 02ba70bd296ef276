/**
 * A platform's whole flow, offline: start the mock with a component (appid, secret, ticket), get
 * a token, list the environments, page through every env's functions, let two hours pass on the
 * mock's clock (the cached token expires: the client gets 42001, fetches a new token and retries),
 * and look up the rid of a failure. Run it with `node examples/typescript-client/dist/flow.js`
 * after `npm run build:examples`; test/mock-server/component-flow.test.ts runs it too.
 */
import { startMockServer } from 'wechat-scf-kit';
import { WechatApiError } from './client.js';
import { type ComponentClient, createComponentClient } from './component-client.js';

/** What the flow saw, for the printout and the test. */
export interface FlowReport {
  envs: string[];
  functions: Record<string, number>;
  /** Functions of the first env listed again after two hours (after the token was refreshed). */
  afterTwoHours: number;
  failure: { errcode: number; rid: string | undefined; requestUrl: string | undefined };
}

/** Every function of an env, a page of 100 at a time. */
async function listAll(client: ComponentClient, env: string): Promise<number> {
  let seen = 0;
  for (;;) {
    const page = await client.getCloudFunctionList({ env, offset: seen, limit: 100 });
    seen += page.functions.length;
    if (page.functions.length === 0 || seen >= page.total_count) return page.total_count;
  }
}

/**
 * Runs the flow against a mock at baseUrl whose data lists the component (its control API is used
 * to move the clock, as WeChat's clock would move on its own).
 * @example await runFlow(mock.url, { appid: 'wx…', secret: '…', ticket: 'ticket@@@…' })
 */
export async function runFlow(
  baseUrl: string,
  component: { appid: string; secret: string; ticket: string },
): Promise<FlowReport> {
  const client = createComponentClient({ baseUrl, component, timeoutMs: 5000 });
  const { info_list } = await client.describeEnvs();
  const envs = info_list.map((env) => env.env);
  const functions: Record<string, number> = {};
  for (const env of envs) functions[env] = await listAll(client, env);

  await fetch(`${baseUrl}/__mock/clock`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ advance_s: 7200 }),
  });
  const afterTwoHours = await listAll(client, envs[0]);

  let failure: FlowReport['failure'] = { errcode: 0, rid: undefined, requestUrl: undefined };
  try {
    await client.getCloudFunctionList({ env: 'no-such-env' });
  } catch (error) {
    if (!(error instanceof WechatApiError)) throw error;
    const rid = / rid: (\S+)$/.exec(error.errmsg)?.[1];
    const found = rid ? await client.getRid(rid) : undefined;
    failure = { errcode: error.errcode, rid, requestUrl: found?.request.request_url };
  }
  return { envs, functions, afterTwoHours, failure };
}

/** The data the example serves: one platform and two envs. */
export const FLOW_DATA = {
  seed: 7,
  tokens: { 'not-a-component-token': 'valid' as const },
  components: { wx5f1c2b9a4e7d3c01: { secret: 'flow-example-secret', ticket: 'ticket@@@flow-example' } },
  envs: { 'prod-4f9a2c': { alias: 'prod', generate: 230 }, 'test-8d1e7b': { alias: 'test', generate: 12 } },
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const mock = await startMockServer({ data: FLOW_DATA });
  try {
    const report = await runFlow(mock.url, {
      appid: 'wx5f1c2b9a4e7d3c01',
      secret: 'flow-example-secret',
      ticket: 'ticket@@@flow-example',
    });
    const tokenRequests = mock.journal
      .snapshot()
      .requests.filter((entry) => entry.path === '/cgi-bin/component/api_component_token').length;
    console.log(JSON.stringify({ ...report, tokenRequests }, null, 2));
  } finally {
    await mock.close();
  }
}
