// The docs test: every command and code block of every page runs as written, every flag table matches --help, the errcode table matches the catalogue, every link between pages resolves.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loadCases } from '../../contracts/cases.js';
import { clientCases } from '../../contracts/client/call-plan.js';
import { LIFECYCLE_CASES } from '../../contracts/client/token-lifecycle.js';
import { loadFlows } from '../../contracts/flows.js';
import { serverChecks } from '../../contracts/server/verify-server.js';
import { createApp } from '../../mock-server/app.js';
import { ERROR_CODES } from '../../mock-server/error-codes.js';
import { CLI, runCli } from '../support/cli-process.js';
import { portSource } from '../support/ports.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every page of the docs: the README, CONTRIBUTING, CHANGELOG and docs/*.md. */
const PAGES = [
  'README.md',
  'CONTRIBUTING.md',
  'CHANGELOG.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];
const text = (page: string) => readFileSync(join(ROOT, page), 'utf8');

/** A fenced code block of a page. */
interface Block {
  page: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  body: string;
  /** The block before it on the same page, if any. */
  previous?: Block;
  /** The page's text between the previous block and this one. */
  prose: string;
}

function blocksOf(page: string): Block[] {
  const lines = text(page).split('\n');
  const blocks: Block[] = [];
  let proseStart = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length;
    const end = lines.findIndex((l, j) => j > i && /^\s*```\s*$/.test(l));
    if (end === -1) throw new Error(`${page}:${i + 1}: a code block is never closed`);
    blocks.push({
      page,
      line: i + 1,
      lang: open[2],
      body: lines
        .slice(i + 1, end)
        .map((l) => l.slice(indent))
        .join('\n'),
      previous: blocks.at(-1),
      prose: lines.slice(proseStart, i).join('\n'),
    });
    proseStart = end + 1;
    i = end;
  }
  return blocks;
}

const BLOCKS = PAGES.flatMap(blocksOf);
const where = (block: Block) => `${block.page}:${block.line}`;

// ---- Shell blocks -------------------------------------------------------------------------------

/**
 * Commands shown but not run, with why; the test checks that they exist. Running them from a test
 * would install packages on the machine, or run the whole suite (or a benchmark) inside itself.
 */
const NOT_RUN: { command: RegExp; why: string }[] = [
  { command: /^npm ci\b/, why: 'installs the dependencies the test itself runs on' },
  { command: /^npm test$/, why: 'is the whole suite, this test included' },
  { command: /^npx vitest run /, why: 'runs tests inside this test' },
  { command: /^npm run (bench|soak|bench:costs)\b/, why: 'is a benchmark, minutes of full load' },
  { command: /^apt-get /, why: 'installs a system package' },
  { command: /^npm run image\b/, why: 'builds the container image: minutes; test/container/image.test.ts builds it' },
  {
    command: /^(docker|podman) /,
    why: 'needs a container engine; test/container/image.test.ts runs the same with podman',
  },
];

/**
 * Blocks written for another repository: shown as a recipe, their files are not in this one. Their
 * wechat-scf-kit commands are checked to accept their flags, as the recipes in examples/ci/ are.
 */
const ELSEWHERE = [/test\/wechat-mock-data\.json/, /scripts\/scf-client-main\.js/];

/**
 * Snippets for another repository's tests that start the image with Testcontainers (Java, Python, Go,
 * Node): they need that library and a container engine, so they are checked to name the image and its
 * port; test/container/image.test.ts proves the image answers there.
 */
const TESTCONTAINERS = /testcontainers/i; // in the block, or in the line that introduces it

const scripts: Record<string, string> = JSON.parse(text('package.json')).scripts;

/** Checks a command that is not run: an npm script that exists, a tool that is installed. */
function expectExists(command: string): void {
  const script = /^npm (?:run ([\w:-]+)|(test|start))\b/.exec(command);
  if (/^npm ci\b/.test(command)) expect(existsSync(join(ROOT, 'package-lock.json')), command).toBe(true);
  if (script) expect(Object.keys(scripts), command).toContain(script[1] ?? script[2]);
  else if (command.startsWith('npx vitest')) expect(() => createRequire(`${ROOT}/`).resolve('vitest')).not.toThrow();
}

/** The `wechat-scf-kit …` commands of a block, as argument lists (up to a redirection, `&` or `--`). */
function kitCommands(body: string): string[][] {
  return [...body.matchAll(/(?:npx |\.\/node_modules\/\.bin\/)wechat-scf-kit ([^\n]+)/g)].map((match) => {
    const words = match[1].trim().split(/\s+/);
    const end = words.findIndex((w) => ['>', '2>&1', '&', '|', '&&', ';', '--'].includes(w) || w.startsWith('>'));
    return end === -1 ? words : words.slice(0, end);
  });
}

/** Free ports for the blocks' 4020 and 4021 (the container test takes 30000-31999). */
const freePort = portSource(20_000, 10_000);

const SERVE = /^node "\$CLI" serve\b/;

/**
 * A shell block made runnable, changing only what must change here: `npx wechat-scf-kit` and the
 * installed binary are the built CLI; `npm start` is what it runs once built (its prestart would
 * rebuild dist/ under the other tests); ports 4020 and 4021 are free ports. A server the page starts
 * in the background is waited for and its output kept out of the block's; one started in the
 * foreground is too, but its output is the block's (the banner); every server is stopped at the end.
 * A block that talks to a mock without starting one gets the quick start's (`npm start`).
 */
function runnable(body: string, ports: Record<string, number>): string {
  const swapPorts = (line: string) => line.replace(/\b(4020|4021)\b/g, (p) => String(ports[p]));
  const out: string[] = [];
  const started = new Set<number>();
  for (const raw of body.split('\n')) {
    const trimmed = raw.trim();
    if (NOT_RUN.some(({ command }) => command.test(trimmed))) {
      out.push(': not run here');
      continue;
    }
    // A trailing comment is the page's, not the shell's business once `&` is added after it.
    let line = swapPorts(
      raw
        .replace(/npx wechat-scf-kit\b|\.\/node_modules\/\.bin\/wechat-scf-kit\b/g, 'node "$CLI"')
        .replace(/^npm start\b/, 'node "$CLI" serve'),
    );
    if (SERVE.test(line.trim())) line = line.replace(/\s+#.*$/, '');
    if (SERVE.test(line.trim())) {
      const port = Number(/--port (\d+)/.exec(line)?.[1] ?? ports['4020']);
      started.add(port);
      if (/&\s*$/.test(line)) {
        if (!line.includes('>')) line = line.replace(/&\s*$/, '>/dev/null 2>&1 &');
      } else line = `${line} &`;
      line = `${line}\nwait_port ${port} $!`;
    }
    out.push(line);
  }
  const script = out.join('\n');
  const needed = Object.values(ports).filter((port) => script.includes(`127.0.0.1:${port}`) && !started.has(port));
  const prelude = needed.map(
    (port) => `node "$CLI" serve --port ${port} --quiet >/dev/null 2>&1 &\nwait_port ${port} $!`,
  );
  return [
    'set -e',
    // Waits for the port to answer while the server started for it runs. Another test's server may
    // hold a port just handed out here: ours then exits (port in use) while theirs answers, so the
    // server must still run a moment later, or the block ends with PORT_TAKEN and runs again.
    `wait_port() { for _ in $(seq 1 150); do kill -0 "$2" 2>/dev/null || exit ${PORT_TAKEN}; (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && { sleep 0.4; kill -0 "$2" 2>/dev/null || exit ${PORT_TAKEN}; return 0; }; sleep 0.1; done; echo "nothing listens on $1" >&2; return 1; }`,
    // set +e first: a server that ends between `jobs -p` and `kill` (one the block stopped itself) made the
    // kill fail, and under set -e the trap then exited 1 with nothing printed.
    `trap 'status=$?; set +e; left=$(jobs -p); [ -z "$left" ] || kill $left 2>/dev/null; wait; exit $status' EXIT`,
    ...prelude,
    script,
  ].join('\n');
}

interface Run {
  code: number | null;
  output: string;
  /** The free ports that stood for the page's 4020 and 4021 (the output shows the page's again). */
  ports: Record<string, number>;
}

/**
 * Runs a shell block in a process group stopped at the end; once per text, so a command two pages
 * show (and the output blocks after it) share one run.
 */
const runs = new Map<string, Promise<Run>>();
function runShell(block: Block): Promise<Run> {
  const cached = runs.get(block.body);
  if (cached) return cached;
  const run = (async () => {
    // A block whose server found its port taken (by another test's server) runs again on new ports.
    for (let attempt = 1; ; attempt++) {
      const result = await runOnce(block);
      if (result.code !== PORT_TAKEN || attempt === 3) return result;
    }
  })();
  runs.set(block.body, run);
  return run;
}

/** The exit code of a block whose server could not have its port: another process took it first. */
const PORT_TAKEN = 75;

function runOnce(block: Block): Promise<Run> {
  return (async () => {
    const ports = { '4020': await freePort(), '4021': await freePort() };
    const child = spawn('bash', ['-c', runnable(block.body, ports)], {
      cwd: ROOT,
      env: { ...process.env, CLI, PORT: String(ports['4020']) },
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 150_000);
    const code = await new Promise<number | null>((done) => child.on('close', done));
    clearTimeout(timer);
    try {
      process.kill(-(child.pid as number), 'SIGKILL'); // anything the block left behind
    } catch {
      // the group is gone: nothing was left
    }
    for (const [shown, real] of Object.entries(ports)) output = output.split(String(real)).join(shown);
    return { code, output, ports };
  })();
}

const isShell = (block?: Block) => block?.lang === 'sh';
/** An output block: a block right after a shell block, with nothing but blank lines between. */
const outputOf = (block: Block) =>
  isShell(block.previous) && (block.prose.trim() === '' || block.lang === '') ? block.previous : undefined;
const allNotRun = (body: string) =>
  body
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .every((l) => NOT_RUN.some(({ command }) => command.test(l)));

const RID = / rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}/g;

/** Shown output, `…` standing for lines left out, against the real output. */
function expectShown(shown: string, real: string, block: Block): void {
  const realLines = real.replace(RID, ' rid: …').trim().split('\n');
  const lines = shown.replace(RID, ' rid: …').trim().split('\n');
  if (!lines.includes('…')) {
    expect(real.replace(RID, ' rid: …'), where(block)).toContain(`${lines.join('\n')}\n`);
    return;
  }
  let at = 0;
  for (const line of lines.filter((l) => l !== '…')) {
    const found = realLines.indexOf(line, at);
    expect(
      found,
      `${where(block)}: "${line}" is not in the real output, in this order:\n${real}`,
    ).toBeGreaterThanOrEqual(0);
    at = found + 1;
  }
  if (lines.at(-1) !== '…') expect(lines.at(-1), where(block)).toBe(realLines.at(-1));
}

// ---- Report excerpts ----------------------------------------------------------------------------

/** Every case, check and flow a report can name, by id. */
const TITLES = new Map<string, string>(
  [...loadCases(), ...loadFlows(), ...serverChecks(), ...LIFECYCLE_CASES].map((c) => [c.id, c.title]),
);

/** A report excerpt that no command here prints (a failure, a vitest run): its ids and titles are real. */
function expectRealCases(body: string, block: Block): void {
  let named = 0;
  for (const line of body.split('\n')) {
    const match = /^[✓✗!-] (?:.+ > )?(GSL-[A-Z]+-\d+) (.+)$/.exec(line);
    if (match) {
      named++;
      expect(TITLES.has(match[1]), `${where(block)}: ${match[1]} is no case`).toBe(true);
      expect(match[2].startsWith(TITLES.get(match[1]) as string), `${where(block)}: ${line}`).toBe(true);
    } else if (/^\d+ passed/.test(line)) {
      expect(line, where(block)).toMatch(/^\d+ passed, (\d+ warned, )?\d+ failed, \d+ skipped$/);
    }
  }
  expect(named, `${where(block)} names no case`).toBeGreaterThan(0);
}

// ---- Code blocks --------------------------------------------------------------------------------

/** Names that stand for the reader's own code: a block using one is checked for its imports only. */
const READERS_CODE = ['createMyClient', './my-client.js'];

/** Every module a block imports resolves, and every name it imports from one of ours exists. */
async function expectImportsExist(body: string, block: Block): Promise<void> {
  const require = createRequire(`${ROOT}/`);
  for (const match of body.matchAll(/import (type )?(?:\{([^}]*)\}|[\w$]+)?(?: from)? '([^']+)'/g)) {
    const [, typeOnly, names, from] = match;
    if (from.startsWith('.')) continue;
    expect(() => require.resolve(from), `${where(block)}: ${from}`).not.toThrow();
    if (typeOnly || !names || !from.startsWith('wechat-scf-kit')) continue;
    const module = await import(pathToFileURL(require.resolve(from)).href);
    for (const name of names.split(',').map((n) => n.trim().replace(/^type /, ''))) {
      if (name && !match[0].includes(`type ${name}`)) expect(module, `${where(block)}: ${name}`).toHaveProperty(name);
    }
  }
}

/** The code blocks' runs, one after another (see runCode). */
let codeRuns = Promise.resolve();

/**
 * Runs a TypeScript or JavaScript block: as one module, or as the files it shows (each opened by a
 * `// name.ext` comment line). A file's default export that is a function is called, as the tool
 * it is written for would. A comment `// X === 'literal'` is the block's claim, and is checked.
 */
function runCode(block: Block): Promise<void> {
  // One block at a time: each may set process.env and globals, which are put back after it, and the
  // next test file in this worker shares the process (isolate: false).
  const run = codeRuns.then(() => runCodeNow(block));
  codeRuns = run.catch(() => {});
  return run;
}

async function runCodeNow(block: Block): Promise<void> {
  const files: { name: string; code: string[] }[] = [];
  for (const line of block.body.split('\n')) {
    const header = /^\/\/ ([\w.-]+\.(?:m?[jt]s))\b/.exec(line);
    if (header || files.length === 0) files.push({ name: header?.[1] ?? `snippet.${block.lang}`, code: [] });
    const claim = /^\/\/ (.+?) === ('.*')$/.exec(line);
    (files.at(-1) as { code: string[] }).code.push(
      claim ? `if (${claim[1]} !== ${claim[2]}) throw new Error(\`${claim[1]} is \${${claim[1]}}\`);` : line,
    );
  }
  // Inside the repository, so that the package's own name resolves as it does for a user.
  const dir = mkdtempSync(join(ROOT, '.docs-snippet-'));
  const saved = process.env.WECHAT_API_BASE_URL;
  const globals = new Set(Reflect.ownKeys(globalThis));
  try {
    for (const file of files) {
      const name = file.name.replace(/\.(m?)[jt]s$/, (_, m) => `.${m}ts`);
      const path = join(dir, name);
      writeFileSync(path, `${file.code.join('\n')}\nexport {};\n`);
      const module = await import(pathToFileURL(path).href);
      if (typeof module.default === 'function') await module.default();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env.WECHAT_API_BASE_URL;
    else process.env.WECHAT_API_BASE_URL = saved;
    // A global the block made (the Jest recipe's globalThis.wechatMock) goes with it.
    for (const key of Reflect.ownKeys(globalThis)) {
      if (!globals.has(key) && block.body.includes(`globalThis.${String(key)}`))
        Reflect.deleteProperty(globalThis, key);
    }
  }
}

// ---- The tests ----------------------------------------------------------------------------------

describe('every code block of every page', () => {
  it('finds blocks in every page that has them', () => {
    expect(PAGES).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/cli.md']));
    expect(new Set(BLOCKS.map((b) => b.page)).size).toBeGreaterThan(8);
  });

  // Concurrent: the long runs (verify-client on a program, whose cases mostly wait on timers) overlap.
  it.concurrent.each(BLOCKS.map((block) => [where(block), block] as const))(
    '%s runs as written, or is checked for what it claims',
    { timeout: 160_000 },
    async (_where, block) => {
      const command = outputOf(block);
      if (block.lang !== 'sh' && TESTCONTAINERS.test(`${block.prose}\n${block.body}`)) {
        expect(block.body, where(block)).toContain('wechat-scf-kit:dev');
        expect(block.body, where(block)).toMatch(/\b4020\b/);
        return;
      }
      if (block.lang === 'sh') {
        const body = block.body;
        if (ELSEWHERE.some((file) => file.test(body))) {
          for (const args of kitCommands(body)) {
            const { code, stderr } = await runCli([...args, '--help']);
            expect({ args, code, stderr }).toEqual({ args, code: 0, stderr: '' });
          }
          for (const line of body.split('\n').filter((l) => NOT_RUN.some(({ command: c }) => c.test(l.trim()))))
            expectExists(line.trim());
          return;
        }
        for (const line of body.split('\n').filter((l) => NOT_RUN.some(({ command: c }) => c.test(l.trim()))))
          expectExists(line.trim());
        if (allNotRun(body)) return;
        const { code, output } = await runShell(block);
        expect(code, `${where(block)} exited with ${code}:\n${output.slice(-3000)}`).toBe(0);
      } else if (command) {
        const { output } = await runShell(command);
        if (block.lang === 'json') expect(JSON.parse(output), where(block)).toEqual(JSON.parse(block.body));
        else expectShown(block.body, output, block);
      } else if (block.lang === 'json') {
        // A data document: the mock takes it as it is.
        const res = await request(createApp())
          .put('/__mock/data')
          .set('Content-Type', 'application/json')
          .send(block.body);
        expect(res.status, `${where(block)}: ${res.text}`).toBe(200);
      } else if (block.lang === 'ts' || block.lang === 'js') {
        await expectImportsExist(block.body, block);
        if (!READERS_CODE.some((name) => block.body.includes(name))) await runCode(block);
      } else if (/^wechat-scf-kit /.test(block.body)) {
        // A synopsis of the commands: each one exists.
        for (const [, name] of block.body.matchAll(/^wechat-scf-kit ([a-z-]+)/gm)) {
          const { code, stdout } = await runCli([name, '--help']);
          expect({ name, code }).toEqual({ name, code: 0 });
          expect(stdout).toContain(`wechat-scf-kit ${name}`);
        }
      } else if (block.lang === '') {
        expectRealCases(block.body, block);
      } else {
        throw new Error(`${where(block)}: no check for a \`${block.lang}\` block; add one to this test`);
      }
    },
  );
});

/** The commands a page names in its text (not its blocks): `npm …` and `npx wechat-scf-kit …`. */
function inlineCommands(page: string): string[] {
  const body = text(page).replace(/```[\s\S]*?```/g, '');
  return [...body.matchAll(/`((?:npm|npx wechat-scf-kit) [^`]+)`/g)].map((m) => m[1]);
}

describe('commands named in the text of a page', () => {
  it.each(PAGES)('%s names npm scripts that exist and wechat-scf-kit commands with flags they accept', async (page) => {
    for (const command of inlineCommands(page)) {
      for (const part of command.split(' && ')) {
        if (part.startsWith('npm ')) expectExists(part);
        // Up to a placeholder (`…`, `[options]`) or a redirection, the words are real arguments.
        const args = kitCommands(part).map((words) => {
          const end = words.findIndex((w) => /[…[]/.test(w));
          return end === -1 ? words : words.slice(0, end);
        });
        for (const words of args) {
          const { code, stderr } = await runCli([...words, '--help']);
          expect({ command: part, code, stderr }).toEqual({ command: part, code: 0, stderr: '' });
        }
      }
    }
  });
});

/** The flags a command's --help lists. */
async function helpFlags(command: string): Promise<string[]> {
  const { stdout } = await runCli([command, '--help']);
  return [...stdout.matchAll(/^\s+(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]);
}

/** The flags in the first column of the table under a page's `## heading`. */
function tableFlags(page: string, heading: string): string[] {
  const section =
    text(page)
      .split(/^## /m)
      .find((s) => s.startsWith(`${heading}\n`)) ?? '';
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `-'))
    .flatMap((row) => [...row.split('|')[1].matchAll(/`(--[a-z-]+)/g)].map((m) => m[1]));
}

describe('docs/cli.md', () => {
  it.each(['serve', 'verify', 'verify-client'])(
    'has a flag table for %s with every flag its --help lists, and no other',
    async (command) => {
      const help = await helpFlags(command);
      expect(help.length).toBeGreaterThan(5);
      expect(tableFlags('docs/cli.md', command).sort()).toEqual([...new Set(help)].sort());
    },
  );
});

describe('docs/client-kit.md', () => {
  it('shows a run of every client case', () => {
    expect(text('docs/client-kit.md')).toContain(`\n${clientCases().length} passed, 0 failed, 0 skipped\n`);
  });
});

describe('docs/api-behaviour.md', () => {
  it('lists every errcode of the catalogue with its message and trigger, and no other', () => {
    const page = text('docs/api-behaviour.md');
    for (const [errcode, { errmsg, when }] of Object.entries(ERROR_CODES)) {
      expect(page).toContain(`| ${errcode} | \`${errmsg}\` | ${when} |`);
    }
    const listed = [...page.matchAll(/^\| (-?\d+) \| `/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });
});

/** GitHub's anchor for a heading. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(page: string): Set<string> {
  const body = text(page).replace(/```[\s\S]*?```/g, '');
  return new Set([...body.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
}

describe('links between pages', () => {
  it.each(PAGES)('%s links only to pages and headings that exist', (page) => {
    const body = text(page)
      .replace(/```[\s\S]*?```/g, '')
      .replace(/`[^`\n]*`/g, '');
    const links = [...body.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    for (const link of links.filter((l) => !/^[a-z]+:/.test(l))) {
      const [path, anchor] = link.split('#');
      const target = path === '' ? page : relative(ROOT, resolve(ROOT, dirname(page), path));
      expect(() => readFileSync(join(ROOT, target)), `${page}: ${link}`).not.toThrow();
      if (anchor !== undefined) expect([...anchorsOf(target)], `${page}: ${link}`).toContain(anchor);
    }
  });

  it.each(PAGES)('%s names only files and folders of the repository that exist', (page) => {
    const named = [
      ...text(page).matchAll(
        /`((?:mock-server|contracts|test|examples|schemas|bench|scripts|docs|generated)\/[^`\s]*)`/g,
      ),
    ]
      .map((m) => m[1])
      // A pattern (`<name>`, `*`) or what a build writes is not a file of the repository.
      .filter((path) => !/[<*…]/.test(path) && !path.includes('/dist/'));
    for (const path of named) expect(existsSync(join(ROOT, path)), `${page}: ${path}`).toBe(true);
  });

  it('docs/README.md lists every page of docs/', () => {
    const index = text('docs/README.md');
    for (const page of PAGES.filter((p) => p.startsWith('docs/') && p !== 'docs/README.md')) {
      expect(index).toContain(`](${page.slice('docs/'.length)})`);
    }
  });
});
