// npm run bench:mock-per-test: what the simplest isolation costs, a mock per test: startMockServer()
// plus close() on the default data, in-process; the median (and p90) of 100 runs after 20 of warm-up.
import { startMockServer } from '../dist/mock-server/index.js';

const WARM_UP = 20;
const RUNS = 100;
const times = [];
for (let run = 0; run < WARM_UP + RUNS; run++) {
  const started = performance.now();
  const mock = await startMockServer();
  await mock.close();
  if (run >= WARM_UP) times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(2);
console.log(
  `startMockServer() + close(), default data, ${RUNS} runs after ${WARM_UP} of warm-up: median ${at(0.5)} ms, p90 ${at(0.9)} ms, min ${times[0].toFixed(2)} ms`,
);
