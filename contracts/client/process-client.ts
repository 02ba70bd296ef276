// The process adapter: runs a client program once per call, by the stdin/stdout protocol, and reads what it printed.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CannotRunError, type ClientInvoker, type ClientOutcome } from './adapter.js';

/** Options for running a client program once per call. */
export interface ProcessClientOptions {
  /** Kill the program after this long (default 15 s); the call then counts as broken. */
  runTimeoutMs?: number;
  /** More variables of the kit's environment to pass the program, besides the ordinary ones (--pass-env). */
  passEnv?: readonly string[];
}

/** Most of a program's stdout read: the protocol's one JSON document is far smaller (a page is ~50 kB). */
export const STDOUT_LIMIT_BYTES = 1024 * 1024;
/** Most of a program's stderr kept, for the report. */
export const STDERR_LIMIT_BYTES = 64 * 1024;

/**
 * The ordinary environment a client program gets from the kit's: where programs and toolchains
 * are, the user, the locale and the terminal. Nothing else (no CI secrets, no proxies that would
 * send its requests elsewhere, never WECHAT_SCF_KIT_CONTROL_TOKEN) unless named with --pass-env.
 * @example ORDINARY_ENV.test('LC_ALL') // true; ORDINARY_ENV.test('GITHUB_TOKEN') // false
 */
export const ORDINARY_ENV =
  /^(PATH|HOME|USER|LOGNAME|SHELL|LANG|LANGUAGE|LC_[A-Z]+|TZ|TERM|PWD|SYSTEMROOT|COMSPEC|PATHEXT|WINDIR|JAVA_HOME|GOPATH|GOROOT|GOCACHE|GOMODCACHE|GOFLAGS|PYTHONPATH|PYTHONHOME|VIRTUAL_ENV|NODE_PATH|NODE_OPTIONS|CARGO_HOME|RUSTUP_HOME|GEM_HOME|GEM_PATH|BUNDLE_GEMFILE|DOTNET_ROOT|NVM_DIR|SSL_CERT_FILE|SSL_CERT_DIR)$/i;

/** The variable that marks every process of one run, so the kit can find and end them all. */
export const RUN_MARKER = 'WECHAT_SCF_KIT_CLIENT_RUN';

function ordinaryEnvironment(passEnv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || name === 'WECHAT_SCF_KIT_CONTROL_TOKEN') continue;
    if (ORDINARY_ENV.test(name) || passEnv.includes(name)) out[name] = value;
  }
  return out;
}

/** Kills a process group, quietly when it is already gone. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

/**
 * Kills every process still carrying this run's marker: those that left the program's process
 * group (setsid, a detached child) keep their environment, where /proc shows it. Linux only; on
 * other systems the group kill is all there is. Gives the processes it killed.
 */
function killMarked(marker: string): number[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const killed: number[] = [];
  for (const name of pids) {
    try {
      if (!readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(marker)) continue;
      process.kill(Number(name), 'SIGKILL');
      killed.push(Number(name));
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return killed;
}

/** True while a process runs: not gone, and not a zombie waiting for its parent to collect it. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !['Z', 'X'].includes(stat.charAt(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/**
 * Waits, blocking (it runs in the exit handler too), until the killed processes have ended, for at most
 * 2 s: SIGKILL ends a process soon after it is sent, not as it is sent, and a kit that exits must leave none.
 */
function awaitEnd(pids: readonly number[]): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 2_000;
  let left = pids.filter(isRunning);
  while (left.length > 0 && Date.now() < deadline) {
    Atomics.wait(pause, 0, 0, 5);
    left = left.filter(isRunning);
  }
}

const SHOWN_BYTES = 500;

/** The first 500 bytes of a stream, for a report. */
function head(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= SHOWN_BYTES) return text;
  return `${bytes.subarray(0, SHOWN_BYTES).toString('utf8')}… (${bytes.length} bytes in all)`;
}

const PROTOCOL = 'print exactly one JSON document: {"result": …}, {"errcode": N, "errmsg": "…"} or {"error": "…"}';

function protocolError(problem: string, stdout: string, stderr: string): ClientOutcome {
  const lines = [
    `protocol error: the client ${problem}; ${PROTOCOL}`,
    `stdout (first ${SHOWN_BYTES} bytes): ${head(stdout)}`,
  ];
  return { kind: 'broken', message: lines.join('\n'), stderr: head(stderr) };
}

