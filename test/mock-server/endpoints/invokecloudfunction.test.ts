// invokecloudfunction: the three token kinds, env and name, the event, the function's status and its script, the journal.
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FunctionScript, MockDataFile } from '../../../generated/schemas.js';
import { API_PATHS, INVOKE_TIMEOUT_MS, MAX_RESP_DATA_BYTES } from '../../../mock-server/api-facts.js';
import { createApp, type MockApp } from '../../../mock-server/app.js';
import { type RunningMock, startMockServer } from '../../../mock-server/server.js';
import { fillEvent, runStep, stepFor } from '../../../mock-server/state/function-scripts.js';
import { isInvokeCloudFunctionSuccess, isWechatError } from '../../../mock-server/validation.js';

const REFRESH = 'refreshtoken@@@r1';
const DATA: MockDataFile = {
  seed: 5,
  tokens: { 'tok-valid': 'valid', 'tok-expired': 'expired', 'tok-noqbase': 'no-qbase' },
  components: {
    wxcomp0001: {
      secret: 's1',
      authorizers: {
        wxowner: { refresh_token: REFRESH, envs: ['prod-1'] },
        wxstranger: { refresh_token: REFRESH, envs: ['other-1'] },
      },
    },
  },
  envs: {
    'prod-1': {
      functions: [
        { name: 'hello', status: 'Active' },
        { name: 'fixed', status: 'Active' },
        { name: 'template', status: 'Active' },
        { name: 'echoes', status: 'Active' },
        { name: 'throws', status: 'Active' },
        { name: 'flaky', status: 'Active' },
        { name: 'creating', status: 'Creating' },
        { name: 'broken', status: 'CreateFailed' },
      ],
      scripts: {
        fixed: { result: { ok: true, n: 1 } },
        template: { result: { user: '$event.user.id', all: '$event', missing: '$event.nope.deeper', keep: 'x' } },
        echoes: { echo: true },
        throws: { error: 'TypeError: cannot read id of undefined' },
        flaky: [{ error: 'first call fails' }, { result: 'second' }, { result: 'then always this' }],
      },
    },
    'other-1': { functions: [{ name: 'hello', status: 'Active' }] },
    'off-1': { qbase: false, functions: [{ name: 'hello', status: 'Active' }] },
  },
};

// biome-ignore lint/suspicious/noExplicitAny: a test reads whatever the server answered.
async function invoke(app: MockApp, query: string, body: string | undefined = '{"a":1}'): Promise<any> {
  const req = request(app).post(`${API_PATHS.invokeCloudFunction}?${query}`);
  const res = body === undefined ? await req : await req.send(body);
  return JSON.parse(res.text);
}

async function authorizerToken(app: MockApp, authorizer: string): Promise<string> {
  const component = JSON.parse(
    (
      await request(app)
        .post(API_PATHS.componentToken)
        .send({ component_appid: 'wxcomp0001', component_appsecret: 's1', component_verify_ticket: 't' })
    ).text,
  ).component_access_token;
  const res = await request(app)
    .post(`${API_PATHS.authorizerToken}?component_access_token=${component}`)
    .send({ component_appid: 'wxcomp0001', authorizer_appid: authorizer, authorizer_refresh_token: REFRESH });
  return JSON.parse(res.text).authorizer_access_token;
}

