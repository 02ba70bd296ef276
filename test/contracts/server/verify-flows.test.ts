import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFlowBody, checkFlowFile, checkTimesNearClock, fill, loadFlows } from '../../../contracts/flows.js';
import { verifyServer } from '../../../contracts/server/verify-server.js';
import { API_PATH_LIST, API_PATHS, API_PREFIXES } from '../../../mock-server/api-facts.js';
import { createApp, type MockApp } from '../../../mock-server/app.js';
import { type RunningMock, startMockServer } from '../../../mock-server/server.js';

describe('the shipped flows', () => {
  it('load, with unique ids, and cover every endpoint and an unknown path under each API prefix', () => {
    const flows = loadFlows();
    expect(new Set(flows.map((f) => f.id)).size).toBe(flows.length);
    const paths = new Set(flows.flatMap((f) => f.steps.flatMap((s) => (s.call ? [s.call.path] : []))));
    const served = [...paths].filter((path) => (API_PATH_LIST as readonly string[]).includes(path));
    expect(served.sort()).toEqual(Object.values(API_PATHS).sort());
    const unknown = [...paths].filter((path) => !served.includes(path));
    for (const prefix of API_PREFIXES) expect(unknown.some((path) => path.startsWith(prefix))).toBe(true);
  });

  it('all pass against the mock, each from a reset and its own data', async () => {
    const mock = await startMockServer();
    try {
      const { results } = await verifyServer({
        baseUrl: mock.url,
        cases: loadFlows().map((f) => f.id),
        exclusive: true,
      });
      expect(results.filter((r) => r.status !== 'pass')).toEqual([]);
      expect(results).toHaveLength(loadFlows().length);
      // Flows leave the mock as they found it: real time, no issued token.
      expect(mock.clock.view().offset_s).toBe(0);
      expect(mock.registry.list()).toEqual([]);
      expect(mock.authorizers.list().issued).toEqual([]);
    } finally {
      await mock.close();
    }
  });

  it('without a control API, run only the portable ones, naming what the rest need', async () => {
    const mock = await startMockServer({
      control: false,
      data: { tokens: { 'real-token': 'valid' }, envs: { 'my-env': { generate: 3 } } },
    });
    try {
      const { results } = await verifyServer({
        baseUrl: mock.url,
        accessToken: 'real-token',
        env: 'my-env',
        cases: loadFlows().map((f) => f.id),
      });
      const portable = loadFlows()
        .filter((f) => f.portable)
        .map((f) => f.id);
      expect(results.filter((r) => r.status === 'pass').map((r) => r.id)).toEqual(portable);
      expect(results.find((r) => r.id === 'GSL-TOKEN-014')).toMatchObject({
        status: 'skip',
        reason: 'needs the control API (its data, the clock, a ticket push or a fault)',
      });
    } finally {
      await mock.close();
    }
  });
});

describe('checking a flow file', () => {
  const flow = (steps: unknown[]) => ({ flows: [{ id: 'GSL-X-001', title: 't', steps }] });
  it.each([
    ['a step with two kinds', flow([{ advance_s: 1, fault: { errcode: -1 } }]), /exactly one of/],
    ['a call without expect', flow([{ call: { path: API_PATHS.ridGet } }]), /needs expect/],
    ['a path outside the API prefixes', flow([{ call: { path: '/v1/token' }, expect: { errcode: 0 } }]), /path/],
    [
      'a path the API does not serve, expected to succeed',
      flow([{ call: { path: '/cgi-bin/token' }, expect: { errcode: 0 } }]),
      /answers 40066/,
    ],
    [
      'a portable flow that moves the clock',
      { flows: [{ id: 'GSL-X-001', title: 't', portable: true, steps: [{ advance_s: 1 }] }] },
      /portable flow has only call steps/,
    ],
  ])('refuses %s, naming the file', (_name, value, message) => {
    expect(() => checkFlowFile('mine.json', value)).toThrow(message);
    expect(() => checkFlowFile('mine.json', value)).toThrow(/^mine\.json: /);
  });

  it('fills placeholders in strings and keys, leaving unknown ones', () => {
    expect(fill({ $TOKEN: ['$RID', '$NOPE'] }, { TOKEN: 't', RID: 'r' })).toEqual({ t: ['r', '$NOPE'] });
  });

  it('treats a token success without errcode as errcode 0, and only on the token endpoint', () => {
    const success = { component_access_token: 'x', expires_in: 7200 };
    expect(checkFlowBody(API_PATHS.componentToken, { errcode: 0 }, success)).toEqual([]);
    expect(checkFlowBody(API_PATHS.describeenvs, { errcode: 0 }, success)).toEqual(['the body has no numeric errcode']);
  });
});

