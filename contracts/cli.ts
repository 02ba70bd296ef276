// The `verify` and `verify-client` commands: flags, reporters and exit codes around the server and client kits.
import { accessSync, constants, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { CouldNotRunError, parseCommandArgs, parseInteger, UsageError } from '../mock-server/cli-args.js';
import { loadCases } from './cases.js';
import { CannotRunError } from './client/adapter.js';
import { DEPLOY_CASES, DEPLOY_DEFAULTS, deployCall, deployLimitMs, runDeployContract } from './client/deploy-client.js';
import { INVOKE_CASES, invokeCall, runInvokeContract } from './client/invoke-client.js';
import { processClient } from './client/process-client.js';
import { clientTimings } from './client/timing.js';
import { LIFECYCLE_CASES, lifecycleCall, runLifecycleContract } from './client/token-lifecycle.js';
import { runClientContract } from './client/verify-client.js';
import { loadFlows } from './flows.js';
import { setRunDeadline } from './http.js';
import { formatJunit, formatPretty } from './report.js';
import { type CaseResult, summarise } from './results.js';
import type { ServerVerification } from './server/server-run.js';
import { serverChecks, verifyServer } from './server/verify-server.js';
import { runSecrets, shownText, shownUrl } from './shown-text.js';

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
against it. With the /__mock/ control API (this mock) the env is one the kit arranges and every
case runs in its own arranged state. The mock may be shared with other tests: the kit arranges only
its own uniquely named envs, tokens, components and matched faults, removes them after, never
resets the mock or replaces its data, and skips (saying why) the few checks that need the whole
mock; --exclusive says the mock is the kit's alone, and runs those too. Without the control API
(another fake, the real API) the env is --env, and every case that needs no arranged state runs,
those about listings with expectations derived from the listing read.

Options:
  --base-url URL       the server, e.g. http://127.0.0.1:4020 (required)
  --access-token T     a token the server accepts (needed without the control API)
  --env ENV            an env on the server (needed without the control API)
  --control-token T    the mock's --control-token: sent as Authorization: Bearer T to /__mock/
                       (or set WECHAT_SCF_KIT_CONTROL_TOKEN, which ps does not show)
  --max-requests N     most requests to send (default 2000, or 60 to WeChat's own servers,
                       *.weixin.qq.com, whose daily quota it protects)
  --request-timeout-ms N  most time for one whole answer, every byte of it (default 10000)
  --total-timeout-ms N    most time for the whole run (default 600000)
  --exclusive          the mock is the kit's alone: replace its data, reset it, and run the checks
                       that need the whole mock (default: share it, touching only the kit's own names)
  --case ID            only this case (repeatable)
  --reporter R         pretty (default) or junit
  --output FILE        write the report to FILE (the pretty report still goes to stdout)
  -h, --help           show this help

An answer over 32 MiB is cut off and counts as that case's failure. Text from the server is
printed with control characters escaped; tokens and a password in --base-url are never printed.

Exit code: 0 when nothing failed (warnings do not fail), 1 when a case failed, 2 for a usage
error, 3 when the run could not be carried out (the server cannot be reached, the control API
refused the token, the total time ran out, or an error of the kit itself).`;

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
  --timeout-ms N       the timeout the client must honour (default 1000, 5000 with --deploy); slow
                       answers are derived from it, and the client must give up within
                       N + max(500, N/2) ms
  --strict             fail on warnings (null for absent optionals, a JSON body without Content-Type)
  --run-timeout-ms N   kill COMMAND after this long (default: from --timeout-ms, 14000 at 1000)
  --token-lifecycle    also run the token-lifecycle cases (GSL-LIFE-*): COMMAND gets no
                       WECHAT_ACCESS_TOKEN but WECHAT_COMPONENT_APPID, WECHAT_COMPONENT_APPSECRET
                       and WECHAT_COMPONENT_VERIFY_TICKET, and must get its own token from
                       api_component_token, cache it from call to call, and on 40001 or 42001
                       fetch a new one once and retry once, never looping (each case gives
                       another appid and a TMPDIR of its own)
  --pass-env NAME      also pass this variable of the kit's environment to COMMAND (repeatable)
  --invoke             run the invoke cases (GSL-CALLFN-*) instead: COMMAND reads {"env", "name",
                       "event"} on stdin and gets WECHAT_COMPONENT_APPID,
                       WECHAT_COMPONENT_ACCESS_TOKEN, WECHAT_AUTHORIZER_APPID and
                       WECHAT_AUTHORIZER_REFRESH_TOKEN; it must get the authorizer token from
                       api_authorizer_token, cache it, send env and name in the query and the
                       event as the body, print the function's result (resp_data decoded), and
                       on 40001 or 42001 fetch a new token once and retry once
  --deploy             run the deploy cases (GSL-DEPLOY-*) instead: COMMAND reads one deployment,
                       {"action": "create"|"update_code", "name", "envs", "zipfile"} or
                       {"action": "delete", "name", "env"}, gets WECHAT_ACCESS_TOKEN,
                       WECHAT_POLL_INTERVAL_MS (200) and WECHAT_DEPLOY_TIMEOUT_MS (10000), makes
                       the call, polls getscflist until the function leaves Creating/Updating/
                       Deleting, and prints {"result": {"<env>": <outcome>, ...}}
  --case ID            only this case (repeatable)
  --reporter R         pretty (default) or junit
  --output FILE        write the report to FILE (the pretty report still goes to stdout)
  -h, --help           show this help

COMMAND runs in a process group of its own, killed whole when each call ends, with only the
variables above plus the ordinary environment (PATH, HOME, locale, language toolchains; add more
with --pass-env NAME), never WECHAT_SCF_KIT_CONTROL_TOKEN. Its stdout is read up to 1 MiB and
its stderr up to 64 KiB; the temp folders are removed whatever happens.

Exit code: 0 when nothing failed, 1 when a case failed, 2 for a usage error (COMMAND not found or
not executable included), 3 when the run could not be carried out (COMMAND could not be started,
e.g. its interpreter is missing, or an error of the kit itself).`;

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

async function report(
  suite: string,
  results: CaseResult[],
  reporter: 'pretty' | 'junit',
  output: string | undefined,
  secrets: readonly string[] = [],
) {
  // Results quote what servers and clients sent: escaped and with secrets hidden before anything prints.
  const pretty = shownText(formatPretty(results), secrets);
  const text = reporter === 'junit' ? shownText(formatJunit(suite, results), secrets) : `${pretty}\n`;
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
function describeRun(url: string, verification: ServerVerification): string {
  const baseUrl = shownUrl(url);
  const mode = !verification.control
    ? `${baseUrl} has no /__mock/ control API: checking from observation, cases that need arranged state are skipped.`
    : verification.shared
      ? `${baseUrl} has the /__mock/ control API: every case runs in its own arranged state, under names of the run's own, removed after (the mock may be shared; --exclusive runs the checks that need it whole).`
      : verification.unshareable
        ? `${baseUrl} has the /__mock/ control API: every case runs in its own arranged state; ${verification.unshareable}.`
        : `${baseUrl} has the /__mock/ control API: every case runs in its own arranged state (--exclusive: the mock is the kit's alone).`;
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
      'request-timeout-ms': { type: 'string' },
      'total-timeout-ms': { type: 'string' },
      exclusive: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(VERIFY_HELP);
    return 0;
  }
  const baseUrl = values['base-url'];
  if (!baseUrl) throw new UsageError('verify needs --base-url URL, e.g. --base-url http://127.0.0.1:4020');
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
    throw new UsageError(`--base-url must be an http or https URL, got ${JSON.stringify(shownUrl(baseUrl))}`);
  }
  const reporter = reporterOf(values.reporter);
  // From the environment too: a token on the command line is visible to every user in ps.
  const controlToken = values['control-token'] ?? (process.env.WECHAT_SCF_KIT_CONTROL_TOKEN || undefined);
  const requestTimeoutMs = parseInteger('--request-timeout-ms', values['request-timeout-ms'], 100, 600_000) ?? 10_000;
  const totalTimeoutMs = parseInteger('--total-timeout-ms', values['total-timeout-ms'], 1000, 86_400_000) ?? 600_000;
  const secrets = runSecrets({ baseUrl, accessToken: values['access-token'], controlToken });
  const shown = shownUrl(baseUrl);
  checkCaseIds(
    values.case,
    serverChecks().map((c) => c.id),
  );
  const maxRequests = parseInteger('--max-requests', values['max-requests'], 1, 100_000);
  const deadline = performance.now() + totalTimeoutMs;
  setRunDeadline(deadline);
  const verification = await verifyServer({
    baseUrl,
    accessToken: values['access-token'],
    env: values.env,
    controlToken,
    cases: values.case,
    maxRequests,
    exclusive: values.exclusive === true,
    timeoutMs: requestTimeoutMs,
  }).finally(() => setRunDeadline(Number.POSITIVE_INFINITY));
  const ranOut = performance.now() >= deadline;
  const why = (text: string | undefined) => shownText(text ?? '', secrets);
  if (!verification.reachable)
    throw new CouldNotRunError(`cannot reach ${shown}: ${why(verification.unreachableBecause)}`);
  if (verification.controlRefused) throw new CouldNotRunError(`${shown}: ${why(verification.controlRefused)}`);
  console.error(shownText(describeRun(baseUrl, verification), secrets));
  const code = await report('wechat-scf-kit verify', verification.results, reporter, values.output, secrets);
  if (ranOut) {
    throw new CouldNotRunError(
      `the run took longer than --total-timeout-ms ${totalTimeoutMs}: requests past it were cut off or not sent, so the results above are incomplete`,
    );
  }
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
      'pass-env': { type: 'string', multiple: true },
      invoke: { type: 'boolean' },
      deploy: { type: 'boolean' },
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
  checkCaseIds(values.case, [
    ...LIFECYCLE_CASES.map((c) => c.id),
    ...INVOKE_CASES.map((c) => c.id),
    ...DEPLOY_CASES.map((c) => c.id),
  ]);
  const timeoutMs =
    parseInteger('--timeout-ms', values['timeout-ms'], 50, 60_000) ??
    (values.deploy ? DEPLOY_DEFAULTS.timeoutMs : 1000);
  // A deployment polls for up to its deploy timeout: the program gets as long as the kit lets it run.
  const runTimeoutMs =
    parseInteger('--run-timeout-ms', values['run-timeout-ms'], 100, 600_000) ??
    (values.deploy ? deployLimitMs(DEPLOY_DEFAULTS.deployTimeoutMs, timeoutMs) : clientTimings(timeoutMs).callLimitMs);
  const invokeIds = new Set(INVOKE_CASES.map((c) => c.id));
  const askedInvoke = values.case?.filter((id) => invokeIds.has(id)) ?? [];
  if (values.invoke) {
    if (values['token-lifecycle']) throw new UsageError('--invoke runs on its own: not with --token-lifecycle');
    const other = values.case?.filter((id) => !invokeIds.has(id)) ?? [];
    if (other.length > 0) throw new UsageError(`${other.join(', ')}: only the invoke cases run with --invoke`);
  }
  if (askedInvoke.length > 0 && !values.invoke)
    throw new UsageError(`${askedInvoke.join(', ')}: invoke cases run only with --invoke`);
  const deployIds = new Set(DEPLOY_CASES.map((c) => c.id));
  const askedDeploy = values.case?.filter((id) => deployIds.has(id)) ?? [];
  if (values.deploy) {
    if (values.invoke || values['token-lifecycle'])
      throw new UsageError(`--deploy runs on its own: not with ${values.invoke ? '--invoke' : '--token-lifecycle'}`);
    const other = values.case?.filter((id) => !deployIds.has(id)) ?? [];
    if (other.length > 0) throw new UsageError(`${other.join(', ')}: only the deploy cases run with --deploy`);
  }
  if (askedDeploy.length > 0 && !values.deploy)
    throw new UsageError(`${askedDeploy.join(', ')}: deploy cases run only with --deploy`);
  const lifecycle = values['token-lifecycle'] ?? false;
  const lifecycleIds = new Set(LIFECYCLE_CASES.map((c) => c.id));
  const asked = values.case?.filter((id) => lifecycleIds.has(id)) ?? [];
  if (asked.length > 0 && !lifecycle) {
    throw new UsageError(`${asked.join(', ')}: token-lifecycle cases run only with --token-lifecycle`);
  }
  const standardAsked = !values.case || values.case.some((id) => !lifecycleIds.has(id));
  let results: CaseResult[] = [];
  const passEnv = values['pass-env'] ?? [];
  for (const name of passEnv) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new UsageError(`--pass-env ${JSON.stringify(name)} is not a variable name`);
    if (name === 'WECHAT_SCF_KIT_CONTROL_TOKEN')
      throw new UsageError('--pass-env WECHAT_SCF_KIT_CONTROL_TOKEN: the control token is never passed to a client');
  }
  const invoker = processClient(command, commandArgs, { runTimeoutMs, passEnv });
  // Killed by a signal, the kit still ends the program's process group and removes its temp folders
  // (process.exit runs the invoker's exit clean-up): the program runs in a group of its own, which a
  // Ctrl-C in the terminal no longer reaches.
  const signals = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
  const onSignal = (signal: NodeJS.Signals) => process.exit(signals[signal as keyof typeof signals]);
  for (const signal of Object.keys(signals)) process.on(signal, onSignal);
  try {
    if (values.deploy) {
      results = await runDeployContract(deployCall(invoker), { cases: values.case, timeoutMs });
    } else if (values.invoke) {
      results = await runInvokeContract(invokeCall(invoker), { cases: values.case, timeoutMs });
    } else {
      if (standardAsked) {
        results = await runClientContract(invoker, { cases: values.case, timeoutMs, strict: values.strict ?? false });
      }
      if (lifecycle) {
        results.push(...(await runLifecycleContract(lifecycleCall(invoker), { cases: values.case, timeoutMs })));
      }
    }
  } catch (error) {
    if (error instanceof CannotRunError) throw new CouldNotRunError(error.message);
    throw error;
  } finally {
    await invoker.close?.();
    for (const signal of Object.keys(signals)) process.off(signal, onSignal);
  }
  const mode = values.deploy ? '--deploy ' : values.invoke ? '--invoke ' : '';
  const title = `wechat-scf-kit verify-client ${mode}${command}`;
  return report(title, results, reporter, values.output);
}
