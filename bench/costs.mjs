// npm run bench:costs: what each thing the hot path avoids would cost per request, in microseconds,
// measured in isolation on a 20-function page (the per-request budget at ~3,000 req/s is ~330 µs).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import etag from 'etag';
import { buildFunctions } from '../dist/mock-server/fake-functions.js';
import { StoredFunction } from '../dist/mock-server/store.js';
import { isGetScfListRequest } from '../dist/mock-server/validation.js';

const requestSchema = JSON.parse(readFileSync(new URL('../schemas/getscflist-request.schema.json', import.meta.url)));
const records = buildFunctions(1, 'bench', [], 20);
const stored = records.map((r) => new StoredFunction(r));
const body = { env: 'bench', offset: 0, limit: 20, searchkey: 'get' };

function time(name, fn, iterations) {
  for (let i = 0; i < Math.min(iterations, 200); i++) fn();
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  const micro = Number(process.hrtime.bigint() - started) / 1000 / iterations;
  return { name, micro };
}

const page = `{"errcode":0,"errmsg":"ok","total_count":20,"functions":[${stored.map((s) => s.json).join(',')}]}`;
const rows = [
  time(
    'page from stored JSON (what the mock does)',
    () => `{"functions":[${stored.map((s) => s.json).join(',')}]}`,
    50_000,
  ),
  time(
    'page re-serialised from records (avoided)',
    () => JSON.stringify({ errcode: 0, errmsg: 'ok', total_count: 20, functions: records }),
    50_000,
  ),
  time('request check, compiled ahead of time (what the mock does)', () => isGetScfListRequest(body), 200_000),
  time(
    'request schema compiled per request (avoided)',
    () => new Ajv2020({ strict: true }).compile(requestSchema)(body),
    200,
  ),
  time("ETag of the page, as Express's res.send computes it (avoided)", () => etag(page), 50_000),
  time('sha1 of the page (for scale)', () => createHash('sha1').update(page).digest('base64'), 50_000),
];
console.log('| per request | µs |');
console.log('|---|---|');
for (const row of rows) console.log(`| ${row.name} | ${row.micro.toFixed(2)} |`);
