import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MockDataFile } from '../../../generated/schemas.js';
import { API_PATHS, REALISTIC_TRANSITION_S } from '../../../mock-server/api-facts.js';
import { createApp, type MockApp } from '../../../mock-server/app.js';
import { ENTRY_FILE_REASON } from '../../../mock-server/state/function-lifecycle.js';
import {
  isLifecycleOkSuccess,
  isScfCodeSuccess,
  isScfCreateSuccess,
  isTriggersGetSuccess,
  isTriggersUpdateSuccess,
  isWechatError,
} from '../../../mock-server/validation.js';
import { FOLDER_ZIP, GOOD_ZIP, NOT_A_ZIP } from '../../support/zips.js';

const DATA: MockDataFile = {
  seed: 5,
  envs: { e1: { functions: [{ name: 'seeded', status: 'Active' }], generate: 3 }, e2: {}, off: { qbase: false } },
};

const Q = '?access_token=t';
const post = (app: MockApp, path: string, body: unknown) =>
  request(app)
    .post(`${path}${Q}`)
    .set('Content-Type', 'application/json')
    .send(typeof body === 'string' ? body : JSON.stringify(body));
const list = async (app: MockApp, env: string, searchkey?: string) =>
  (await post(app, API_PATHS.getscflist, { env, limit: 100, ...(searchkey ? { searchkey } : {}) })).body;
const statusOf = async (app: MockApp, env: string, name: string) =>
  (await list(app, env)).functions.find((f: { name: string }) => f.name === name);
const advance = (app: MockApp, seconds: number) => request(app).post('/__mock/clock').send({ advance_s: seconds });

const create = (app: MockApp, functionname: string, envs: string[], zipfile = GOOD_ZIP) =>
  post(app, API_PATHS.batchuploadscf, { functionname, envs, zipfile });

describe('request rules shared by the six endpoints', () => {
  const app = createApp({ data: DATA, rid: false });
  const valid: Record<string, unknown> = {
    [API_PATHS.batchuploadscf]: { functionname: 'fn1', envs: ['e1'], zipfile: GOOD_ZIP },
    [API_PATHS.batchuploadscfcode]: { functionname: 'fn1', envs: ['e1'], zipfile: GOOD_ZIP },
    [API_PATHS.updatescfconfig]: { env: 'e1', functionname: 'fn1' },
    [API_PATHS.deletescf]: { env: 'e1', functionname: 'fn1' },
    [API_PATHS.gettriggers]: { env: 'e1', funcname: 'fn1' },
    [API_PATHS.batchupdatetriggers]: { funcname: 'fn1', envs: ['e1'], triggers: [] },
  };
  const cases = Object.keys(valid).flatMap((path) => {
    const body = valid[path] as Record<string, unknown>;
    const first = Object.keys(body)[0];
    return [
      { path, name: 'a GET', method: 'get', query: Q, body: undefined, errcode: 43002 },
      { path, name: 'no token', method: 'post', query: '', body: JSON.stringify(body), errcode: 41001 },
      { path, name: 'an empty body', method: 'post', query: Q, body: '', errcode: 44002 },
      { path, name: 'a body that is not JSON', method: 'post', query: Q, body: '{x', errcode: 47001 },
      {
        path,
        name: `no ${first}`,
        method: 'post',
        query: Q,
        body: JSON.stringify({ ...body, [first]: undefined }),
        errcode: 40101,
        reason: `${first}: is required`,
      },
      {
        path,
        name: `${first} of the wrong type`,
        method: 'post',
        query: Q,
        body: JSON.stringify({ ...body, [first]: 42 }),
        errcode: 47001,
        reason: first,
      },
    ];
  });
  it.each(cases)('$path answers $errcode to $name', async ({ path, method, query, body, errcode, reason }) => {
    const req = method === 'get' ? request(app).get(`${path}${query}`) : request(app).post(`${path}${query}`);
    const res = await (body === undefined ? req : req.set('Content-Type', 'application/json').send(body));
    expect(res.status).toBe(200);
    expect(res.body.errcode).toBe(errcode);
    expect(isWechatError(res.body)).toBe(true);
    if (reason) {
      const journal = (await request(app).get('/__mock/requests')).body.requests.at(-1);
      expect(journal.reason).toContain(reason);
    }
  });
});

