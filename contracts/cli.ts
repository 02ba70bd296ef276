// The `verify` and `verify-client` commands: flags, reporters and exit codes around the server and client kits.
import { accessSync, constants, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { parseCommandArgs, parseInteger, UsageError } from '../mock-server/cli-args.js';
import { loadCases } from './cases.js';
import { CannotRunError } from './client/adapter.js';
import { INVOKE_CASES, invokeCall, runInvokeContract } from './client/invoke-client.js';
import { processClient } from './client/process-client.js';
import { clientTimings } from './client/timing.js';
import { LIFECYCLE_CASES, lifecycleCall, runLifecycleContract } from './client/token-lifecycle.js';
import { runClientContract } from './client/verify-client.js';
import { loadFlows } from './flows.js';
import { formatJunit, formatPretty } from './report.js';
import { type CaseResult, summarise } from './results.js';
import type { ServerVerification } from './server/server-run.js';
import { serverChecks, verifyServer } from './server/verify-server.js';

const REPORT_OPTIONS = {
  reporter: { type: 'string' },
  output: { type: 'string' },
  case: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The help of `wechat-scf-kit verify`. @example console.log(VERIFY_HELP) */
export const VERIFY_HELP = `Usage: wechat-scf-kit verify --base-url URL [--access-token T] [--env ENV] [options]

Runs the contract against a server. First the observation checks (GSL-OBS-*): the whole listing
of an env is read with limit 100 and paging, order, search and headers are checked exactly
against it. With the /__mock/ control API (this mock) the env is one the kit arranges, every case
runs in its own arranged state, and the server is reset afterwards. Without it (another fake, the
real API) the env is --env, and every case that needs no arranged state runs, those about
listings with expectations derived from the listing read.

Options:
  --base-url URL       the server, e.g. http://127.0.0.1:4020 (required)
  --access-token T     a token the server accepts (needed without the control API)
  --env ENV            an env on the server (needed without the control API)
  --control-token T    the mock's --control-token: sent as Authorization: Bearer T to /__mock/
  --max-requests N     most requests to send (default 60, or 2000 to a server on loopback)
  --case ID            only this case (repeatable)
  --reporter R         pretty (default) or junit
  --output FILE        write the report to FILE (the pretty report still goes to stdout)
  -h, --help           show this help

Exit code: 0 when nothing failed (warnings do not fail), 1 when a case failed, 2 for a usage error.`;

/** The help of `wechat-scf-kit verify-client`. @example console.log(VERIFY_CLIENT_HELP) */
export const VERIFY_CLIENT_HELP = `Usage: wechat-scf-kit verify-client [options] -- COMMAND [ARGS...]

Runs the client contract cases against a program in any language. For each call a mock is
arranged and COMMAND runs once, with WECHAT_API_BASE_URL, WECHAT_ACCESS_TOKEN and WECHAT_TIMEOUT_MS
in its environment and the call's parameters as one JSON object on stdin, e.g.
{"env":"contract-env","limit":5}. Its whole stdout must be one JSON document (any formatting):
  {"result": <the response as the client parsed it>}   success (errcode 0)
  {"errcode": N, "errmsg": "<the server's errmsg>"}      a WeChat failure the client surfaced
  {"error": "<what went wrong>"}                         a transport failure (HTTP error, bad JSON, timeout)
Anything else is a protocol error. Some cases call COMMAND several times; TMPDIR points at one
temp folder for the whole run (removed after), so a disk cache lasts from call to call.

Each request is checked (whole token, body, count: errors that are not transient must be sent
once; -1, -1000, HTTP 5xx, a dropped connection and a timeout may be retried up to 3 times) and
each answer against what the server sent, compared as JSON values.

Options:
  --timeout-ms N       the timeout the client must honour (default 1000); slow answers are derived
                       from it, and the client must give up within N + max(500, N/2) ms
  --strict             fail on warnings (null for absent optionals, a JSON body without Content-Type)
  --run-timeout-ms N   kill COMMAND after this long (default: from --timeout-ms, 14000 at 1000)
  --token-lifecycle    also run the token-lifecycle cases (GSL-LIFE-*): COMMAND gets no
                       WECHAT_ACCESS_TOKEN but WECHAT_COMPONENT_APPID, WECHAT_COMPONENT_APPSECRET
                       and WECHAT_COMPONENT_VERIFY_TICKET, and must get its own token from
                       api_component_token, cache it from call to call, and on 40001 or 42001
                       fetch a new one once and retry once, never looping (each case gives
                       another appid and a TMPDIR of its own)
  --invoke             run the invoke cases (GSL-CALLFN-*) instead: COMMAND reads {"env", "name",
                       "event"} on stdin and gets WECHAT_COMPONENT_APPID,
                       WECHAT_COMPONENT_ACCESS_TOKEN, WECHAT_AUTHORIZER_APPID and
                       WECHAT_AUTHORIZER_REFRESH_TOKEN; it must get the authorizer token from
                       api_authorizer_token, cache it, send env and name in the query and the
                       event as the body, print the function's result (resp_data decoded), and
                       on 40001 or 42001 fetch a new token once and retry once
  --case ID            only this case (repeatable)
  --reporter R         pretty (default) or junit
  --output FILE        write the report to FILE (the pretty report still goes to stdout)
  -h, --help           show this help

Exit code: 0 when nothing failed, 1 when a case failed, 2 for a usage error or a COMMAND that cannot run.`;

function checkCaseIds(ids: string[] | undefined, more: readonly string[] = []): void {
  if (!ids) return;
  const known = new Set([...[...loadCases(), ...loadFlows()].map((c) => c.id), ...more]);
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new UsageError(`unknown case ${unknown.join(', ')}; ids look like GSL-PAGE-001`);
}

function reporterOf(value: string | undefined): 'pretty' | 'junit' {
  if (value === undefined || value === 'pretty' || value === 'junit') return value ?? 'pretty';
  throw new UsageError(`--reporter must be pretty or junit, got ${JSON.stringify(value)}`);
}

async function report(suite: string, results: CaseResult[], reporter: 'pretty' | 'junit', output: string | undefined) {
  const pretty = formatPretty(results);
  const text = reporter === 'junit' ? formatJunit(suite, results) : `${pretty}\n`;
  if (output) {
    await writeFile(output, text).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot write --output ${output}: ${error.code ?? error.message}`);
    });
    console.log(pretty);
  } else {
    process.stdout.write(reporter === 'junit' ? text : `${pretty}\n`);
  }
  return summarise(results).failed === 0 ? 0 : 1;
}

/** The path a command runs from: itself when it has a slash, else the first match on PATH. */
function findExecutable(command: string): string | undefined {
  const runnable = (path: string) => {
    try {
      accessSync(path, constants.X_OK);
      return statSync(path).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes('/')) return runnable(command) ? command : undefined;
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, command))
    .find(runnable);
}

/** The line before the report: which mode ran, and how much of the listing was read. */
function describeRun(baseUrl: string, verification: ServerVerification): string {
  const mode = verification.control
    ? `${baseUrl} has the /__mock/ control API: every case runs in its own arranged state.`
    : `${baseUrl} has no /__mock/ control API: checking from observation, cases that need arranged state are skipped.`;
  const seen = verification.listing;
  if (!seen) return mode;
  const how = `${seen.arranged ? 'arranged ' : ''}env ${seen.env}`;
  const part = seen.complete
    ? `all ${seen.total} functions`
    : `${seen.seen} of ${seen.total} functions (the request budget allowed no more)`;
  return `${mode}\nListing of ${how}: read ${part} with limit ${seen.pageLimit}; ${verification.requestsSent} requests sent.`;
}

/**
 * `wechat-scf-kit verify`: returns the exit code.
 * @example process.exitCode = await verifyCommand(['--base-url', 'http://127.0.0.1:4020'])
 */
export async function verifyCommand(args: string[]): Promise<number> {
  const { values } = parseCommandArgs({
    args,
    options: {
      ...REPORT_OPTIONS,
      'base-url': { type: 'string' },
      'access-token': { type: 'string' },
      env: { type: 'string' },
      'max-requests': { type: 'string' },
      'control-token': { type: 'string' },
    },
  });
  if (values.help) {
    console.log(VERIFY_HELP);
    return 0;
  }
  const baseUrl = values['base-url'];
  if (!baseUrl) throw new UsageError('verify needs --base-url URL, e.g. --base-url http://127.0.0.1:4020');
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
    throw new UsageError(`--base-url must be an http or https URL, got ${JSON.stringify(baseUrl)}`);
  }
  const reporter = reporterOf(values.reporter);
  checkCaseIds(
    values.case,
    serverChecks().map((c) => c.id),
  );
  const verification = await verifyServer({
    baseUrl,
    accessToken: values['access-token'],
    env: values.env,
    controlToken: values['control-token'],
    cases: values.case,
    maxRequests: parseInteger('--max-requests', values['max-requests'], 1, 100_000),
  });
  if (!verification.reachable) throw new UsageError(`cannot reach ${baseUrl}: ${verification.unreachableBecause}`);
  if (verification.controlRefused) throw new UsageError(`${baseUrl}: ${verification.controlRefused}`);
  console.error(describeRun(baseUrl, verification));
  const code = await report('wechat-scf-kit verify', verification.results, reporter, values.output);
  if (verification.results.every((r) => r.status === 'skip')) {
    console.error('No case ran: every one was skipped (see the reasons above).');
    return 1;
  }
  return code;
}

/**
 * `wechat-scf-kit verify-client -- COMMAND ...`: returns the exit code.
 * @example process.exitCode = await verifyClientCommand(['--', 'python3', 'client.py'])
 */
export async function verifyClientCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args,
    allowPositionals: true,
    options: {
      ...REPORT_OPTIONS,
      'timeout-ms': { type: 'string' },
      'run-timeout-ms': { type: 'string' },
      strict: { type: 'boolean' },
      'token-lifecycle': { type: 'boolean' },
      invoke: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(VERIFY_CLIENT_HELP);
    return 0;
  }
  const [command, ...commandArgs] = positionals;
  if (!command) throw new UsageError('verify-client needs a command after --, e.g. verify-client -- python3 client.py');
  if (!findExecutable(command)) {
    throw new UsageError(
      `cannot run ${JSON.stringify(command)}: ${command.includes('/') ? 'no such executable file' : 'not found on PATH'}`,
    );
  }
  const reporter = reporterOf(values.reporter);
  checkCaseIds(values.case, [...LIFECYCLE_CASES.map((c) => c.id), ...INVOKE_CASES.map((c) => c.id)]);
  const timeoutMs = parseInteger('--timeout-ms', values['timeout-ms'], 50, 60_000) ?? 1000;
  const runTimeoutMs =
    parseInteger('--run-timeout-ms', values['run-timeout-ms'], 100, 600_000) ?? clientTimings(timeoutMs).callLimitMs;
  const invokeIds = new Set(INVOKE_CASES.map((c) => c.id));
  const askedInvoke = values.case?.filter((id) => invokeIds.has(id)) ?? [];
  if (values.invoke) {
    if (values['token-lifecycle']) throw new UsageError('--invoke runs on its own: not with --token-lifecycle');
    const other = values.case?.filter((id) => !invokeIds.has(id)) ?? [];
    if (other.length > 0) throw new UsageError(`${other.join(', ')}: only the invoke cases run with --invoke`);
    const invoker = processClient(command, commandArgs, { runTimeoutMs });
    try {
      const results = await runInvokeContract(invokeCall(invoker), { cases: values.case, timeoutMs });
      return report(`wechat-scf-kit verify-client --invoke ${command}`, results, reporter, values.output);
    } catch (error) {
      if (error instanceof CannotRunError) throw new UsageError(error.message);
      throw error;
    } finally {
      await invoker.close?.();
    }
  }
  if (askedInvoke.length > 0) throw new UsageError(`${askedInvoke.join(', ')}: invoke cases run only with --invoke`);
  const lifecycle = values['token-lifecycle'] ?? false;
  const lifecycleIds = new Set(LIFECYCLE_CASES.map((c) => c.id));
  const asked = values.case?.filter((id) => lifecycleIds.has(id)) ?? [];
  if (asked.length > 0 && !lifecycle) {
    throw new UsageError(`${asked.join(', ')}: token-lifecycle cases run only with --token-lifecycle`);
  }
  const standardAsked = !values.case || values.case.some((id) => !lifecycleIds.has(id));
  let results: CaseResult[] = [];
  const invoker = processClient(command, commandArgs, { runTimeoutMs });
  try {
    if (standardAsked) {
      results = await runClientContract(invoker, { cases: values.case, timeoutMs, strict: values.strict ?? false });
    }
    if (lifecycle) {
      results.push(...(await runLifecycleContract(lifecycleCall(invoker), { cases: values.case, timeoutMs })));
      await invoker.close?.();
    }
  } catch (error) {
    if (error instanceof CannotRunError) throw new UsageError(error.message);
    throw error;
  }
  return report(`wechat-scf-kit verify-client ${command}`, results, reporter, values.output);
}
