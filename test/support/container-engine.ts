// Runs podman for the container tests: one config for every podman call, an offline base image, and a
// record of what was created so that afterAll removes it all, even after a failure.
import { execFile } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's packages: the image's build installs the same ones. */
const NODE_MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url));

/** What one podman (or podman-compose) call printed and how it ended. */
export interface EngineResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `file args…` to the end, never throwing: the caller judges the exit code.
 * @example await run('podman', ['--version'], {})
 */
export function run(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { input?: string; timeoutMs?: number; cwd?: string } = {},
): Promise<EngineResult> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { env, cwd: options.cwd, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** True when `podman --version` answers. */
export async function podmanInstalled(): Promise<boolean> {
  const result = await run('podman', ['--version'], process.env, { timeoutMs: 20_000 }).catch(() => undefined);
  return result?.code === 0;
}

/**
 * One test file's podman: every call shares a containers.conf (runc, ulimits a VM allows), writes its
 * temp files outside the test run's temp folder, and every name it creates carries the file's prefix.
 * `cleanup()` removes containers, pods, networks and images created through it.
 */
export class Podman {
  readonly prefix: string;
  readonly folder: string;
  readonly env: NodeJS.ProcessEnv;
  private readonly containers = new Set<string>();
  private readonly networks = new Set<string>();
  private readonly images = new Set<string>();
  private readonly cleanups: (() => Promise<unknown>)[] = [];

  constructor(label: string) {
    this.prefix = `scf-test-${label}-${process.pid}`;
    this.folder = mkdtempSync(join(tmpdir(), 'scf-container-'));
    const conf = join(this.folder, 'containers.conf');
    // runc and these ulimits are what a nested VM lets a container have; the file replaces the machine's
    // defaults for every podman call here, build, run, kube play and podman-compose alike.
    writeFileSync(
      conf,
      '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]\n\n[engine]\nruntime = "runc"\n',
    );
    // podman's own temp files (build contexts, layers) go where podman keeps them, not in the test run's folder.
    this.env = { ...process.env, CONTAINERS_CONF: conf, TMPDIR: '/var/tmp' };
  }

  /** A name for something this file creates. */
  name(what: string): string {
    return `${this.prefix}-${what}`;
  }

  /** Runs podman with this file's configuration. */
  podman(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<EngineResult> {
    return run('podman', args, this.env, options);
  }

  /** Runs podman and returns its stdout, throwing with its stderr when it fails. */
  async ok(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<string> {
    const result = await this.podman(args, options);
    if (result.code !== 0) {
      throw new Error(
        `podman ${args.join(' ')} exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`,
      );
    }
    return result.stdout;
  }

  /** Starts a detached container named NAME (prefixed) and records it for cleanup; returns its name. */
  async start(what: string, args: readonly string[]): Promise<string> {
    const name = this.name(what);
    this.containers.add(name);
    await this.ok(['run', '-d', '--name', name, ...args]);
    return name;
  }

  /** Runs a container to its end (removed after) and returns what it printed. */
  runOnce(what: string, args: readonly string[], timeoutMs = 120_000): Promise<EngineResult> {
    const name = this.name(what);
    this.containers.add(name);
    return this.podman(['run', '--rm', '--name', name, ...args], { timeoutMs });
  }

  /** Creates a user-defined network; returns its name. */
  async network(what: string): Promise<string> {
    const name = this.name(what);
    this.networks.add(name);
    await this.ok(['network', 'create', name]);
    return name;
  }

  /** Records an image to remove at cleanup. */
  ownImage(reference: string): void {
    this.images.add(reference);
  }

  /** Records any other removal to run at cleanup (before images go). */
  onCleanup(step: () => Promise<unknown>): void {
    this.cleanups.push(step);
  }

  /** Waits until `check` passes or the time is up; returns its last answer. */
  async until<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await check().catch(() => undefined);
      if (answer !== undefined || Date.now() > deadline) return answer;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Removes everything recorded, each step on its own so one failure does not keep the rest. */
  async cleanup(): Promise<string[]> {
    const problems: string[] = [];
    const attempt = async (args: string[]) => {
      const result = await this.podman(args, { timeoutMs: 60_000 });
      if (result.code !== 0 && !/no such|not found|does not exist|no container|unknown/i.test(result.stderr)) {
        problems.push(`podman ${args.join(' ')}: ${result.stderr.trim()}`);
      }
    };
    for (const step of this.cleanups) await step().catch((error) => problems.push(String(error)));
    for (const name of this.containers) await attempt(['rm', '-f', '-t', '0', name]);
    for (const name of this.networks) await attempt(['network', 'rm', '-f', name]);
    for (const image of this.images) await attempt(['rmi', '-f', image]);
    rmSync(this.folder, { recursive: true, force: true });
    return problems;
  }

  /**
   * Builds a base image without a registry: this machine's own Node binary, npm, a shell and the shared
   * libraries they load, laid out as the official Node image lays them out (Node in /usr/local/bin, a user
   * named node with uid 1000), imported from a tar file.
   */
  async buildOfflineBase(reference: string): Promise<void> {
    const root = join(this.folder, 'rootfs');
    const which = await run('sh', ['-c', 'command -v node'], process.env);
    const nodeBinary = which.stdout.trim();
    const npmFolder = join(dirname(dirname(await realpath(nodeBinary))), 'lib', 'node_modules', 'npm');
    const place = (from: string, to: string) => {
      mkdirSync(dirname(join(root, to)), { recursive: true });
      copyFileSync(from, join(root, to));
      chmodSync(join(root, to), 0o755);
    };
    place(nodeBinary, '/usr/local/bin/node');
    place('/bin/dash', '/bin/sh');
    place('/usr/bin/env', '/usr/bin/env');
    // The build's native packages (the CLI's bundler) load system libraries of their own (librt), which the
    // official image has as a Debian system does.
    const addons = readdirSync(NODE_MODULES, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.node'))
      .map((file) => join(NODE_MODULES, file));
    const ldd = await run('ldd', [nodeBinary, '/bin/dash', '/usr/bin/env', ...addons], process.env);
    for (const library of new Set(ldd.stdout.match(/\/\S+\.so[.\d]*/g) ?? [])) place(library, library);
    mkdirSync(join(root, 'usr/local/lib/node_modules'), { recursive: true });
    const copied = await run('cp', ['-a', npmFolder, join(root, 'usr/local/lib/node_modules/')], process.env);
    if (copied.code !== 0) throw new Error(`cannot copy npm from ${npmFolder}: ${copied.stderr}`);
    symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(root, 'usr/local/bin/npm'));
    for (const folder of ['etc', 'root', 'tmp', 'home/node']) mkdirSync(join(root, folder), { recursive: true });
    chmodSync(join(root, 'tmp'), 0o1777);
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n');
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\nnode:x:1000:\n');
    const tar = join(this.folder, 'rootfs.tar');
    const packed = await run(
      'tar',
      ['-C', root, '--owner=0', '--group=0', '--numeric-owner', '-cf', tar, '.'],
      process.env,
    );
    if (packed.code !== 0) throw new Error(`tar: ${packed.stderr}`);
    this.ownImage(reference);
    await this.ok(['import', '--change', 'ENV PATH=/usr/local/bin:/usr/bin:/bin', tar, reference], {
      timeoutMs: 180_000,
    });
    rmSync(root, { recursive: true, force: true });
    rmSync(tar, { force: true });
  }
}
