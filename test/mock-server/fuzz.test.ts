// Property-based: thousands of generated requests, hostile and not, each answered by the rules.
// A failure prints fast-check's seed and the shrunk request; replay it with { seed, path } in fc.assert.
import { Agent, request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GETSCFLIST_PATH, WECHAT_CONTENT_TYPE } from '../../mock-server/api-facts.js';
import { type RunningMock, startMockServer } from '../../mock-server/server.js';
import { isGetScfListResponse } from '../../mock-server/validation.js';
import { PROD_NAMES, TEST_DATA } from '../support/helpers.js';

const SEED = 424242;
const RUNS = 10_000;

interface FuzzRequest {
  method: string;
  path: string;
  tokens: readonly string[] | undefined;
  extraQuery: [string, string][];
  contentType: string | undefined;
  body: Buffer | undefined;
}

// JSON text fragments, including what JSON.stringify never writes: 1e309, -0, 1.0.
const valueText = fc.oneof(
  fc.integer({ min: -3, max: 130 }).map(String),
  fc.constantFrom(
    '100',
    '101',
    '1e309',
    '-1e309',
    '-0',
    '1.0',
    '1.5',
    '1e2',
    '1e20',
    '-1e-7',
    'null',
    'true',
    '[]',
    '{}',
    '"1"',
    '""',
  ),
  fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"prod-1"', '"legacy"', '"nowhere"', '"big"', '"USER"', '"用户"', '"🚀"', '".*("'),
  fc.integer({ min: 1000, max: 200_000 }).map((n) => JSON.stringify('a'.repeat(n))),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
);
/** A value for a field: mostly plausible for that field, sometimes anything at all. */
const fieldText: Record<string, fc.Arbitrary<string>> = {
  env: fc.oneof(fc.constantFrom('"prod-1"', '"big"', '"big"', '"legacy"', '"nowhere"'), valueText),
  offset: fc.oneof(
    fc.constantFrom('0', '-0', '1.0', '20', '25', '240', '250', '1e20'),
    fc.nat(300).map(String),
    valueText,
  ),
  limit: fc.oneof(
    fc.constantFrom('1', '20', '99', '100', '101', '1e2', '1e309'),
    fc.integer({ min: 1, max: 120 }).map(String),
    valueText,
  ),
  searchkey: fc.oneof(fc.constantFrom('"get"', '"USER"', '"a"', '""', '"ER"', '"sync"', '"🚀"', 'null'), valueText),
};
fieldText.searchKey = fieldText.searchkey;
fieldText.access_token = valueText;
fieldText.extra = valueText;

const objectText = fc
  .uniqueArray(
    fc.constantFrom('env', 'env', 'env', 'offset', 'limit', 'searchkey', 'searchKey', 'access_token', 'extra'),
    {
      maxLength: 5,
    },
  )
  .chain((keys) => fc.tuple(...keys.map((key) => fieldText[key].map((value) => `${JSON.stringify(key)}:${value}`))))
  .map((entries) => `{${entries.join(',')}}`);

