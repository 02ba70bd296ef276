// Puts a bench run's figures into docs/performance.md, between its bench markers, so the page shows the last run as measured.
// usage: node bench/write-docs.mjs [bench-results/<time>.json] (default: the newest run); npm run bench -- --write-docs does it after a run.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const PAGE = join(root, 'docs/performance.md');
const START = '<!-- bench:start (written by bench/write-docs.mjs; do not edit by hand) -->';
const END = '<!-- bench:end -->';

/** The other client's refusals by errcode and errmsg, as a clause (older runs did not keep them). */
function refusedWhy(refusals) {
  const entries = Object.entries(refusals ?? {});
  if (entries.length === 0) return '';
  return `: ${entries.map(([why, n]) => `${n} x \`${why}\``).join(', ')}`;
}

const thousands = (n) => Math.round(n).toLocaleString('en-US');
const cell = (v, digits = 0) => (v === null || v === undefined ? '–' : Number(v).toFixed(digits));

/** The markdown of one run: its command, date and machine, the load table, start-up and load at growing sizes. */
export function renderRun(run) {
  const machine = run.machine ?? { cores: '?', cpu: 'unknown', node: run.node };
  const lines = [
    `A run of \`${run.command ?? 'npm run bench'}\` on ${run.date.slice(0, 10)} (${run.date.slice(11, 16)} UTC),`,
    `on ${machine.cores} cores (${machine.cpu}), Node ${machine.node}: ${run.rounds} interleaved rounds of`,
    `${run.seconds} s, ${run.connections} connections. The ratios are medians of the per-round ratios.`,
    '',
    '| scenario | req/s (median) | ratio to (a) | p50 ms | p99 ms | errors |',
    '|---|---|---|---|---|---|',
    ...run.results.map(
      (r) =>
        `| ${r.scenario} | ${thousands(r.rps)} | ${r.ratio_to_a.toFixed(2)} | ${cell(r.p50_ms)} | ${cell(r.p99_ms)} | ${r.errors} |`,
    ),
    '',
  ];
  if (run.e_to_c !== undefined) {
    lines.push(
      `(e) against (c) in the same rounds: ${run.e_to_c.toFixed(2)} (the other client created ${run.churned.created},`,
      `deleted ${run.churned.deleted} and had ${run.churned.failed} refused${refusedWhy(run.refusals)}).`,
      '',
    );
  }
  const rssOf = (key) => run.results.find((r) => r.scenario.startsWith(`(${key})`));
  if (rssOf('b') && rssOf('c')) {
    lines.push(
      `RSS before the load and after all rounds: ${rssOf('b').rss_before_mb.toFixed(0)} / ${rssOf('b').rss_mb.toFixed(0)} MB for (b),`,
      `${rssOf('c').rss_before_mb.toFixed(0)} / ${rssOf('c').rss_mb.toFixed(0)} MB for the 100,000-function server of (c), (d) and (e).`,
      '',
    );
  }
  lines.push(
    `Start-up, spawn to the first errcode 0, median of 5 starts: ${thousands(run.startups.reference)} ms for Express,`,
    `${thousands(run.startups.defaultData)} ms for the default data, ${thousands(run.startups.big)} ms with 100,000 generated functions.`,
  );
  if (run.scale?.length) {
    lines.push(
      '',
      'At growing sizes: `serve` from spawn to the first errcode 0 and its RSS then (median of 3 starts;',
      'serve holds at most 200,000 functions), and the store alone built in a fresh process:',
      '',
      '| functions | serve start-up ms | serve RSS MB | store load ms | store RSS MB |',
      '|---|---|---|---|---|',
      ...run.scale.map(
        (s) =>
          `| ${s.functions} | ${cell(s.serve_startup_ms)} | ${cell(s.serve_rss_mb)} | ${cell(s.load_ms)} | ${cell(s.rss_mb)} |`,
      ),
    );
  }
  return lines.join('\n');
}

/** The newest run in bench-results/. */
function newestRun() {
  const dir = join(root, 'bench-results');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  if (files.length === 0) throw new Error('bench-results/ holds no run: run `npm run bench` first');
  return join(dir, files.at(-1));
}

/**
 * Replaces the text between the page's bench markers with the run's figures; returns the page's path.
 * @example writeDocs('bench-results/2026-12-03T14-00-00-000Z.json')
 */
export function writeDocs(file = newestRun()) {
  const run = JSON.parse(readFileSync(file, 'utf8'));
  const page = readFileSync(PAGE, 'utf8');
  const from = page.indexOf(START);
  const to = page.indexOf(END);
  if (from === -1 || to < from) throw new Error(`${PAGE} has no bench markers (${START} … ${END})`);
  writeFileSync(PAGE, `${page.slice(0, from + START.length)}\n${renderRun(run)}\n${page.slice(to)}`);
  return PAGE;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(`wrote ${writeDocs(process.argv[2])}`);
}