describe('POST /tcb/invokecloudfunction', () => {
  let app: MockApp;
  beforeEach(() => {
    app = createApp({ data: DATA, rid: false });
  });
  const at = (name: string, token = 'tok-valid', env = 'prod-1') => `access_token=${token}&env=${env}&name=${name}`;

  it('answers the documented echo result for a function without a script', async () => {
    const answer = await invoke(app, at('hello'), '{"userInfo":{"appId":"wxowner"}}');
    expect(isInvokeCloudFunctionSuccess(answer)).toBe(true);
    expect(answer).toEqual({ errcode: 0, errmsg: 'ok', resp_data: expect.any(String) });
    expect(JSON.parse(answer.resp_data)).toEqual({
      event: { userInfo: { appId: 'wxowner' } },
      env: 'prod-1',
      name: 'hello',
    });
  });

  it.each([
    ['a fixed result', 'fixed', '{"a":1}', { ok: true, n: 1 }],
    [
      'a result built from the event',
      'template',
      '{"user":{"id":7}}',
      { user: 7, all: { user: { id: 7 } }, missing: null, keep: 'x' },
    ],
    ['the event itself (echo)', 'echoes', '[1,"two",null]', [1, 'two', null]],
    ['any JSON as the event, a bare string too', 'echoes', '"just text"', 'just text'],
  ])('answers %s as resp_data', async (_name, fn, event, result) => {
    const answer = await invoke(app, at(fn), event);
    expect(answer.errcode).toBe(0);
    expect(JSON.parse(answer.resp_data)).toEqual(result);
  });

  it('takes a list script one step per call, the last step repeating', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await invoke(app, at('flaky')));
    expect(answers.map((a) => a.errcode)).toEqual([-504002, 0, 0, 0]);
    expect(answers.slice(1).map((a) => JSON.parse(a.resp_data))).toEqual([
      'second',
      'then always this',
      'then always this',
    ]);
  });

  it.each([
    ['no token', 'env=prod-1&name=hello', '{}', 41001],
    ['an unlisted token', at('hello', 'tok-unknown'), '{}', 40001],
    ['a token listed as expired', at('hello', 'tok-expired'), '{}', 42001],
    ['a token listed as no-qbase', at('hello', 'tok-noqbase'), '{}', 85088],
    ['no env', 'access_token=tok-valid&name=hello', '{}', 40101],
    ['no name', 'access_token=tok-valid&env=prod-1', '{}', 40101],
    ['an empty body', at('hello'), '', 44002],
    ['a body of white space', at('hello'), '  \n', 44002],
    ['a body that is not JSON', at('hello'), '{"a":', 47001],
    ['an env not in the data', at('hello', 'tok-valid', 'nope-1'), '{}', -501007],
    ['an env without cloud development', at('hello', 'tok-valid', 'off-1'), '{}', 85088],
    ['a function the env does not have', at('nope'), '{}', -501009],
    ['a function still Creating', at('creating'), '{}', -504001],
    ['a function that failed to create', at('broken'), '{}', -504001],
    ['a function whose script throws', at('throws'), '{}', -504002],
  ])('answers %s with its errcode', async (_name, query, body, errcode) => {
    const answer = await invoke(app, query, body);
    expect(isWechatError(answer)).toBe(true);
    expect(answer.errcode).toBe(errcode);
  });

  it('answers 43002 for GET', async () => {
    expect(JSON.parse((await request(app).get(`${API_PATHS.invokeCloudFunction}?${at('hello')}`)).text).errcode).toBe(
      43002,
    );
  });

  it('reads the token from cloudbase_access_token too, and the journal keeps it cut short', async () => {
    expect((await invoke(app, 'cloudbase_access_token=tok-valid&env=prod-1&name=hello')).errcode).toBe(0);
    const [entry] = (await request(app).get('/__mock/requests')).body.requests;
    expect(entry.query.cloudbase_access_token).toBe('tok-…');
  });

  it('accepts a component token, whatever the token table lists', async () => {
    const component = JSON.parse(
      (
        await request(app)
          .post(API_PATHS.componentToken)
          .send({ component_appid: 'wxcomp0001', component_appsecret: 's1', component_verify_ticket: 't' })
      ).text,
    ).component_access_token;
    expect((await invoke(app, at('hello', component))).errcode).toBe(0);
  });

  it("accepts an authorizer token in the authorizer's own envs only", async () => {
    const owner = await authorizerToken(app, 'wxowner');
    expect((await invoke(app, at('hello', owner))).errcode).toBe(0);
    expect((await invoke(app, at('hello', owner, 'other-1'))).errcode).toBe(-501007);
    const stranger = await authorizerToken(app, 'wxstranger');
    expect((await invoke(app, at('hello', stranger))).errcode).toBe(-501007);
  });

  it('keeps every invocation in the journal with its event, and lists them at GET /__mock/invocations', async () => {
    await invoke(app, at('fixed'), '{"order":42}');
    await invoke(app, at('throws'), '{"order":43}');
    await invoke(app, at('nope'), '{"order":44}');
    const journal = (await request(app).get('/__mock/requests')).body.requests;
    expect(journal.map((e: { invocation?: unknown }) => e.invocation)).toEqual([
      { env: 'prod-1', name: 'fixed', event: { order: 42 }, resp_data: '{"ok":true,"n":1}' },
      { env: 'prod-1', name: 'throws', event: { order: 43 }, error: 'TypeError: cannot read id of undefined' },
      { env: 'prod-1', name: 'nope', event: { order: 44 } },
    ]);
    const listed = (await request(app).get('/__mock/invocations?name=fixed')).body.invocations;
    expect(listed).toEqual([
      expect.objectContaining({ env: 'prod-1', name: 'fixed', event: { order: 42 }, errcode: 0 }),
    ]);
  });

  it('takes a script set through the control API, starting its list over, and forgets it on DELETE', async () => {
    const put = await request(app)
      .put('/__mock/envs/prod-1/functions/hello/script')
      .send([{ result: 'one' }, { error: 'two' }]);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ env: 'prod-1', name: 'hello', exists: true });
    expect(JSON.parse((await invoke(app, at('hello'))).resp_data)).toBe('one');
    expect((await invoke(app, at('hello'))).errcode).toBe(-504002);
    expect((await request(app).delete('/__mock/envs/prod-1/functions/hello/script')).status).toBe(200);
    expect(JSON.parse((await invoke(app, at('hello'))).resp_data)).toMatchObject({ name: 'hello' });
    expect((await request(app).get('/__mock/envs/prod-1')).body.scripts).not.toHaveProperty('hello');
  });

  it.each([
    ['two kinds in one step', { result: 1, error: 'x' }, 'error'],
    ['a delay past the cap', { delay_ms: 120_000 }, 'delay_ms'],
    ['an unknown field', { returns: 1 }, 'returns'],
    ['an empty list', [], ''],
  ])('refuses a script with %s, with HTTP 400 naming the field', async (_name, script, path) => {
    const res = await request(app)
      .put('/__mock/envs/prod-1/functions/hello/script')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(script));
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path).join(' ')).toContain(path);
  });

  it('answers a fault injected for its path, as the other endpoints do', async () => {
    await request(app).post('/__mock/faults').send({ errcode: 45009, path: API_PATHS.invokeCloudFunction });
    expect((await invoke(app, at('hello'))).errcode).toBe(45009);
    expect((await invoke(app, at('hello'))).errcode).toBe(0);
  });

  it("takes a listed function's own result or error as a one-step script, a script of the same name winning", async () => {
    const short = createApp({
      rid: false,
      data: {
        envs: {
          'e-1': {
            functions: [
              { name: 'r', status: 'Active', result: { paid: true } },
              { name: 'x', status: 'Active', error: 'boom' },
              { name: 's', status: 'Active', result: 'shorthand' },
            ],
            scripts: { s: { result: 'script wins' } },
          },
        },
      },
    });
    const at = (name: string) => `access_token=t&env=e-1&name=${name}`;
    expect(JSON.parse((await invoke(short, at('r'))).resp_data)).toEqual({ paid: true });
    expect((await invoke(short, at('x'))).errcode).toBe(-504002);
    expect(JSON.parse((await invoke(short, at('s'))).resp_data)).toBe('script wins');
    expect((await request(short).get('/__mock/envs/e-1')).body.functions.map((f: object) => Object.keys(f))).toEqual(
      Array(3).fill(['mod_time', 'add_time', 'runtime', 'name', 'status', 'status_reason']),
    );
  });

  it('refuses a function given both a result and an error, naming the path', async () => {
    const res = await request(app)
      .put('/__mock/envs/e-2')
      .send({ functions: [{ name: 'f', result: 1, error: 'x' }] });
    expect(res.status).toBe(400);
    expect(res.body.issues[0]).toMatchObject({ path: 'functions[0].error' });
  });

  it('refuses a data file whose script gives two kinds in one step, naming the path', async () => {
    const res = await request(app)
      .put('/__mock/data')
      .send({ envs: { 'e-1': { scripts: { f: [{ echo: true }, { echo: true, result: 1 }] } } } });
    expect(res.status).toBe(400);
    expect(res.body.issues[0]).toMatchObject({
      path: 'envs.e-1.scripts.f[1].echo',
      message: /cannot be combined with result/,
    });
  });
});

