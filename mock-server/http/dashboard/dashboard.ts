// Serves the dashboard's static page and files under /__mock/, with a strict CSP.
import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { type Response, Router } from 'express';
import type { ResolvedSettings } from '../../settings.js';

/**
 * Where the dashboard's files are served, under the control prefix: `/__mock/assets/<file>`.
 * @example `${mock.url}/__mock${DASHBOARD_ASSETS}/main.js`
 */
export const DASHBOARD_ASSETS = '/assets';

/** Plain files shipped beside this module (the build copies them into dist): no bundler, no CDN. */
const STATIC_DIR = new URL('./static/', import.meta.url);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// Everything the page loads comes from this origin: the header makes a stray CDN link fail loudly.
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

interface StaticFile {
  type: string;
  body: Buffer;
}

let files: Map<string, StaticFile> | undefined;

/** Reads the static files once per process; they are small, and serving from memory needs no path handling. */
function staticFiles(): Map<string, StaticFile> {
  if (files) return files;
  files = new Map();
  for (const name of readdirSync(STATIC_DIR)) {
    const type = TYPES[extname(name)];
    if (type) files.set(name, { type, body: readFileSync(new URL(name, STATIC_DIR)) });
  }
  return files;
}

function send(res: Response, file: StaticFile): void {
  res.status(200).set(SECURITY_HEADERS).setHeader('Content-Type', file.type);
  res.end(file.body);
}

/**
 * The dashboard at `GET /__mock/`: its page and files, served without the control token (the page
 * asks for it and sends it with every control request), or a short page saying how to turn the
 * control API on when it is off. Data and changes go through the control API only.
 * @example app.use(CONTROL_PREFIX, dashboardRouter(settings))
 */
export function dashboardRouter(settings: ResolvedSettings): Router {
  const all = staticFiles();
  const router = Router();
  const page = all.get(settings.control ? 'index.html' : 'control-off.html') as StaticFile;
  // The page learns whether to ask for the token before its first request, so it never sends one doomed to 401.
  const body = settings.control
    ? Buffer.from(
        page.body
          .toString('utf8')
          .replace('content="token-not-required"', settings.controlToken ? 'content="token-required"' : '$&'),
      )
    : page.body;
  const served = { type: page.type, body };
  // 200 even when the control API is off: a 404 would be a red console error for a page that works as meant;
  // scripts that ask a control route still get 404.
  router.get('/', (_req, res) => {
    send(res, served);
  });
  router.get(`${DASHBOARD_ASSETS}/:file`, (req, res, next) => {
    const file = all.get(String(req.params.file));
    if (file && !req.params.file.endsWith('.html')) send(res, file);
    else next();
  });
  return router;
}
