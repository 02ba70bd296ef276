// npm run bench: the mock against a textbook Express 5 handler, over loopback, in interleaved rounds.
// Prints a table and writes bench-results/<time>.json. Options: --rounds N (5), --seconds N (3), --no-scale,
// --write-docs (puts this run's tables into docs/performance.md, see bench/write-docs.mjs).
// (e) repeats (c) while another client creates and deletes functions in the same env (the function lifecycle).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '3' },
    'no-scale': { type: 'boolean' },
    'write-docs': { type: 'boolean' },
  },
});
// The command as a reader would type it again, for the docs.
const COMMAND = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const CONNECTIONS = 32;
const BIG = 100_000;
const PATH = '/componenttcb/getscflist?access_token=bench-token';
const work = mkdtempSync(join(tmpdir(), 'scf-bench-'));
// The data files (up to 16 MB each) go with the run, however it ends.
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function post(port, body) {
  const res = await fetch(`http://127.0.0.1:${port}${PATH}`, { method: 'POST', body: JSON.stringify(body) });
  return res.json();
}

/** Spawns a server and measures spawn to first successful answer. */
async function start(name, args, probeBody) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args(port), { stdio: ['ignore', 'ignore', 'inherit'] });
  for (;;) {
    try {
      const answer = await post(port, probeBody);
      if (answer.errcode === 0) break;
    } catch {}
    if (performance.now() - started > 60_000) throw new Error(`${name} did not answer within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { name, port, child, startupMs: performance.now() - started };
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

const letters = 'abcdefghijklmnopqrstuvwxyz';
const randomKey = () =>
  Array.from({ length: 2 + Math.floor(Math.random() * 3) }, () => letters[Math.floor(Math.random() * 26)]).join('');

function load(port, makeBody) {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: 'POST',
        path: PATH,
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: JSON.stringify(makeBody()) }),
      },
    ],
  });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

writeFileSync(join(work, 'small.json'), JSON.stringify({ seed: 1, envs: { small: { generate: 25 } } }));
writeFileSync(join(work, 'big.json'), JSON.stringify({ seed: 1, envs: { big: { generate: BIG } } }));
const cli = join(root, 'dist/mock-server/cli.js');
const mockArgs = (data) => (port) => [cli, 'serve', '--port', String(port), '--quiet', '--data', join(work, data)];

console.log(`starting servers (rounds ${ROUNDS} x ${SECONDS} s, ${CONNECTIONS} connections)…`);
/** Stops a server and waits for its exit. */
async function stop(server) {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill();
  await exited;
}
// The reference answers the page the mock answers (a) with.
const pageServer = await start('page', mockArgs('small.json'), { env: 'small' });
writeFileSync(join(work, 'page.json'), JSON.stringify(await post(pageServer.port, { env: 'small', limit: 20 })));
await stop(pageServer);

// Start-up, spawn to first errcode 0, as the median of 5 fresh starts each (one start is too noisy
// here), before the servers under load start: an idle server's own collections took CPU from the
// starts measured beside it (the 100,000-function median read 765-853 ms there, 575-630 ms alone).
async function startupMedian(name, args, probe) {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const server = await start(name, args, probe);
    times.push(server.startupMs);
    // The next start waits for this one's exit: a 100,000-function process still shutting down took CPU from it.
    await stop(server);
  }
  return median(times);
}
const startups = {
  reference: await startupMedian(
    'reference',
    (port) => [join(root, 'bench/express-reference.mjs'), String(port), join(work, 'page.json')],
    { env: 'small' },
  ),
  defaultData: await startupMedian('default data', (port) => [cli, 'serve', '--port', String(port), '--quiet'], {
    env: 'prod-5g7k2m9x3d',
  }),
  big: await startupMedian('100k', mockArgs('big.json'), { env: 'big' }),
};
console.log(
  `start-up (median of 5): textbook Express ${Math.round(startups.reference)} ms, mock on default data ${Math.round(startups.defaultData)} ms (${(startups.defaultData / startups.reference).toFixed(2)}x), mock with 100,000 functions ${Math.round(startups.big)} ms`,
);

const small = await start('(b) mock, 25 functions', mockArgs('small.json'), { env: 'small' });
const reference = await start(
  '(a) textbook Express 5',
  (port) => [join(root, 'bench/express-reference.mjs'), String(port), join(work, 'page.json')],
  { env: 'small' },
);
const big = await start('(c/d) mock, 100k functions', mockArgs('big.json'), { env: 'big' });
const rssBefore = new Map([reference, small, big].map((s) => [s, rssMb(s.child.pid)]));

// The table reports the median start-ups, not the single start of the servers under load.
reference.startupMs = startups.reference;
small.startupMs = startups.defaultData;
big.startupMs = startups.big;
// A zip with index.js at its root, as batchuploadscf takes it.
const ZIP =
  'UEsDBBQAAAAIAB1Wg11ExkmaHwAAAB0AAAAIAAAAaW5kZXguanNLrSjILyop1stNzMxTsFVILK7MS1bQ0FSwtVMwtAYAUEsBAhQAFAAAAAgAHVaDXUTGSZofAAAAHQAAAAgAAAAAAAAAAAAAAAAAAAAAAGluZGV4LmpzUEsFBgAAAAABAAEANgAAAEUAAAAAAA==';
let churnRun = 0;

/**
 * Another client changing the env while (e) lists it: creates churn functions one after another,
 * deletes each 50 creates later (so 50 added functions stay beside the 100,000), and every tenth
 * step deletes a seeded function read from a random page. Returns stop(), which resolves to the counts.
 */
function churn(port) {
  let stopped = false;
  const counts = { created: 0, deleted: 0, failed: 0 };
  const call = async (path, body) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}?access_token=bench-token`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    const answer = await res.json();
    if (answer.errcode !== 0 || (answer.fail_env_list ?? []).length > 0) {
      counts.failed++;
      // Why, without the rid: a seeded function in a busy status (Creating, Updating) refuses a delete, as WeChat does.
      const why = `${answer.errcode} ${String(answer.errmsg ?? answer.fail_env_list?.[0]?.errmsg ?? '').replace(/ rid: .*$/, '')}`;
      refusals.set(why, (refusals.get(why) ?? 0) + 1);
    }
    return answer;
  };
  const run = churnRun++;
  const done = (async () => {
    for (let i = 0; !stopped; i++) {
      await call('/componenttcb/batchuploadscf', { functionname: `churn${run}x${i}`, envs: ['big'], zipfile: ZIP });
      counts.created++;
      if (i >= 50) {
        await call('/componenttcb/deletescf', { functionname: `churn${run}x${i - 50}`, env: 'big' });
        counts.deleted++;
      }
      if (i % 10 === 0) {
        const page = await post(port, { env: 'big', offset: Math.floor(Math.random() * 90_000), limit: 1 });
        const name = page.functions?.[0]?.name;
        if (name && !name.startsWith('churn')) {
          await call('/componenttcb/deletescf', { functionname: name, env: 'big' });
          counts.deleted++;
        }
      }
    }
  })();
  return async () => {
    stopped = true;
    await done;
    return counts;
  };
}

