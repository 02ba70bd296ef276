import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VALIDATORS } from '../../generated/validators.js';
import { DEFAULT_DATA } from '../../mock-server/state/default-data.js';
import { buildFunctions, isFailedStatus } from '../../mock-server/state/fake-functions.js';
import {
  describeErrors,
  getAjv,
  isCloudFunction,
  isGetScfListRequest,
  isGetScfListResponse,
  isGetScfListSuccess,
  isWechatError,
} from '../../mock-server/validation.js';
import requestSchema from '../../schemas/getscflist-request.schema.json' with { type: 'json' };
import upstreamRequest from '../fixtures/upstream-request.json' with { type: 'json' };
import upstreamResponse from '../fixtures/upstream-response.json' with { type: 'json' };

const fn = upstreamResponse.functions[1];
const SEED = 20261128;

describe('the upstream page examples', () => {
  it('its request validates against the request schema', () => {
    expect(isGetScfListRequest(upstreamRequest), JSON.stringify(isGetScfListRequest.errors)).toBe(true);
  });
  it('its response validates against the success and the response schemas', () => {
    expect(isGetScfListSuccess(upstreamResponse), JSON.stringify(isGetScfListSuccess.errors)).toBe(true);
    expect(isGetScfListResponse(upstreamResponse)).toBe(true);
  });
});

describe('what the schemas tighten', () => {
  const requests: [string, unknown, boolean][] = [
    ['a full request', { env: 'e', offset: 0, limit: 1, searchkey: 'x' }, true],
    ['unknown fields (ignored by the server)', { env: 'e', extra: 1 }, true],
    ['an empty env', { env: '' }, false],
    ['no env', { offset: 0 }, false],
    ['a negative offset', { env: 'e', offset: -1 }, false],
    ['a fractional offset', { env: 'e', offset: 1.5 }, false],
    ['offset as a string', { env: 'e', offset: '1' }, false],
    ['limit 0', { env: 'e', limit: 0 }, false],
    ['searchkey as a number', { env: 'e', searchkey: 1 }, false],
  ];
  it.each(requests)('request: %s -> valid %s', (_name, body, valid) => {
    expect(isGetScfListRequest(body)).toBe(valid);
  });

  const functions: [string, unknown, boolean][] = [
    ['an upstream function', fn, true],
    ['a time with a zone', { ...fn, add_time: '2021-07-29T14:41:43Z' }, false],
    ['a time with month 13', { ...fn, mod_time: '2021-13-29 14:41:43' }, false],
    ['no status_reason', { ...fn, status_reason: undefined }, false],
    ['a numeric status_reason errcode', { ...fn, status_reason: [{ errcode: 1, errmsg: 'x' }] }, false],
    ['an unknown status (accepted for forward compatibility)', { ...fn, status: 'Frozen' }, true],
    ['an unknown runtime (accepted for forward compatibility)', { ...fn, runtime: 'Nodejs99.0' }, true],
    ['a numeric runtime', { ...fn, runtime: 8 }, false],
  ];
  it.each(functions)('function: %s -> valid %s', (_name, value, valid) => {
    expect(isCloudFunction(JSON.parse(JSON.stringify(value)))).toBe(valid);
  });

  it('an error needs a numeric errcode that is not 0', () => {
    expect(isWechatError({ errcode: 47001, errmsg: 'data format error rid: 1-2-3' })).toBe(true);
    expect(isWechatError({ errcode: '47001', errmsg: 'data format error' })).toBe(false);
    expect(isWechatError({ errcode: 0, errmsg: 'ok' })).toBe(false);
  });

  it('a success needs total_count and functions, with errcode the number 0', () => {
    expect(isGetScfListSuccess({ errcode: 0, errmsg: 'ok', total_count: 0, functions: [] })).toBe(true);
    expect(isGetScfListSuccess({ errcode: '0', errmsg: 'ok', total_count: 0, functions: [] })).toBe(false);
    expect(isGetScfListSuccess({ errcode: 0, errmsg: 'ok', functions: [] })).toBe(false);
  });

  it('errors translate to readable paths', () => {
    const badTime = { errcode: 0, errmsg: 'ok', total_count: 1, functions: [{ ...fn, add_time: 'yesterday' }] };
    expect(isGetScfListSuccess(badTime)).toBe(false);
    expect(describeErrors(isGetScfListSuccess.errors)).toEqual([
      { path: 'functions[0].add_time', message: 'must match YYYY-MM-DD HH:mm:ss' },
    ]);
    expect(isGetScfListRequest({})).toBe(false);
    expect(describeErrors(isGetScfListRequest.errors)).toEqual([{ path: 'env', message: 'is required' }]);
  });
});