const body = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('', ' \n\t', '\u00a0').map((t) => Buffer.from(t, 'latin1')) },
  { weight: 10, arbitrary: objectText.map((t) => Buffer.from(t)) },
  {
    weight: 2,
    arbitrary: fc.tuple(objectText, fc.nat()).map(([t, n]) => Buffer.from(t.slice(0, n % Math.max(1, t.length)))),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
  {
    weight: 1,
    arbitrary: objectText.map((t) =>
      Buffer.concat([Buffer.from(t.slice(0, 2)), Buffer.from([0xff, 0xc3]), Buffer.from(t.slice(2))]),
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`)),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 20_000 })
      .map((n) => Buffer.from(`{"env":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`)),
  },
);

/** How a failing request is printed: readable, and enough to replay it by hand. */
function describeRequest(req: FuzzRequest): string {
  const utf8 = req.body ? new TextDecoder().decode(req.body) : '';
  const body = !req.body
    ? 'no body'
    : req.body.equals(Buffer.from(utf8))
      ? JSON.stringify(utf8.length > 300 ? `${utf8.slice(0, 300)}…(${utf8.length} chars)` : utf8)
      : `bytes ${req.body.toString('hex')}`;
  return `${req.method} ${req.path} tokens=${JSON.stringify(req.tokens)} query=${JSON.stringify(req.extraQuery)} content-type=${req.contentType} body=${body}`;
}

const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: fc.constantFrom('POST', 'POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
    path: fc.oneof(
      { weight: 12, arbitrary: fc.constant(GETSCFLIST_PATH) },
      { weight: 1, arbitrary: fc.stringMatching(/^\/z[a-z0-9/._-]{0,12}$/) },
    ),
    tokens: fc.oneof(
      fc.constant(undefined),
      fc.constantFrom(
        ['tok-valid'],
        ['tok-valid'],
        ['tok-old'],
        ['tok-nq'],
        [''],
        ['', 'tok-valid'],
        ['tok-valid', 'x'],
      ),
      fc.array(fc.string({ maxLength: 16 }), { minLength: 1, maxLength: 2 }),
    ),
    extraQuery: fc.array(fc.tuple(fc.constantFrom('env', 'offset', 'x', 'searchkey'), fc.string({ maxLength: 8 })), {
      maxLength: 2,
    }),
    contentType: fc.constantFrom(
      undefined,
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=gbk',
      'image/png',
    ),
    body,
  })
  .map((req) => Object.assign(req, { [fc.toStringMethod]: () => describeRequest(req) }));

const TOKENS = TEST_DATA.tokens as Record<string, string>;
const ENVS = TEST_DATA.envs as Record<string, { qbase?: boolean }>;

type Expected = { status: 404 } | { status: 200; errcode: number; total?: number; names?: string[] };

/** The rules, written again from docs/api-behaviour.md as a reference model. */
function expected(req: FuzzRequest, bigNames: string[]): Expected {
  if (req.path !== GETSCFLIST_PATH) return { status: 404 };
  if (req.method !== 'POST') return { status: 200, errcode: 43002 };
  const token = req.tokens?.[0];
  if (!token) return { status: 200, errcode: 41001 };
  const state = TOKENS[token];
  if (!Object.hasOwn(TOKENS, token)) return { status: 200, errcode: 40001 };
  if (state === 'expired') return { status: 200, errcode: 42001 };
  if (state === 'no-qbase') return { status: 200, errcode: 85088 };
  if (!req.body || req.body.toString('latin1').trim() === '') return { status: 200, errcode: 44002 };
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(req.body));
  } catch {
    return { status: 200, errcode: 47001 };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { status: 200, errcode: 47001 };
  const fields = { ...(value as Record<string, unknown>) };
  if (fields.searchkey === undefined || fields.searchkey === null) fields.searchkey = fields.searchKey;
  for (const key of ['offset', 'limit', 'searchkey']) if (fields[key] === null) delete fields[key];
  const { env, offset = 0, limit = 20, searchkey } = fields;
  const count = (n: unknown, min: number) => typeof n === 'number' && Number.isInteger(n) && n >= min;
  if (typeof env !== 'string' || env === '') return { status: 200, errcode: 47001 };
  if (!count(offset, 0) || !count(limit, 1) || (limit as number) > 100) return { status: 200, errcode: 47001 };
  if (searchkey !== undefined && typeof searchkey !== 'string') return { status: 200, errcode: 47001 };
  if (!Object.hasOwn(ENVS, env)) return { status: 200, errcode: 40097 };
  if (ENVS[env].qbase === false) return { status: 200, errcode: 85088 };
  const all = env === 'prod-1' ? PROD_NAMES : bigNames;
  const matches = all.filter((name) => name.toLowerCase().includes(((searchkey as string) ?? '').toLowerCase()));
  const start = offset as number;
  return { status: 200, errcode: 0, total: matches.length, names: matches.slice(start, start + (limit as number)) };
}

describe(`${RUNS} generated requests (fast-check seed ${SEED})`, () => {
  let mock: RunningMock;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let bigNames: string[];
  beforeAll(async () => {
    mock = await startMockServer({ data: TEST_DATA });
    bigNames = (mock.store.getEnv('big')?.table.all() ?? []).map((fn) => fn.record.name);
  });
  afterAll(async () => {
    agent.destroy();
    await mock.close();
  });

  function send(req: FuzzRequest): Promise<{ status: number; type: string | undefined; text: string }> {
    const query = new URLSearchParams();
    for (const token of req.tokens ?? []) query.append('access_token', token);
    for (const [key, value] of req.extraQuery) query.append(key, value);
    const headers: Record<string, string | number> = {};
    if (req.contentType) headers['Content-Type'] = req.contentType;
    if (req.body) headers['Content-Length'] = req.body.length;
    return new Promise((resolve, reject) => {
      const outgoing = request(
        { host: '127.0.0.1', port: mock.port, method: req.method, path: `${req.path}?${query}`, headers, agent },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], text }));
        },
      );
      outgoing.on('error', reject);
      outgoing.end(req.body);
    });
  }

  it('every answer is the one the rules give, in WeChat shape; never a 5xx; the server stays up', {
    timeout: 300_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (req) => {
        const want = expected(req, bigNames);
        const got = await send(req);
        expect(got.status).toBe(want.status);
        if (want.status === 404) {
          expect(got.type).toMatch(/^application\/json/);
          return;
        }
        expect(got.type).toBe(WECHAT_CONTENT_TYPE);
        const answer = JSON.parse(got.text);
        expect(isGetScfListResponse(answer)).toBe(true);
        expect(answer.errcode).toBe(want.errcode);
        if (want.errcode === 0) {
          expect(answer.total_count).toBe(want.total);
          expect(answer.functions.map((f: { name: string }) => f.name)).toEqual(want.names);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    const health = await fetch(`${mock.url}/__mock/health`);
    expect(health.status).toBe(200);
  });
});
