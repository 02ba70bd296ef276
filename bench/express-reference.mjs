// The reference of the benchmark: a textbook Express 5 handler answering a fixed page.
// usage: node bench/express-reference.mjs PORT PAGE_JSON_FILE
import { readFileSync } from 'node:fs';
import express from 'express';

const [port, pageFile] = process.argv.slice(2);
const fixedPage = JSON.parse(readFileSync(pageFile, 'utf8'));
const app = express();
app.use(express.json());
app.post('/componenttcb/getscflist', (_req, res) => {
  res.json(fixedPage);
});
app.listen(Number(port), '127.0.0.1');
