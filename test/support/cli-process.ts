import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

/** The compiled CLI, as `npm start` and the package's bin run it. */
export const CLI = fileURLToPath(new URL('../../dist/mock-server/cli.js', import.meta.url));

function requireBuild(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does).`);
}

/** Runs a program to completion (killed after timeoutMs) and returns its exit code and output. */
export function runProcess(
  command: string,
  args: string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {},
) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 10_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs the CLI to completion and returns its exit code and output. */
export function runCli(args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}) {
  requireBuild();
  return runProcess(process.execPath, [CLI, ...args], options);
}

/** A CLI server started as a child process, once it has printed its URL. */
export interface CliServer {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop: () => Promise<number | null>;
}

/** Starts `wechat-scf-kit serve ARGS` and waits for its banner: the base URL first, the example curl last. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliServer> {
  requireBuild();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(stdout.split('\n')[0])?.[0];
      // The banner is done: its last line (pretty), or its one object (json).
      if (url && (/\n {2}try: .*\n/.test(stdout) || /^\{.*\}\n/.test(stdout))) {
        resolve({
          child,
          url,
          output: () => stdout,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    exited.then((code) => reject(new Error(`CLI exited with ${code} before listening: ${stderr}`)));
  });
}

/** A temp folder for the current test, removed when the test finishes (the run fails if one is left). */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
