import { spawn } from 'node:child_process';
import type { ClientInvoker, ClientOutcome } from './verify-client.js';

/** Options for running a client program once per case. */
export interface ProcessClientOptions {
  /** Kill the program after this long (default 15 s); counts as a failure it reported. */
  runTimeoutMs?: number;
}

/**
 * Parses what a client program printed: the last line of stdout that is a JSON object.
 * `{"error": …}` is a transport failure, `{"errcode": N, …}` with N != 0 a WeChat failure,
 * anything else the response. A non-zero exit without JSON is a reported failure.
 * @example parseClientOutput('{"error":"HTTP 502"}', 0, '') // { kind: 'rejected', message: 'HTTP 502', … }
 */
export function parseClientOutput(stdout: string, exitCode: number | null, stderr: string): ClientOutcome {
  const lines = stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  let printed: unknown;
  for (const line of lines.reverse()) {
    try {
      printed = JSON.parse(line);
      break;
    } catch {}
  }
  const tail = stderr.trim().split('\n').slice(-20).join('\n');
  if (printed === null || typeof printed !== 'object' || Array.isArray(printed)) {
    if (exitCode !== 0)
      return { kind: 'rejected', message: `exited with code ${exitCode} and printed no JSON object`, stderr: tail };
    return { kind: 'resolved', value: printed, stderr: tail };
  }
  const output = printed as { error?: unknown; errcode?: unknown; errmsg?: unknown };
  if (output.error !== undefined) return { kind: 'rejected', message: String(output.error), stderr: tail };
  if (output.errcode !== undefined && output.errcode !== 0) {
    return { kind: 'rejected', errcode: output.errcode, message: String(output.errmsg ?? ''), stderr: tail };
  }
  if (exitCode !== 0) return { kind: 'rejected', message: `exited with code ${exitCode}`, stderr: tail };
  return { kind: 'resolved', value: printed, stderr: tail };
}

/**
 * An invoker that runs COMMAND ARGS once per call: WECHAT_API_BASE_URL, WECHAT_ACCESS_TOKEN and
 * WECHAT_TIMEOUT_MS in its environment, the call's parameters as one JSON object on stdin.
 * @example runClientContract(processClient('python3', ['examples/python-client/main.py']))
 */
export function processClient(
  command: string,
  args: readonly string[],
  options: ProcessClientOptions = {},
): ClientInvoker {
  const runTimeoutMs = options.runTimeoutMs ?? 15_000;
  return (context, params) =>
    new Promise<ClientOutcome>((resolve) => {
      const child = spawn(command, args, {
        env: {
          ...process.env,
          WECHAT_API_BASE_URL: context.baseUrl,
          WECHAT_ACCESS_TOKEN: context.accessToken,
          WECHAT_TIMEOUT_MS: String(context.timeoutMs),
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let killed = false;
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, runTimeoutMs);
      child.on('error', (error) => {
        clearTimeout(timer);
        resolve({ kind: 'broken', message: `could not be run (${command}: ${error.message})` });
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (killed)
          resolve({ kind: 'broken', message: `was still running after ${runTimeoutMs} ms and was killed`, stderr });
        else resolve(parseClientOutput(stdout, code, stderr));
      });
      child.stdin.on('error', () => {});
      child.stdin.end(JSON.stringify(params));
    });
}
