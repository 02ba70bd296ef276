// npm run bench:mock-per-test: what the simplest isolation costs, a mock per test: startMockServer()
// plus close() on the default data, in-process; the median (and p90) of 100 runs after 20 of warm-up,
// in wall-clock time and in CPU time (which a machine busy with other work inflates far less).
import { startMockServer } from '../dist/mock-server/index.js';

const WARM_UP = 20;
const RUNS = 100;
const wall = [];
const cpu = [];
for (let run = 0; run < WARM_UP + RUNS; run++) {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const mock = await startMockServer();
  await mock.close();
  const used = process.cpuUsage(cpuStarted);
  if (run >= WARM_UP) {
    wall.push(performance.now() - started);
    cpu.push((used.user + used.system) / 1000);
  }
}
const at = (list, q) =>
  [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(q * list.length))].toFixed(2);
console.log(
  `startMockServer() + close(), default data, ${RUNS} runs after ${WARM_UP} of warm-up: median ${at(wall, 0.5)} ms (p90 ${at(wall, 0.9)} ms), CPU ${at(cpu, 0.5)} ms median`,
);