const scenarios = [
  {
    key: 'a',
    name: '(a) textbook Express 5, fixed page',
    server: reference,
    body: () => ({ env: 'small', limit: 20 }),
  },
  { key: 'b', name: '(b) mock, 25-function env, limit 20', server: small, body: () => ({ env: 'small', limit: 20 }) },
  {
    key: 'c',
    name: '(c) mock, 100k env, random searchkey + offset',
    server: big,
    body: () => ({ env: 'big', searchkey: randomKey(), offset: Math.floor(Math.random() * 40), limit: 20 }),
  },
  {
    key: 'd',
    name: '(d) mock, 100k env, deep offsets',
    server: big,
    body: () => ({ env: 'big', offset: 90_000 + Math.floor(Math.random() * 9_980), limit: 20 }),
  },
  {
    key: 'e',
    name: '(e) as (c), while another client creates and deletes functions',
    server: big,
    body: () => ({ env: 'big', searchkey: randomKey(), offset: Math.floor(Math.random() * 40), limit: 20 }),
    during: churn,
  },
];
const churned = { created: 0, deleted: 0, failed: 0 };
/** The other client's refused calls by errcode and errmsg. */
const refusals = new Map();

/** One load of a scenario, with its side client running when it has one. */
async function measure(s) {
  const stop = s.during?.(s.server.port);
  const result = await load(s.server.port, s.body);
  if (stop) for (const [key, n] of Object.entries(await stop())) churned[key] += n;
  return result;
}

for (const s of scenarios) await measure(s); // warm-up, not counted
const rounds = [];
for (let round = 0; round < ROUNDS; round++) {
  const row = {};
  for (const s of scenarios) {
    const r = await measure(s);
    row[s.key] = { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
  }
  rounds.push(row);
  console.log(`round ${round + 1}: ${scenarios.map((s) => `${s.key} ${Math.round(row[s.key].rps)}`).join('  ')} req/s`);
}

const results = scenarios.map((s) => ({
  scenario: s.name,
  rps: median(rounds.map((r) => r[s.key].rps)),
  p50_ms: median(rounds.map((r) => r[s.key].p50)),
  p99_ms: median(rounds.map((r) => r[s.key].p99)),
  ratio_to_a: median(rounds.map((r) => r[s.key].rps / r.a.rps)),
  errors: rounds.reduce((sum, r) => sum + r[s.key].errors, 0),
  startup_ms: s.server.startupMs,
  rss_before_mb: rssBefore.get(s.server),
  rss_mb: rssMb(s.server.child.pid),
}));
for (const server of [reference, small, big]) server.child.kill();
// (e) against (c) in the same rounds: how much the other client's changes slow the listing.
const eToC = median(rounds.map((r) => r.e.rps / r.c.rps));
console.log(`(e) / (c), median of the rounds' ratios: ${eToC.toFixed(2)}`);
console.log(
  `(e)'s other client: ${churned.created} functions created, ${churned.deleted} deleted, ${churned.failed} refused (warm-up included)`,
);
for (const [why, n] of refusals) console.log(`  refused ${n}x: ${why}`);

console.log(
  '\n| scenario | req/s (median) | p50 ms | p99 ms | ratio to (a), median of rounds | start-up ms (median of 5) | RSS MB before / after load | errors |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.scenario} | ${Math.round(r.rps)} | ${r.p50_ms} | ${r.p99_ms} | ${r.ratio_to_a.toFixed(2)} | ${Math.round(r.startup_ms)} | ${r.rss_before_mb.toFixed(0)} / ${r.rss_mb.toFixed(0)} | ${r.errors} |`,
  );
}