describe("a time the server wrote, against the server's clock", () => {
  // 2026-12-03 14:00:00 UTC is 22:00:00 in UTC+8, as WeChat writes it.
  const clock = Date.UTC(2026, 11, 3, 14) / 1000;
  const body = (time: unknown) => ({ functions: [{ add_time: time }] });
  it.each([
    ['the clock in UTC+8', '2026-12-03 22:00:00', []],
    ['two minutes off', '2026-12-03 22:02:00', []],
    [
      'the clock in UTC',
      '2026-12-03 14:00:00',
      [/28800 s behind, at most 120 s expected \(a time in UTC, not UTC\+8\)/],
    ],
    ['ten minutes old', '2026-12-03 21:50:00', [/600 s behind, at most 120 s expected$/]],
    ['ISO 8601', '2026-12-03T22:00:00+08:00', [/not a time as WeChat writes it/]],
    ['missing', undefined, [/is undefined, not a time/]],
  ])('%s: %s', (_name, time, expected) => {
    const problems = checkTimesNearClock(body(time), ['functions.0.add_time'], clock);
    expect(problems).toHaveLength(expected.length);
    for (const [i, pattern] of expected.entries()) expect(problems[i]).toMatch(pattern);
  });

  it('is refused in a portable flow, which cannot read the clock', () => {
    const flow = {
      id: 'GSL-X-001',
      title: 'x',
      portable: true,
      steps: [
        {
          call: { path: '/componenttcb/getscflist', query: { access_token: '$TOKEN' }, body: { env: '$ENV' } },
          expect: { errcode: 0, times_near_clock: ['functions.0.add_time'] },
        },
      ],
    };
    expect(() => checkFlowFile('x.json', { flows: [flow] })).toThrow(/times_near_clock reads the server's clock/);
  });
});

type Mutation = (app: MockApp) => RequestHandler | undefined;

/** Deliberately broken servers: the mock with one behaviour bent, the control API intact. */
const MUTANTS: [string, Mutation, string, RegExp][] = [
  [
    'reads the token from access_token only',
    () => (req, _res, next) => {
      if (req.url.includes('component_access_token=')) req.url = req.url.replace('component_access_token=', 'ignored=');
      next();
    },
    'GSL-KEY-001',
    /errcode 41001, expected 0/,
  ],
  [
    'tokens never expire',
    (app) => {
      const state = app.mock.registry.state.bind(app.mock.registry);
      app.mock.registry.state = (token) => (state(token) === 'expired' ? 'valid' : state(token));
      return undefined;
    },
    'GSL-TOKEN-014',
    /step 5 .*errcode 0, expected 42001/,
  ],
  [
    'a newer token invalidates the previous one at once',
    (app) => {
      const { registry } = app.mock;
      const state = registry.state.bind(registry);
      registry.state = (token) =>
        registry.list().find((t) => t.component_access_token === token)?.superseded_at ? 'superseded' : state(token);
      return undefined;
    },
    'GSL-TOKEN-015',
    /step 4 .*errcode 40001, expected 0/,
  ],
  [
    'rid/get finds nothing',
    (app) => {
      app.mock.rids.get = () => undefined;
      return undefined;
    },
    'GSL-RID-001',
    /errcode 76001, expected 0/,
  ],
  [
    'describeenvs needs a body',
    () => (req, res, next) => {
      if (req.path === API_PATHS.describeenvs && req.headers['content-type'] === undefined) {
        res.setHeader('Content-Type', 'application/json; encoding=utf-8');
        res.end('{"errcode":44002,"errmsg":"empty post data"}');
        return;
      }
      next();
    },
    'GSL-ENVS-002',
    /errcode 44002, expected 0/,
  ],
  [
    'an unknown path under /tcb/ answers HTTP 404',
    () => (req, res, next) => {
      if (req.path.startsWith('/tcb/') && req.path !== API_PATHS.invokeCloudFunction) {
        res.status(404).json({ error: 'no such API' });
        return;
      }
      next();
    },
    'GSL-URL-003',
    /HTTP 404, expected 200/,
  ],
  [
    'authorizer tokens never expire',
    (app) => {
      const { authorizers } = app.mock;
      const lookup = authorizers.lookup.bind(authorizers);
      authorizers.lookup = (token) => {
        const info = lookup(token);
        return info && { ...info, state: 'valid' };
      };
      return undefined;
    },
    'GSL-AUTHZ-012',
    /errcode 0, expected 42001/,
  ],
  [
    'any refresh token is taken for a listed authorizer',
    (app) => {
      const { authorizers } = app.mock;
      const issue = authorizers.issue.bind(authorizers);
      authorizers.issue = (grant) => issue({ ...grant, authorizer_refresh_token: 'refreshtoken@@@contract' });
      return undefined;
    },
    'GSL-AUTHZ-010',
    /errcode 0, expected 61023/,
  ],
  [
    'resp_data sent as an object, not as JSON text',
    () => (req, res, next) => {
      if (req.path === API_PATHS.invokeCloudFunction) {
        res.setHeader('Content-Type', 'application/json; encoding=utf-8');
        res.end('{"errcode":0,"errmsg":"ok","resp_data":{"event":{"id":"A-1"}}}');
        return;
      }
      next();
    },
    'GSL-INVOKE-001',
    /resp_data: must be string/,
  ],
  [
    'HTTP 405 for GET on the token endpoint',
    () => (req, res, next) => {
      if (req.path === API_PATHS.componentToken && req.method === 'GET') {
        res.status(405).json({ errcode: 43002, errmsg: 'require POST method' });
        return;
      }
      next();
    },
    'GSL-TOKEN-002',
    /HTTP 405, expected 200/,
  ],
  [
    "a newer token for one component supersedes every component's tokens",
    (app) => {
      const { registry, clock } = app.mock;
      const state = registry.state.bind(registry);
      registry.state = (token) => {
        const own = state(token);
        const list = registry.list();
        const at = list.findIndex((t) => t.component_access_token === token);
        const newer = list.slice(at + 1).some((t) => clock.now() - Date.parse(t.issued_at) >= 300_000);
        return own === 'valid' && at !== -1 && newer ? 'superseded' : own;
      };
      return undefined;
    },
    'GSL-TOKEN-022',
    /step 5 .*errcode 40001, expected 0/,
  ],
  [
    'a pushed ticket keeps the age of the ticket it replaced',
    (app) => {
      const { registry, clock } = app.mock;
      const issue = registry.issue.bind(registry);
      registry.issue = (request) => {
        const result = issue(request);
        return 'errcode' in result || clock.view().offset_s < 43_200
          ? result
          : { errcode: 61005, reason: 'component_verify_ticket: aged from the first ticket' };
      };
      return undefined;
    },
    'GSL-TOKEN-024',
    /step 6 .*errcode 61005, expected 0/,
  ],
  [
    'describeenvs lists an env without cloud development, which getscflist refuses',
    (app) => {
      const { store } = app.mock;
      const envs = store.envs.bind(store);
      store.envs = () => envs().map((env) => ({ ...env, qbase: true }));
      return undefined;
    },
    'GSL-ENVS-008',
    /env "no-qbase-env" as describeenvs listed it .*errcode 85088, expected 0/,
  ],
];

describe('verify catches broken servers of the other endpoints', () => {
  const servers: Server[] = [];
  const urls = new Map<string, string>();
  beforeAll(async () => {
    for (const [name, mutate] of MUTANTS) {
      const app = createApp({ data: {} });
      const outer = express();
      const before = mutate(app);
      if (before) outer.use(before);
      outer.use(app);
      const server = outer.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      servers.push(server);
      urls.set(name, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it.each(MUTANTS.map(([name, , id, message]) => [name, id, message] as const))(
    '%s is caught by %s',
    async (name, id, message) => {
      const { results } = await verifyServer({ baseUrl: urls.get(name) as string, cases: [id], exclusive: true });
      expect(results).toHaveLength(1);
      expect(results[0].status).toBe('fail');
      expect(results[0].problems?.join('\n')).toMatch(message);
    },
  );
});

describe('a correct mock', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer();
  });
  afterAll(async () => {
    await mock.close();
  });
  it('passes the same flows the mutants fail', async () => {
    const { results } = await verifyServer({
      baseUrl: mock.url,
      cases: MUTANTS.map(([, , id]) => id),
      exclusive: true,
    });
    expect(results.map((r) => r.status)).toEqual(MUTANTS.map(() => 'pass'));
  });
});

const LONG_40001 =
  'invalid credential, access_token is invalid or not latest, could get access_token by getStableAccessToken, more details at https://mmbizurl.cn/s/JtxxFh33r';

/** The mock, answering 40001 with the longer text WeChat sends since about 2023. */
function withLong40001(): RequestHandler {
  return (_req, res, next) => {
    const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => typeof res;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : undefined;
      if (text?.startsWith('{"errcode":40001,')) {
        const body = text.replace(
          '"errmsg":"invalid credential, access_token is invalid or not latest',
          `"errmsg":"${LONG_40001}`,
        );
        res.setHeader('Content-Length', Buffer.byteLength(body));
        return end(body, ...rest);
      }
      return end(chunk, ...rest);
    }) as typeof res.end;
    next();
  };
}

