// Runs the isolation project (test/isolation/: spec files in parallel on one mock) N times in a row
// (default 20) and reports how many runs passed; exits 1 if any failed. `npm run bench:isolation [-- N]`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.argv[2] ?? 20);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`runs: must be a whole number >= 1, got ${process.argv[2]}`);
  process.exit(2);
}
const failures = [];
const durations = [];
for (let run = 1; run <= runs; run++) {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [`${root}node_modules/vitest/vitest.mjs`, 'run', '--config', `${root}test/isolation/vitest.config.ts`],
    { cwd: root, env: { ...process.env, CI: 'true' }, encoding: 'utf8' },
  );
  const ms = performance.now() - started;
  durations.push(ms);
  const tests = /Tests\s+(.*)/.exec(stripVTControlCharacters(result.stdout))?.[1]?.trim() ?? '?';
  console.log(
    `run ${run}/${runs}: ${result.status === 0 ? 'passed' : 'FAILED'} (${tests}) in ${(ms / 1000).toFixed(1)} s`,
  );
  if (result.status !== 0) failures.push({ run, output: `${result.stdout}\n${result.stderr}` });
}
durations.sort((a, b) => a - b);
console.log(
  `isolation project: ${runs - failures.length}/${runs} runs passed; median ${(durations[Math.floor(runs / 2)] / 1000).toFixed(1)} s per run`,
);
for (const failure of failures) console.log(`--- run ${failure.run} ---\n${failure.output.slice(-4000)}`);
process.exit(failures.length === 0 ? 0 : 1);
