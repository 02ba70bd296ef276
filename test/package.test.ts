// The package as a user gets it: packed, installed into a new project, and used from there.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../mock-server/error-codes.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
let tarball: string;
let files: string[];
let project: string;
let packDir: string;
let installOutput: string;

beforeAll(async () => {
  // --ignore-scripts: npm test has built dist/ already, and a rebuild would pull it from under the other test files.
  packDir = await mkdtemp(join(tmpdir(), 'scf-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], {
    cwd: root,
    maxBuffer: 1 << 24,
  });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('[')));
  tarball = join(packDir, packed.filename);
  files = packed.files.map((f: { path: string }) => f.path);
  project = await mkdtemp(join(tmpdir(), 'scf-consumer-'));
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // From npm's cache, which npm ci has filled: no download is needed.
  // @types/node: the shipped types use node:http, as any Node project's do; nothing else is needed.
  const installed = await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, 'typescript@7.0.2', '@types/node@20.19.43'],
    { cwd: project, maxBuffer: 1 << 24 },
  );
  installOutput = installed.stdout + installed.stderr;
}, 240_000);

afterAll(async () => {
  await rm(packDir, { recursive: true, force: true });
  await rm(project, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds compiled JS, declarations, schemas, the contract cases and the docs; no tests or TypeScript sources', () => {
    for (const wanted of [
      'README.md',
      'docs/README.md',
      'docs/cli.md',
      'CHANGELOG.md',
      'package.json',
      'dist/mock-server/index.js',
      'dist/mock-server/index.d.ts',
      'dist/mock-server/cli.js',
      'dist/contracts/index.js',
      'dist/contracts/cases/listing.json',
      'dist/mock-server/vitest-global-setup.js',
      'dist/mock-server/http/dashboard/static/index.html',
      'dist/mock-server/http/dashboard/static/main.js',
      'schemas/getscflist-request.schema.json',
      'LICENSE',
      'examples/ci/github-actions.yml',
      'examples/ci/gitlab-ci.yml',
    ]) {
      expect(files).toContain(wanted);
    }
    const strays = files.filter(
      (f) =>
        /^(test|examples\/(?!ci\/)|bench|scripts|mock-server|contracts)\//.test(f) ||
        (f.endsWith('.ts') && !f.endsWith('.d.ts')),
    );
    expect(strays).toEqual([]);
  });

  it('ships the CLI as one file of the project’s modules, importing only packages and Node’s own', async () => {
    const cli = await readFile(join(root, 'dist/mock-server/cli.js'), 'utf8');
    const imported = [
      ...cli.matchAll(/^import\b[^'"]*(['"])([^'"]+)\1/gm),
      ...cli.matchAll(/\bimport\((['"])([^'"]+)\1\)/g),
    ];
    expect(imported.length).toBeGreaterThan(5);
    expect(imported.map((m) => m[2]).filter((from) => from.startsWith('.') || from.startsWith('/'))).toEqual([]);
    expect(cli.startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('installs without a build step (prepack, not prepare), with a license and a repository', async () => {
    const manifest = JSON.parse(await readFile(join(project, 'node_modules/wechat-scf-kit/package.json'), 'utf8'));
    expect(manifest.scripts.prepare).toBeUndefined();
    expect(manifest.scripts.prepack).toBe('npm run build');
    expect(manifest.repository.url).toMatch(/^git\+https:\/\/.+\.git$/);
    expect(manifest.license).toBe('MIT');
    expect(installOutput).not.toMatch(/prepare/i);
  });

  it('publint reports nothing', async () => {
    const { stdout } = await run(join(root, 'node_modules/.bin/publint'), ['run', root], { cwd: root });
    expect(stdout).toMatch(/All good!/);
  });
});

describe('installed into a new project', () => {
  it('npx wechat-scf-kit serve --port 0 answers errcode 0', async () => {
    // Its own process group: killing npx alone would leave the server it started running.
    const child = spawn('npx', ['--no-install', 'wechat-scf-kit', 'serve', '--port', '0', '--quiet'], {
      cwd: project,
      detached: true,
    });
    const exited = new Promise((resolve) => child.once('close', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.once('data', (chunk) => resolve(/http:\/\/127\.0\.0\.1:\d+/.exec(String(chunk))?.[0] ?? ''));
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const res = await fetch(`${url}/componenttcb/getscflist?access_token=t`, {
        method: 'POST',
        body: '{"env":"prod-5g7k2m9x3d"}',
      });
      expect(((await res.json()) as { errcode: number }).errcode).toBe(0);
      // The dashboard's files are read from beside the compiled code: they must have been shipped.
      const page = await fetch(`${url}/__mock/`);
      expect(await page.text()).toContain('/__mock/assets/main.js');
      expect((await fetch(`${url}/__mock/assets/main.js`)).status).toBe(200);
    } finally {
      process.kill(-(child.pid as number), 'SIGTERM');
      await exited;
    }
  });

  it('the programmatic API and wechat-scf-kit/contracts import from plain ESM JavaScript', async () => {
    await writeFile(
      join(project, 'use.mjs'),
      `import { startMockServer, ERROR_CODES } from 'wechat-scf-kit';
import { loadCases, verifyServer } from 'wechat-scf-kit/contracts';
const mock = await startMockServer();
const { results } = await verifyServer({ baseUrl: mock.url, cases: ['GSL-PAGE-001', 'GSL-ERR-010'] });
await mock.close();
console.log(JSON.stringify({ cases: loadCases().length, statuses: results.map((r) => r.status), errcodes: Object.keys(ERROR_CODES).length }));
`,
    );
    const { stdout } = await run('node', ['use.mjs'], { cwd: project });
    const out = JSON.parse(stdout);
    expect(out.cases).toBeGreaterThan(50);
    expect(out.statuses).toEqual(['pass', 'pass']);
    expect(out.errcodes).toBe(Object.keys(ERROR_CODES).length);
  });

  it('CommonJS: require() of the main entry works, and the ESM-only contracts load with import()', async () => {
    await writeFile(
      join(project, 'use.cjs'),
      `const { createApp } = require('wechat-scf-kit');
import('wechat-scf-kit/contracts').then((contracts) => {
  console.log(JSON.stringify({ app: typeof createApp, cases: contracts.loadCases().length }));
});
`,
    );
    const { stdout } = await run('node', ['use.cjs'], { cwd: project });
    const out = JSON.parse(stdout);
    expect(out.app).toBe('function');
    expect(out.cases).toBeGreaterThan(50);
  });

  it('a TypeScript file type-checks against the shipped types, with skipLibCheck false', async () => {
    await writeFile(
      join(project, 'check.ts'),
      `import type { CloudFunction, GetScfListRequest } from 'wechat-scf-kit';
import { createApp, type RunningMock } from 'wechat-scf-kit';
const request: GetScfListRequest = { env: 'prod-1', offset: 0, limit: 20, searchkey: 'log' };
const fn: Pick<CloudFunction, 'name' | 'status'> = { name: 'login', status: 'Active' };
const app = createApp({ rid: false });
let mock: RunningMock | undefined;
const limit: number = app.mock.settings.maxLimit;
// @ts-expect-error: were createApp() to return any, this line would be no error, and the check would fail
app.mock.notAField;
export { request, fn, app, mock, limit };
`,
    );
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          noEmit: true,
          // Every shipped .d.ts is checked: they must stand alone (no @types/express, no vitest).
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['check.ts'],
      }),
    );
    const result = await run(join(project, 'node_modules/.bin/tsc'), ['-p', project]).then(
      () => 'ok',
      (error: { stdout: string }) => error.stdout,
    );
    expect(result).toBe('ok');
  });
});