// Start-up at growing sizes: `serve` from spawn to the first errcode 0 and its RSS then (median of
// 3 starts), for generated functions and for a file that lists 100,000 functions whole; and the
// store alone in a fresh process, which also goes past serve's cap of MAX_FUNCTIONS to 1,000,000.
const scale = [];
if (!values['no-scale']) {
  /** Starts serve on a data file 3 times: the median start-up and the RSS after that start. */
  async function serveStartup(dataFile, env) {
    const starts = [];
    for (let i = 0; i < 3; i++) {
      const server = await start(dataFile, mockArgs(dataFile), { env });
      starts.push({ ms: server.startupMs, rss: rssMb(server.child.pid) });
      await stop(server);
    }
    starts.sort((x, y) => x.ms - y.ms);
    return starts[1];
  }
  /** Loads a store of n generated functions in a fresh process: load ms and RSS. */
  async function storeLoad(n) {
    const script = `
      const { Store } = await import(${JSON.stringify(join(root, 'dist/mock-server/state/env-store.js'))});
      const t = performance.now();
      new Store({ envs: { e: { generate: ${n} } } }, 1);
      const ms = performance.now() - t;
      console.log(JSON.stringify({ ms, rss: process.memoryUsage().rss / 1048576 }));`;
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let text = '';
      child.stdout.on('data', (c) => {
        text += c;
      });
      child.on('close', () => resolve(JSON.parse(text)));
    });
  }
  // The explicit file: every function listed whole (as a data file exported from a real account
  // would be), taken from a generated env so its names and times are realistic.
  const { Store } = await import(join(root, 'dist/mock-server/state/env-store.js'));
  const listed = new Store({ envs: { e: { generate: BIG } } }, 1)
    .getEnv('e')
    .table.all()
    .map((fn) => fn.record);
  writeFileSync(join(work, 'explicit.json'), JSON.stringify({ seed: 1, envs: { big: { functions: listed } } }));

  console.log('\n| functions | serve start-up ms | serve RSS MB | store load ms | store RSS MB |');
  console.log('|---|---|---|---|---|');
  const cases = [
    { label: '10,000 generated', n: 10_000, serve: true },
    { label: '100,000 generated', n: BIG, serve: true },
    { label: '100,000 listed in the file', n: BIG, file: 'explicit.json' },
    { label: '1,000,000 generated', n: 1_000_000, serve: false },
  ];
  for (const c of cases) {
    let served;
    if (c.file) served = await serveStartup(c.file, 'big');
    else if (c.serve) {
      writeFileSync(join(work, `gen-${c.n}.json`), JSON.stringify({ seed: 1, envs: { big: { generate: c.n } } }));
      served = await serveStartup(`gen-${c.n}.json`, 'big');
    }
    const stored = c.file ? undefined : await storeLoad(c.n);
    const row = {
      functions: c.label,
      serve_startup_ms: served?.ms ?? null,
      serve_rss_mb: served?.rss ?? null,
      load_ms: stored?.ms ?? null,
      rss_mb: stored?.rss ?? null,
    };
    scale.push(row);
    const cell = (v, digits = 0) => (v === null ? '–' : v.toFixed(digits));
    console.log(
      `| ${row.functions} | ${cell(row.serve_startup_ms)} | ${cell(row.serve_rss_mb)} | ${cell(row.load_ms)} | ${cell(row.rss_mb)} |`,
    );
  }
}

mkdirSync(join(root, 'bench-results'), { recursive: true });
const file = join(root, 'bench-results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), command: COMMAND, machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version }, rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, startups, results, e_to_c: eToC, churned, refusals: Object.fromEntries(refusals), scale, raw: rounds }, null, 2)}\n`,
);
console.log(`\nwrote ${file}`);
if (values['write-docs']) {
  const { writeDocs } = await import('./write-docs.mjs');
  console.log(`wrote its tables into ${writeDocs(file)}`);
}
