// Times the whole suite (npm test) and the inner loop (npm run test:unit): N runs each, prints the median wall times.
// Usage: npm run time:suite [-- --runs N]   (default 3 runs; the machine's load average is printed with each run)
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

let values;
try {
  ({ values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } }));
} catch (error) {
  console.error(`time-suite: ${error.message} (usage: npm run time:suite -- --runs N)`);
  process.exit(2);
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`time-suite: --runs must be a whole number of at least 1, got ${JSON.stringify(values.runs)}`);
  process.exit(2);
}

const COMMANDS = [
  { name: 'npm test', args: ['test'] },
  { name: 'npm run test:unit', args: ['run', 'test:unit'] },
];

/** Runs one npm command with its output kept in a log file; resolves with its wall time and exit code. */
function timed(args, log) {
  return new Promise((resolve) => {
    const started = performance.now();
    const out = createWriteStream(log);
    const child = spawn('npm', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('close', (code) => {
      out.end();
      resolve({ seconds: (performance.now() - started) / 1000, code });
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const logs = mkdtempSync(join(tmpdir(), 'time-suite-'));
let failed = false;
const summary = [];
for (const { name, args } of COMMANDS) {
  const times = [];
  for (let i = 1; i <= runs; i++) {
    const before = load();
    const log = join(logs, `${args.at(-1)}-${i}.log`);
    const { seconds, code } = await timed(args, log);
    times.push(seconds);
    console.log(
      `${name} run ${i}/${runs}: ${seconds.toFixed(1)} s, exit ${code} (load average before ${before}, after ${load()})`,
    );
    if (code !== 0) {
      failed = true;
      console.log(`  failed: its output is in ${log}`);
    }
  }
  summary.push(
    `${name}: median ${median(times).toFixed(1)} s of ${runs} (${times.map((t) => t.toFixed(1)).join(', ')})`,
  );
}
console.log(`${summary.join('\n')}\n(each run's output: ${logs})`);
process.exitCode = failed ? 1 : 0;