async function listen(handler: RequestHandler | express.Express): Promise<{ url: string; server: Server }> {
  const outer = express();
  outer.use(handler);
  const server = outer.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const STATELESS_DATA = {
  tokens: { 'real-token': 'valid' as const },
  envs: { 'my-env': { generate: 30 }, 'plain-env': { qbase: false } },
};

describe('a correct server whose 40001 errmsg is the longer text WeChat sends since 2023', () => {
  it.each([true, false])('passes every check (control API: %s), saying which text came back', async (control) => {
    const app = createApp({ control, data: control ? {} : STATELESS_DATA });
    const outer = express();
    outer.use(withLong40001());
    outer.use(app);
    const { url, server } = await listen(outer);
    try {
      const { results } = await verifyServer({
        baseUrl: url,
        ...(control ? {} : { accessToken: 'real-token', env: 'my-env' }),
        // The test's own mock: the checks that need it whole (40001 for a token not listed) run too.
        exclusive: true,
      });
      expect(results.filter((r) => r.status === 'fail')).toEqual([]);
      const noted = results.filter((r) =>
        r.notes?.some((n) => n.includes('the longer text WeChat sends since about 2023')),
      );
      expect(noted.map((r) => r.id)).toEqual(expect.arrayContaining(['GSL-ERR-004', 'GSL-KEY-004']));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

/** Broken servers without a control API: what stateless verify must still catch with only a token and an env. */
const STATELESS_MUTANTS: [string, Mutation, string, RegExp][] = [
  [
    'rid/get finds nothing',
    (app) => {
      app.mock.rids.get = () => undefined;
      return undefined;
    },
    'GSL-RID-001',
    /errcode 76001, expected 0/,
  ],
  [
    'describeenvs lists an env without cloud development, which getscflist refuses',
    (app) => {
      const { store } = app.mock;
      const envs = store.envs.bind(store);
      store.envs = () => envs().map((env) => ({ ...env, qbase: true }));
      return undefined;
    },
    'GSL-ENVS-008',
    /env "plain-env" as describeenvs listed it .*errcode 85088, expected 0/,
  ],
  [
    'an empty access_token hides the component_access_token beside it',
    () => (req, _res, next) => {
      const url = new URL(req.url, 'http://x');
      if (url.searchParams.get('access_token') === '' && url.searchParams.get('component_access_token')) {
        url.searchParams.delete('component_access_token');
        req.url = `${url.pathname}${url.search}`;
      }
      next();
    },
    'GSL-KEY-005',
    /errcode 41001, expected 0/,
  ],
];

describe('without a control API, verify still catches', () => {
  it.each(STATELESS_MUTANTS.map(([name, mutate, id, message]) => [name, mutate, id, message] as const))(
    '%s (%s)',
    async (_name, mutate, id, message) => {
      const app = createApp({ control: false, data: STATELESS_DATA });
      const outer = express();
      const before = mutate(app);
      if (before) outer.use(before);
      outer.use(app);
      const { url, server } = await listen(outer);
      try {
        const { results } = await verifyServer({ baseUrl: url, accessToken: 'real-token', env: 'my-env', cases: [id] });
        expect(results).toHaveLength(1);
        expect(results[0].status).toBe('fail');
        expect(results[0].problems?.join('\n')).toMatch(message);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    },
  );
});