describe('fake functions', () => {
  const functions = buildFunctions(7, 'fake-env', [], 5000);

  it('all validate against the cloud function schema', () => {
    const invalid = functions.filter((f) => !isCloudFunction(f));
    expect(invalid).toEqual([]);
  });

  it('have names like real function names, unique in the env', () => {
    for (const f of functions) expect(f.name).toMatch(/^[A-Za-z][A-Za-z0-9_-]{1,59}$/);
    expect(new Set(functions.map((f) => f.name)).size).toBe(functions.length);
  });

  it('never have add_time after mod_time', () => {
    expect(functions.filter((f) => f.add_time > f.mod_time)).toEqual([]);
  });

  it('carry a status_reason exactly when the status is a failure, and are mostly Active', () => {
    for (const f of functions) expect(f.status_reason.length > 0).toBe(isFailedStatus(f.status));
    const active = functions.filter((f) => f.status === 'Active').length;
    expect(active / functions.length).toBeGreaterThan(0.75);
    expect(new Set(functions.map((f) => f.status)).size).toBeGreaterThan(3);
    expect(new Set(functions.map((f) => f.runtime)).size).toBeGreaterThan(5);
  });

  it('are the same for the same seed and env, and differ for another seed', () => {
    expect(buildFunctions(7, 'fake-env', [], 50)).toEqual(functions.slice(0, 50));
    expect(buildFunctions(8, 'fake-env', [], 50)).not.toEqual(functions.slice(0, 50));
  });

  it('fill a listed function the same way whatever else is listed', () => {
    const alone = buildFunctions(1, 'e', [{ name: 'login' }], 0)[0];
    const withOthers = buildFunctions(1, 'e', [{ name: 'a' }, { name: 'login' }], 3)[1];
    expect(withOthers).toEqual(alone);
  });

  it('keep the fields a data file gives and fill only the rest', () => {
    const [f] = buildFunctions(1, 'e', [{ name: 'pay', status: 'CreateFailed', add_time: '2024-01-02 03:04:05' }], 0);
    expect(f).toMatchObject({ name: 'pay', status: 'CreateFailed', add_time: '2024-01-02 03:04:05' });
    expect(f.status_reason.length).toBe(1);
    expect(f.mod_time >= f.add_time).toBe(true);
    expect(Object.keys(f)).toEqual(['mod_time', 'add_time', 'runtime', 'name', 'status', 'status_reason']);
  });
});

describe('the validators compiled ahead of time', () => {
  // Documents some schema accepts, so that agreement is not only on refusals.
  const known = [upstreamRequest, upstreamResponse, fn, DEFAULT_DATA, { errcode: 40001, errmsg: 'x' }, 'listed', {}];
  for (const [ref, generated] of Object.entries(VALIDATORS) as [string, (data: unknown) => boolean][]) {
    it(`${ref.replace(/.*\/schemas\//, '')} agrees with Ajv compiling it at run time (fast-check seed ${SEED})`, () => {
      const runtime = getAjv().getSchema(ref);
      expect(runtime, `Ajv resolves ${ref}`).toBeDefined();
      for (const value of known) expect(generated(value)).toBe(runtime?.(value));
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          expect(generated(value)).toBe(runtime?.(value));
        }),
        { seed: SEED, numRuns: 100 },
      );
    });
  }

  it(`agrees with Ajv compiling the schema at run time (fast-check seed ${SEED})`, () => {
    const runtime = getAjv().getSchema(requestSchema.$id);
    const value = fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null), fc.boolean(), fc.constant(''));
    const bodies = fc.oneof(
      fc.record({ env: value, offset: value, limit: value, searchkey: value }, { requiredKeys: [] }),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(bodies, (body) => {
        expect(isGetScfListRequest(body)).toBe(runtime?.(body));
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });
});