describe('a scripted delay, over real HTTP', () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMockServer({
      data: {
        envs: { 'prod-1': { functions: [{ name: 'slow', status: 'Active' }], scripts: { slow: { delay_ms: 150 } } } },
      },
      rid: false,
    });
  });
  afterAll(async () => {
    await mock.close();
  });

  it('answers after the delay, within the limit', async () => {
    const started = performance.now();
    const res = await fetch(`${mock.url}${API_PATHS.invokeCloudFunction}?access_token=t&env=prod-1&name=slow`, {
      method: 'POST',
      body: '{}',
    });
    expect(((await res.json()) as { errcode: number }).errcode).toBe(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('a function run, as a pure function of its step', () => {
  const call = { event: { a: { b: 2 } }, env: 'e', name: 'f' };
  it.each([
    ['no step', undefined, { kind: 'result', resp_data: '{"event":{"a":{"b":2}},"env":"e","name":"f"}', waitMs: 0 }],
    ['a delay within the limit', { delay_ms: INVOKE_TIMEOUT_MS }, { kind: 'result', waitMs: INVOKE_TIMEOUT_MS }],
    ['a delay past the limit', { delay_ms: INVOKE_TIMEOUT_MS + 1 }, { kind: 'timeout', waitMs: INVOKE_TIMEOUT_MS }],
    ['a thrown error', { error: 'boom', delay_ms: 10 }, { kind: 'error', message: 'boom', waitMs: 10 }],
    ['a result of null', { result: null }, { kind: 'result', resp_data: 'null' }],
  ])('%s', (_name, step, expected) => {
    expect(runStep(step, call)).toMatchObject(expected);
  });

  it('fails a result over the 6 MB limit as the function failing', () => {
    const run = runStep({ result: 'x'.repeat(MAX_RESP_DATA_BYTES) }, call);
    expect(run).toMatchObject({ kind: 'error', message: expect.stringContaining('limit') });
  });

  it('picks the step of each call, the last repeating', () => {
    const script: FunctionScript = [{ result: 1 }, { result: 2 }];
    expect([0, 1, 2, 9].map((i) => stepFor(script, i))).toEqual([
      { result: 1 },
      { result: 2 },
      { result: 2 },
      { result: 2 },
    ]);
    expect(stepFor({ echo: true }, 5)).toEqual({ echo: true });
  });

  it('fills "$event" paths and keeps a "__proto__" key of the template as data', () => {
    const filled = fillEvent(JSON.parse('{"__proto__":"$event.a.b","x":["$event.a"]}'), call.event) as object;
    expect(Object.getPrototypeOf(filled)).toBe(Object.prototype);
    expect(JSON.stringify(filled)).toBe('{"__proto__":2,"x":[{"b":2}]}');
  });
});