/**
 * Reads what a client program printed, by the protocol: its whole stdout is one JSON document
 * (white space around it allowed), one of `{"result": <the response as parsed>}` (success),
 * `{"errcode": N, "errmsg": "…"}` (a WeChat failure) or `{"error": "…"}` (a transport failure).
 * Anything else is a protocol error, shown with the first 500 bytes of stdout and stderr. The exit
 * code does not matter when the document is there.
 * @example parseClientOutput('{"error":"HTTP 502"}', 1, '') // { kind: 'transport-failure', message: 'HTTP 502' }
 */
export function parseClientOutput(stdout: string, exitCode: number | null, stderr: string): ClientOutcome {
  const exit = exitCode === null ? 'was killed' : `exited with code ${exitCode}`;
  const text = stdout.trim();
  if (text === '') return protocolError(`printed nothing on stdout (it ${exit})`, stdout, stderr);
  let printed: unknown;
  try {
    printed = JSON.parse(text);
  } catch {
    return protocolError(`printed a stdout that is not one JSON document (it ${exit})`, stdout, stderr);
  }
  if (printed === null || typeof printed !== 'object' || Array.isArray(printed)) {
    return protocolError(
      `printed ${Array.isArray(printed) ? 'an array' : 'a JSON value'}, not an object`,
      stdout,
      stderr,
    );
  }
  const keys = Object.keys(printed).sort();
  const output = printed as Record<string, unknown>;
  const tail = stderr.trim().split('\n').slice(-20).join('\n');
  const extra = (allowed: string[]) => keys.filter((key) => !allowed.includes(key));
  if ('result' in output && extra(['result']).length === 0) {
    return { kind: 'result', value: output.result, stderr: tail };
  }
  if ('errcode' in output && extra(['errcode', 'errmsg']).length === 0) {
    return { kind: 'wechat-failure', errcode: output.errcode, errmsg: output.errmsg, stderr: tail };
  }
  if ('error' in output && extra(['error']).length === 0) {
    return { kind: 'transport-failure', message: String(output.error), stderr: tail };
  }
  const named = ['result', 'errcode', 'error'].filter((key) => key in output);
  return protocolError(
    named.length === 0
      ? `printed an object with none of "result", "errcode" or "error" (keys: ${keys.join(', ') || 'none'})`
      : `printed an object that mixes ${keys.map((key) => JSON.stringify(key)).join(', ')}`,
    stdout,
    stderr,
  );
}

/**
 * An invoker that runs COMMAND ARGS once per call: WECHAT_API_BASE_URL, WECHAT_ACCESS_TOKEN (or, in
 * the token-lifecycle cases, WECHAT_COMPONENT_APPID, WECHAT_COMPONENT_APPSECRET and
 * WECHAT_COMPONENT_VERIFY_TICKET; in the invoke cases WECHAT_COMPONENT_APPID,
 * WECHAT_COMPONENT_ACCESS_TOKEN, WECHAT_AUTHORIZER_APPID and WECHAT_AUTHORIZER_REFRESH_TOKEN; in the
 * deploy cases also WECHAT_POLL_INTERVAL_MS and WECHAT_DEPLOY_TIMEOUT_MS) and WECHAT_TIMEOUT_MS in
 * its environment, the call's parameters as one JSON object on stdin. TMPDIR
 * (and XDG_CACHE_HOME) point at one temp folder for the whole run (in the token-lifecycle cases, one
 * per component appid, so one per case), so a disk cache lasts from one call to the next as it would
 * in a long-lived program; close() removes it.
 * @example runClientContract(processClient('python3', ['examples/python-client/main.py']))
 * @throws CannotRunError (from a call) when the program cannot be started
 */