describe('field checks name the field that is wrong', () => {
  const app = createApp({ data: DATA, rid: false });
  const cases = [
    {
      name: 'a function name starting with a digit',
      path: API_PATHS.batchuploadscf,
      body: { functionname: '1fn', envs: ['e1'], zipfile: GOOD_ZIP },
      field: 'functionname',
    },
    {
      name: 'a function name ending with -',
      path: API_PATHS.batchuploadscf,
      body: { functionname: 'fn-', envs: ['e1'], zipfile: GOOD_ZIP },
      field: 'functionname',
    },
    {
      name: 'an empty env list',
      path: API_PATHS.batchuploadscf,
      body: { functionname: 'fn', envs: [], zipfile: GOOD_ZIP },
      field: 'envs',
    },
    {
      name: 'a zipfile that is not base64',
      path: API_PATHS.batchuploadscf,
      body: { functionname: 'fn', envs: ['e1'], zipfile: 'not base64!' },
      field: 'zipfile',
    },
    {
      name: 'memorysize 100',
      path: API_PATHS.updatescfconfig,
      body: { env: 'e1', functionname: 'seeded', memorysize: 100 },
      field: 'memorysize',
    },
    {
      name: 'timeout 901',
      path: API_PATHS.updatescfconfig,
      body: { env: 'e1', functionname: 'seeded', timeout: 901 },
      field: 'timeout',
    },
    {
      name: 'a variable key given twice',
      path: API_PATHS.updatescfconfig,
      body: {
        env: 'e1',
        functionname: 'seeded',
        environment_variables: [
          { key: 'A', value: '1' },
          { key: 'A', value: '2' },
        ],
      },
      field: 'environment_variables[1].key',
    },
    {
      name: 'public_net_status ON',
      path: API_PATHS.updatescfconfig,
      body: {
        env: 'e1',
        functionname: 'seeded',
        public_net_config: { public_net_status: 'ON', eip_status: 'DISABLE' },
      },
      field: 'public_net_config.public_net_status',
    },
    {
      name: 'two triggers',
      path: API_PATHS.batchupdatetriggers,
      body: {
        funcname: 'seeded',
        envs: ['e1'],
        triggers: [
          { trigger_name: 'a', type: 'Timer', config: '0 0 2 * * * *' },
          { trigger_name: 'b', type: 'Timer', config: '0 0 2 * * * *' },
        ],
      },
      field: 'triggers',
    },
    {
      name: 'a trigger of type Http',
      path: API_PATHS.batchupdatetriggers,
      body: {
        funcname: 'seeded',
        envs: ['e1'],
        triggers: [{ trigger_name: 'a', type: 'Http', config: '0 0 2 * * * *' }],
      },
      field: 'triggers[0].type',
    },
    {
      name: 'a 6-field cron',
      path: API_PATHS.batchupdatetriggers,
      body: {
        funcname: 'seeded',
        envs: ['e1'],
        triggers: [{ trigger_name: 'a', type: 'Timer', config: '0 0 2 * * *' }],
      },
      field: 'triggers[0].config: has 6 fields',
    },
    {
      name: 'an hour of 24',
      path: API_PATHS.batchupdatetriggers,
      body: {
        funcname: 'seeded',
        envs: ['e1'],
        triggers: [{ trigger_name: 'a', type: 'Timer', config: '0 0 24 * * * *' }],
      },
      field: 'field 3 (hour)',
    },
  ];
  it.each(cases)('$name answers 47001 naming $field', async ({ path, body, field }) => {
    const res = await post(app, path, body);
    expect(res.body.errcode).toBe(47001);
    const journal = (await request(app).get('/__mock/requests')).body.requests.at(-1);
    expect(journal.reason).toContain(field);
  });
});

