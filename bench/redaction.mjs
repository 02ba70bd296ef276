// npm run bench:redaction: time per request for hostile bodies at 8-128 KB, to show it grows linearly with the body.
// Each shape is sent to a real mock over loopback (the answer and both redactions included) and also
// redacted alone; a linear pass keeps the time per KB about flat as the body doubles.
import { parseArgs } from 'node:util';
import { startMockServer } from '../dist/mock-server/index.js';
import { redactBodyText } from '../dist/mock-server/state/redaction.js';

const { values } = parseArgs({ options: { repeat: { type: 'string', default: '15' } } });
const REPEAT = Number(values.repeat);
const SIZES_KB = [8, 16, 32, 64, 128];
const SHAPES = {
  '\\" pairs': (size) => '\\"'.repeat(size / 2),
  '\\" pairs in a string': (size) => `{"a":["${'\\"'.repeat(size / 2 - 4)}`,
  'deep nesting': (size) => '{"a":['.repeat(Math.floor(size / 6)),
  'long key': (size) => `{"${'k'.repeat(size - 6)}":1}`,
  'secret keys': (size) => '"access_token":"x",'.repeat(Math.floor(size / 19)),
};

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const mock = await startMockServer({ bodyLimit: 1024 * 1024, journalLimit: 100 });
try {
  const url = `${mock.url}/componenttcb/getscflist?access_token=bench-token`;
  console.log(`median of ${REPEAT}; ms per KB should stay about flat as the body doubles\n`);
  console.log(
    `${'shape'.padEnd(24)}${'KB'.padStart(5)}${'request ms'.padStart(12)}${'ms/KB'.padStart(9)}${'redact ms'.padStart(11)}${'µs/KB'.padStart(9)}`,
  );
  for (const [name, make] of Object.entries(SHAPES)) {
    for (const kb of SIZES_KB) {
      const body = make(kb * 1024);
      const requests = [];
      const redactions = [];
      for (let i = 0; i < REPEAT; i++) {
        const started = performance.now();
        const res = await fetch(url, { method: 'POST', body });
        await res.arrayBuffer();
        requests.push(performance.now() - started);
        const before = performance.now();
        redactBodyText(body);
        redactions.push(performance.now() - before);
      }
      const request = median(requests);
      const redact = median(redactions);
      console.log(
        `${name.padEnd(24)}${String(kb).padStart(5)}${request.toFixed(2).padStart(12)}${(request / kb).toFixed(3).padStart(9)}${redact.toFixed(2).padStart(11)}${((redact / kb) * 1000).toFixed(1).padStart(9)}`,
      );
    }
  }
} finally {
  await mock.close();
}