export function processClient(
  command: string,
  args: readonly string[],
  options: ProcessClientOptions = {},
): ClientInvoker {
  const runTimeoutMs = options.runTimeoutMs ?? 15_000;
  const ordinary = ordinaryEnvironment(options.passEnv ?? []);
  const marker = `${RUN_MARKER}=${randomUUID()}`;
  const running = new Set<number>();
  let tempDir: string | undefined;
  // Whatever ends the kit (an error, process.exit on a signal), no program and no temp folder stays.
  const cleanUp = () => {
    for (const pid of running) killGroup(pid);
    running.clear();
    awaitEnd(killMarked(marker));
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    tempDir = undefined;
    process.off('exit', cleanUp);
  };
  const invoke: ClientInvoker = (context, params, signal) =>
    new Promise<ClientOutcome>((resolve, reject) => {
      if (tempDir === undefined) {
        tempDir = mkdtempSync(join(tmpdir(), 'wechat-scf-kit-client-'));
        process.on('exit', cleanUp);
      }
      // A component's credentials make a deployment of their own: each token-lifecycle case gives
      // another appid on a mock of its own, and a disk cache that is one file (not one per appid) must
      // not carry an earlier case's token into the next.
      const owner = context.component?.appid ?? context.authorizer?.appid;
      const folder = owner ? join(tempDir, 'components', owner.replace(/[^A-Za-z0-9_-]/g, '_')) : tempDir;
      if (owner) mkdirSync(folder, { recursive: true });
      // One mode at a time: a token to use, or (token-lifecycle cases) a component's credentials to get one.
      const credentials = context.component
        ? {
            WECHAT_COMPONENT_APPID: context.component.appid,
            WECHAT_COMPONENT_APPSECRET: context.component.secret,
            WECHAT_COMPONENT_VERIFY_TICKET: context.component.ticket,
          }
        : context.authorizer
          ? {
              WECHAT_COMPONENT_APPID: context.authorizer.componentAppid,
              WECHAT_COMPONENT_ACCESS_TOKEN: context.authorizer.componentAccessToken,
              WECHAT_AUTHORIZER_APPID: context.authorizer.appid,
              WECHAT_AUTHORIZER_REFRESH_TOKEN: context.authorizer.refreshToken,
            }
          : context.deploy
            ? {
                WECHAT_ACCESS_TOKEN: context.accessToken,
                WECHAT_POLL_INTERVAL_MS: String(context.deploy.pollIntervalMs),
                WECHAT_DEPLOY_TIMEOUT_MS: String(context.deploy.deployTimeoutMs),
              }
            : { WECHAT_ACCESS_TOKEN: context.accessToken };
      const child = spawn(command, args, {
        env: {
          ...ordinary,
          [RUN_MARKER]: marker.slice(RUN_MARKER.length + 1),
          WECHAT_API_BASE_URL: context.baseUrl,
          ...credentials,
          WECHAT_TIMEOUT_MS: String(context.timeoutMs),
          TMPDIR: folder,
          TMP: folder,
          TEMP: folder,
          XDG_CACHE_HOME: join(folder, 'cache'),
        },
        stdio: ['pipe', 'pipe', 'pipe'],
        // A process group of its own: whatever it starts is killed with it when the call ends.
        detached: true,
      });
      const pid = child.pid;
      if (pid !== undefined) running.add(pid);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outBytes = 0;
      let errBytes = 0;
      let stopped: string | undefined;
      const stop = (why: string) => {
        stopped ??= why;
        killGroup(pid);
      };
      child.stdout.on('data', (chunk: Buffer) => {
        outBytes += chunk.length;
        if (outBytes > STDOUT_LIMIT_BYTES) {
          stop(`printed more than ${STDOUT_LIMIT_BYTES} bytes on stdout and was killed; ${PROTOCOL}`);
          return;
        }
        out.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        // Past the limit stderr is drained unkept: a program blocked on a full pipe would look hung.
        if (errBytes < STDERR_LIMIT_BYTES) err.push(chunk.subarray(0, STDERR_LIMIT_BYTES - errBytes));
        errBytes += chunk.length;
      });
      // Once the program itself has exited, what it left running (a background child holding stdout)
      // goes too: its output so far stays in the pipe and is still read, and the call ends now.
      child.on('exit', () => killGroup(pid));
      const timer = setTimeout(() => stop(`was still running after ${runTimeoutMs} ms and was killed`), runTimeoutMs);
      const onAbort = () => stop(String(signal?.reason ?? 'was stopped'));
      signal?.addEventListener('abort', onAbort, { once: true });
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new CannotRunError(`cannot run ${command}: ${error.code === 'ENOENT' ? 'not found' : error.message}`));
      });
      child.on('close', (code, killedBy) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (pid !== undefined) running.delete(pid);
        killMarked(marker);
        const stdout = Buffer.concat(out).toString('utf8');
        const stderr = `${Buffer.concat(err).toString('utf8')}${errBytes > STDERR_LIMIT_BYTES ? `… (${errBytes} bytes in all)` : ''}`;
        if (stopped) return resolve({ kind: 'broken', message: stopped, stderr: head(stderr) });
        // 126 and 127 are what a shell or env answers for "not executable" and "not found", e.g. a shebang's missing interpreter.
        if ((code === 126 || code === 127) && stdout.trim() === '') {
          return reject(
            new CannotRunError(
              `cannot run ${[command, ...args].join(' ')}: exit code ${code}: ${stderr.trim().split('\n')[0] ?? ''}`,
            ),
          );
        }
        resolve(parseClientOutput(stdout, killedBy ? null : code, stderr));
      });
      child.stdin.on('error', () => {});
      child.stdin.end(JSON.stringify(params));
    });
  invoke.close = async () => cleanUp();
  return invoke;
}