describe('with the default transition time of 0', () => {
  let app: MockApp;
  beforeEach(() => {
    app = createApp({ data: DATA, rid: false });
  });

  it('a created function is Active at the next getscflist, newest first, with add_time now in Beijing time', async () => {
    const res = await create(app, 'hello', ['e1', 'e2']);
    expect(res.body).toEqual({ errcode: 0, errmsg: 'ok', fail_env_list: [] });
    expect(isScfCreateSuccess(res.body)).toBe(true);
    const page = await list(app, 'e1');
    expect(page.total_count).toBe(5);
    expect(page.functions[0]).toMatchObject({ name: 'hello', status: 'Active', status_reason: [] });
    const clock = (await request(app).get('/__mock/clock')).body;
    const beijing = new Date(clock.unix * 1000 + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(page.functions[0].add_time.slice(0, 16)).toBe(beijing);
    expect((await list(app, 'e2')).total_count).toBe(1);
  });

  it('per-env failures go to fail_env_list with top-level errcode 0', async () => {
    await create(app, 'hello', ['e1']);
    const res = await create(app, 'hello', ['e1', 'nowhere', 'off', 'e2']);
    expect(res.body.errcode).toBe(0);
    expect(res.body.fail_env_list).toEqual([
      { env: 'e1', errmsg: '[ResourceInUse.Function] 函数已存在。' },
      { env: 'nowhere', errmsg: "can't find the env" },
      { env: 'off', errmsg: 'no qbase privilege' },
    ]);
    expect(await statusOf(app, 'e2', 'hello')).toMatchObject({ status: 'Active' });
  });

  it.each([
    { name: 'bytes that are not a zip', zip: NOT_A_ZIP },
    { name: 'a zip with its files in a folder', zip: FOLDER_ZIP },
  ])('a create from $name ends CreateFailed with the documented reason', async ({ zip }) => {
    await create(app, 'broken', ['e1'], zip);
    expect(await statusOf(app, 'e1', 'broken')).toMatchObject({
      status: 'CreateFailed',
      status_reason: [ENTRY_FILE_REASON],
    });
  });

  it('a code update from a bad zip ends UpdateFailed and keeps the previous code', async () => {
    await create(app, 'hello', ['e1']);
    const before = (await request(app).get('/__mock/envs/e1/functions/hello')).body.code;
    const res = await post(app, API_PATHS.batchuploadscfcode, {
      functionname: 'hello',
      envs: ['e1', 'e2'],
      zipfile: FOLDER_ZIP,
    });
    expect(isScfCodeSuccess(res.body)).toBe(true);
    expect(res.body.fail_list).toEqual([
      { env: 'e2', errormsg: '[ResourceNotFound.Function] 未找到指定的Function,请创建后再试。' },
    ]);
    expect(await statusOf(app, 'e1', 'hello')).toMatchObject({
      status: 'UpdateFailed',
      status_reason: [ENTRY_FILE_REASON],
    });
    const view = (await request(app).get('/__mock/envs/e1/functions/hello')).body;
    expect(view.code).toEqual(before);
    // A good update afterwards brings it back to Active with the new code.
    await post(app, API_PATHS.batchuploadscfcode, { functionname: 'hello', envs: ['e1'], zipfile: GOOD_ZIP });
    expect(await statusOf(app, 'e1', 'hello')).toMatchObject({ status: 'Active', status_reason: [] });
  });

  it('updatescfconfig sets what the control API shows, variables replaced whole', async () => {
    const body = {
      env: 'e1',
      functionname: 'seeded',
      memorysize: 512,
      timeout: 2,
      environment_variables: [{ key: 'test', value: 'true' }],
      public_net_config: { public_net_status: 'DISABLE', eip_status: 'DISABLE' },
      vpc_config: { vpcid: 'vpc-a9ejy7oi', subnetid: 'subnet-oqw8aqbd' },
    };
    const res = await post(app, API_PATHS.updatescfconfig, body);
    expect(res.body).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(isLifecycleOkSuccess(res.body)).toBe(true);
    await post(app, API_PATHS.updatescfconfig, {
      env: 'e1',
      functionname: 'seeded',
      environment_variables: [{ key: 'B', value: '2' }],
    });
    const view = (await request(app).get('/__mock/envs/e1/functions/seeded')).body;
    expect(view.config).toMatchObject({
      memorysize: 512,
      timeout: 2,
      environment_variables: [{ key: 'B', value: '2' }],
      public_net_config: body.public_net_config,
      vpc_config: body.vpc_config,
    });
    expect(view.function.status).toBe('Active');
  });

  it('triggers set by batchupdatetriggers come back from gettriggers as "timer", and go with a delete', async () => {
    await create(app, 'cron', ['e1']);
    const trigger = { trigger_name: 'myTrigger', type: 'Timer', config: '0 0 2 1 * * *' };
    const set = await post(app, API_PATHS.batchupdatetriggers, {
      funcname: 'cron',
      envs: ['e1', 'test-env2'],
      triggers: [trigger],
    });
    expect(set.body).toEqual({
      errcode: 0,
      errmsg: 'ok',
      err_list: [{ env: 'test-env2', errmsg: "can't find the env" }],
    });
    expect(isTriggersUpdateSuccess(set.body)).toBe(true);
    const got = await post(app, API_PATHS.gettriggers, { env: 'e1', funcname: 'cron' });
    expect(got.body).toEqual({ errcode: 0, errmsg: 'ok', triggers: [{ ...trigger, type: 'timer' }] });
    expect(isTriggersGetSuccess(got.body)).toBe(true);
    expect((await request(app).get('/__mock/envs/e1/functions/cron')).body.triggers).toEqual([
      { ...trigger, type: 'timer' },
    ]);
    expect((await post(app, API_PATHS.deletescf, { env: 'e1', functionname: 'cron' })).body).toEqual({
      errcode: 0,
      errmsg: 'ok',
    });
    expect((await post(app, API_PATHS.gettriggers, { env: 'e1', funcname: 'cron' })).body.errcode).toBe(-501009);
    // Created again, it starts with no triggers.
    await create(app, 'cron', ['e1']);
    expect((await post(app, API_PATHS.gettriggers, { env: 'e1', funcname: 'cron' })).body.triggers).toEqual([]);
  });

  it('a deleted function disappears from getscflist, its search and describeenvs-visible envs alike', async () => {
    await create(app, 'goner', ['e1']);
    expect((await list(app, 'e1', 'gone')).total_count).toBe(1);
    await post(app, API_PATHS.deletescf, { env: 'e1', functionname: 'goner' });
    expect((await list(app, 'e1', 'gone')).total_count).toBe(0);
    expect(
      (await request(app).get('/__mock/envs')).body.envs.find((e: { env: string }) => e.env === 'e1').total_count,
    ).toBe(4);
  });

  it.each([
    { name: 'an unknown env', body: { env: 'nowhere', functionname: 'seeded' }, errcode: 40097 },
    { name: 'an env with qbase false', body: { env: 'off', functionname: 'seeded' }, errcode: 85088 },
    { name: 'an unknown function', body: { env: 'e1', functionname: 'nothing' }, errcode: -501009 },
  ])('deletescf and updatescfconfig answer $errcode for $name', async ({ body, errcode }) => {
    expect((await post(app, API_PATHS.deletescf, body)).body.errcode).toBe(errcode);
    expect((await post(app, API_PATHS.updatescfconfig, body)).body.errcode).toBe(errcode);
  });

  it('a function that failed to create can be deleted, and only deleted', async () => {
    await create(app, 'broken', ['e1'], NOT_A_ZIP);
    const update = await post(app, API_PATHS.updatescfconfig, { env: 'e1', functionname: 'broken', timeout: 5 });
    expect(update.body.errcode).toBe(-1000);
    expect(update.body.errmsg).toContain('请删除后重新创建');
    expect((await post(app, API_PATHS.deletescf, { env: 'e1', functionname: 'broken' })).body.errcode).toBe(0);
    expect(await statusOf(app, 'e1', 'broken')).toBeUndefined();
  });
});

describe('with the realistic transition time', () => {
  let app: MockApp;
  beforeEach(() => {
    app = createApp({ data: { ...DATA, lifecycle: { transition_s: 'realistic' } }, rid: false });
  });

  it('create, update and delete each show their in-between status until the mock clock passes the transition', async () => {
    await create(app, 'slow', ['e1']);
    expect(await statusOf(app, 'e1', 'slow')).toMatchObject({ status: 'Creating' });
    await advance(app, REALISTIC_TRANSITION_S - 1);
    expect(await statusOf(app, 'e1', 'slow')).toMatchObject({ status: 'Creating' });
    await advance(app, 1);
    expect(await statusOf(app, 'e1', 'slow')).toMatchObject({ status: 'Active' });

    await post(app, API_PATHS.updatescfconfig, { env: 'e1', functionname: 'slow', timeout: 10 });
    expect(await statusOf(app, 'e1', 'slow')).toMatchObject({ status: 'Updating' });
    expect((await request(app).get('/__mock/envs/e1/functions/slow')).body.config.timeout).toBe(3);
    await advance(app, REALISTIC_TRANSITION_S);
    expect(await statusOf(app, 'e1', 'slow')).toMatchObject({ status: 'Active' });
    expect((await request(app).get('/__mock/envs/e1/functions/slow')).body.config.timeout).toBe(10);

    await post(app, API_PATHS.deletescf, { env: 'e1', functionname: 'slow' });
    expect(await statusOf(app, 'e1', 'slow')).toMatchObject({ status: 'Deleting' });
    await advance(app, REALISTIC_TRANSITION_S);
    expect(await statusOf(app, 'e1', 'slow')).toBeUndefined();
  });

  it.each([
    { status: 'Creating', setup: async (a: MockApp) => create(a, 'busy', ['e1']) },
    {
      status: 'Updating',
      setup: async (a: MockApp) => {
        await create(a, 'busy', ['e1']);
        await advance(a, REALISTIC_TRANSITION_S);
        await post(a, API_PATHS.batchuploadscfcode, { functionname: 'busy', envs: ['e1'], zipfile: GOOD_ZIP });
      },
    },
  ])('a change while $status is refused per env with the upstream message', async ({ status, setup }) => {
    await setup(app);
    const message = `当前函数处于${status}状态,无法进行此操作,请稍后重试。`;
    const code = await post(app, API_PATHS.batchuploadscfcode, {
      functionname: 'busy',
      envs: ['e1'],
      zipfile: GOOD_ZIP,
    });
    expect(code.body.fail_list).toEqual([{ env: 'e1', errormsg: message }]);
    const config = await post(app, API_PATHS.updatescfconfig, { env: 'e1', functionname: 'busy', timeout: 9 });
    expect(config.body).toEqual({ errcode: -1000, errmsg: message });
    const triggers = await post(app, API_PATHS.batchupdatetriggers, { funcname: 'busy', envs: ['e1'], triggers: [] });
    expect(triggers.body.err_list).toEqual([{ env: 'e1', errmsg: message }]);
  });
});

describe('forced failures', () => {
  it('from the data file: the next create fails with the given reason, the one after succeeds', async () => {
    const reason = { errcode: 'InternalError.System', errmsg: '内部错误' };
    const app = createApp({
      data: { ...DATA, lifecycle: { failures: [{ op: 'create', env: 'e1', ...reason }] } },
      rid: false,
    });
    await create(app, 'first', ['e2', 'e1']);
    expect(await statusOf(app, 'e1', 'first')).toMatchObject({ status: 'CreateFailed', status_reason: [reason] });
    expect(await statusOf(app, 'e2', 'first')).toMatchObject({ status: 'Active' });
    await create(app, 'second', ['e1']);
    expect(await statusOf(app, 'e1', 'second')).toMatchObject({ status: 'Active' });
  });

  it('from the control API: a delete fails twice with the default reason, then succeeds', async () => {
    const app = createApp({ data: DATA, rid: false });
    const queued = await request(app)
      .post('/__mock/lifecycle/failures')
      .send({ op: 'delete', functionname: 'seeded', times: 2 });
    expect(queued.status).toBe(201);
    for (let i = 0; i < 2; i++) {
      await post(app, API_PATHS.deletescf, { env: 'e1', functionname: 'seeded' });
      expect(await statusOf(app, 'e1', 'seeded')).toMatchObject({
        status: 'DeleteFailed',
        status_reason: [{ errcode: 'FailedOperation.DeleteFunction' }],
      });
    }
    await post(app, API_PATHS.deletescf, { env: 'e1', functionname: 'seeded' });
    expect(await statusOf(app, 'e1', 'seeded')).toBeUndefined();
    expect((await request(app).get('/__mock/lifecycle')).body.failures).toEqual([]);
  });

  it.each([
    { name: 'an unknown op', body: { op: 'publish' }, path: 'op' },
    { name: 'times 0', body: { op: 'create', times: 0 }, path: 'times' },
  ])('the control API answers 400 naming the field for $name', async ({ body, path }) => {
    const app = createApp({ data: DATA, rid: false });
    const res = await request(app).post('/__mock/lifecycle/failures').send(body);
    expect(res.status).toBe(400);
    expect(res.body.issues[0].path).toBe(path);
  });

  it('PUT /__mock/lifecycle sets the transition time, and reset returns to the data file', async () => {
    const app = createApp({ data: DATA, rid: false });
    const put = await request(app).put('/__mock/lifecycle').send({ transition_s: 60 });
    expect(put.body.transition_s).toBe(60);
    await create(app, 'slow', ['e1']);
    expect(await statusOf(app, 'e1', 'slow')).toMatchObject({ status: 'Creating' });
    expect((await request(app).get('/__mock/envs/e1/functions/slow')).body.pending).toMatchObject({
      op: 'create',
      will_fail: false,
    });
    await request(app).post('/__mock/reset');
    expect((await request(app).get('/__mock/lifecycle')).body.transition_s).toBe(0);
    expect(await statusOf(app, 'e1', 'slow')).toBeUndefined();
  });
});

describe('a data file with lifecycle settings', () => {
  it.each([
    { name: 'a negative transition', lifecycle: { transition_s: -1 }, path: 'lifecycle.transition_s' },
    { name: 'a failure with no op', lifecycle: { failures: [{ env: 'e1' }] }, path: 'lifecycle.failures[0].op' },
  ])('is refused naming the field for $name', ({ lifecycle, path }) => {
    expect(() => createApp({ data: { envs: {}, lifecycle } as MockDataFile })).toThrow(path);
  });
});

describe('invokecloudfunction follows the function lifecycle', () => {
  const invoke = async (app: MockApp, env: string, name: string) =>
    (await request(app).post(`${API_PATHS.invokeCloudFunction}${Q}&env=${env}&name=${name}`).send({ a: 1 })).body
      .errcode;

  it('runs a created function only once it is Active, and answers -501009 once it is deleted', async () => {
    const app = createApp({ data: { ...DATA, lifecycle: { transition_s: 'realistic' } }, rid: false });
    await create(app, 'made', ['e1']);
    expect((await statusOf(app, 'e1', 'made')).status).toBe('Creating');
    expect(await invoke(app, 'e1', 'made')).toBe(-504001);
    await advance(app, REALISTIC_TRANSITION_S);
    expect(await invoke(app, 'e1', 'made')).toBe(0);
    await post(app, API_PATHS.deletescf, { env: 'e1', functionname: 'made' });
    expect(await invoke(app, 'e1', 'made')).toBe(-504001);
    await advance(app, REALISTIC_TRANSITION_S);
    expect(await invoke(app, 'e1', 'made')).toBe(-501009);
  });

  it('answers -504001 for a function whose creation failed', async () => {
    const app = createApp({ data: DATA, rid: false });
    await create(app, 'broken', ['e1'], FOLDER_ZIP);
    expect((await statusOf(app, 'e1', 'broken')).status).toBe('CreateFailed');
    expect(await invoke(app, 'e1', 'broken')).toBe(-504001);
  });
});
