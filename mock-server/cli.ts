#!/usr/bin/env node
// The wechat-scf-kit command: serve, verify, verify-client, openapi; flags, environment, listen, logging.

import { realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParseArgsConfig } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { API_PATHS, CONTROL_PREFIX, OPTION_RANGES, UNKNOWN_ENV_MODES, type UnknownEnvMode } from './api-facts.js';
import { CouldNotRunError, parseCommandArgs, parseInteger, UsageError } from './cli-args.js';
import { CONTROL_MODE_VARIABLE, environmentHelp, SERVE_ENVIRONMENT, withEnvironment } from './cli-env.js';
import { runHealthCheck } from './cli-health.js';
import { createCliLogger, printable } from './cli-log.js';
import { watchDataFile } from './data-watch.js';
import { buildOpenApi } from './openapi.js';
import { ExposureError, type RunningMock, startMockServer } from './server.js';
import { isHostName, isOrigin, MIN_CONTROL_TOKEN_CHARS } from './settings.js';
import { DataError, loadDataFile } from './state/data-file.js';
import { VERSION } from './version.js';

const NAME = 'wechat-scf-kit';

const SERVE_HELP = `Usage: ${NAME} serve [options]

Runs an offline fake of WeChat's POST ${API_PATHS.getscflist} (getCloudFunctionList).

Options:
  --port N            port to listen on (default 4020, or $PORT; 0 takes a free port)
  --host ADDR         address to listen on (default 127.0.0.1)
  --data FILE         JSON data file: tokens and envs (default: built-in demo data)
  --seed N            seed for fake values (default: the data file's seed, else 1)
  --strict            answer 47001 for unknown body fields instead of ignoring them
  --max-limit N       largest accepted limit; larger answers 47001 (default 100)
  --unknown-env MODE  env not in the data: invalid-args (40097, default), no-qbase (85088) or empty
  --journal-limit N   requests kept in the journal at /__mock/requests (default 1000)
  --body-limit BYTES  largest accepted request body; larger answers 47001 (default 1048576)
  --no-rid            leave the " rid: …" suffix off error messages (for snapshot tests)
  --no-control        turn off the /__mock/ control API and dashboard
  --control-token T   require Authorization: Bearer T on every /__mock/ request (needed, or
                      --no-control, to listen on an address other than loopback); also read
                      from $WECHAT_SCF_KIT_CONTROL_TOKEN, which keeps it out of ps
  --allowed-host NAME a Host name the control API answers besides loopback and --host, e.g. the
                      name other containers use (repeatable); other Host headers get 403
  --cors ORIGIN       let browser pages from ORIGIN call the API route (repeatable; * for any).
                      Never the control API
  --headers-timeout-ms N  cut off a client that has not sent its headers in time (default 10000)
  --request-timeout-ms N  cut off a client that has not sent its whole request in time (default 30000;
                          a lower value lowers the headers timeout with it)
  --write-timeout-ms N    cut off a client that stops reading an answer for this long (default 10000)
  --watch             reload --data FILE when it changes (a bad version is refused, the old data kept)
  --log-format F      pretty (default; colours on a terminal) or json (one object per line)
  --quiet             no log line per request
  -h, --help          show this help
  -v, --version       show the version

${environmentHelp()}`;

const HELP = `Usage: ${NAME} <command> [options]

Commands:
  serve               run the mock server (the default when no command is given)
  verify              run the contract cases against a server (this mock, another fake, the real API)
  verify-client       run the client contract cases against a program in any language
  openapi             print the OpenAPI 3.1 document of the API (--output FILE to write it)
  health              exit 0 when a mock answers its health endpoint (a container's HEALTHCHECK)

Run '${NAME} <command> --help' for its options. Version ${VERSION}.`;

const SERVE_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  seed: { type: 'string' },
  strict: { type: 'boolean' },
  'max-limit': { type: 'string' },
  'unknown-env': { type: 'string' },
  'journal-limit': { type: 'string' },
  'body-limit': { type: 'string' },
  'no-rid': { type: 'boolean' },
  'no-control': { type: 'boolean' },
  'control-token': { type: 'string' },
  'allowed-host': { type: 'string', multiple: true },
  cors: { type: 'string', multiple: true },
  'headers-timeout-ms': { type: 'string' },
  'request-timeout-ms': { type: 'string' },
  'write-timeout-ms': { type: 'string' },
  watch: { type: 'boolean' },
  'log-format': { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const satisfies ParseArgsConfig['options'];

function describeEnvs(mock: RunningMock): string {
  const envs = mock.store.envs();
  if (envs.length === 0) return 'none';
  return envs
    .map((env) => (env.qbase ? `${env.id} (${env.table.count} functions)` : `${env.id} (qbase false: answers 85088)`))
    .join(', ');
}

function exampleCurl(mock: RunningMock): string {
  const tokens = mock.store.tokens();
  const token = Object.keys(tokens).find((t) => tokens[t] === 'valid') ?? 'ACCESS_TOKEN';
  const env = mock.store.envs().find((e) => e.qbase)?.id ?? 'ENV_ID';
  const body = JSON.stringify({ env, limit: 2 });
  return `curl -s -X POST '${mock.url}${API_PATHS.getscflist}?access_token=${token}' -d '${body}'`;
}

/** A numeric flag, checked against its option's range. */
function flagInteger(flag: string, text: string | undefined, option: keyof typeof OPTION_RANGES): number | undefined {
  const { min, max } = OPTION_RANGES[option];
  return parseInteger(flag, text, min, max);
}

/**
 * The port to serve on: --port, else PORT from the environment, else 4020. An empty PORT (`PORT=`
 * in a shell or an .env file) counts as unset, as most servers read it.
 * @example resolveServePort(undefined, '') // 4020
 * @throws UsageError naming --port or PORT when it is not a port number
 */
export function resolveServePort(flag: string | undefined, environment: string | undefined): number {
  const fromEnvironment = environment?.trim() || undefined;
  const { min, max } = OPTION_RANGES.port;
  const port = parseInteger(flag !== undefined ? '--port' : 'PORT', flag ?? fromEnvironment ?? '4020', min, max);
  return port as number;
}

/**
 * `wechat-scf-kit serve`: parses flags, loads data, listens and logs until SIGINT/SIGTERM.
 * @example await serve(['--port', '0', '--quiet'])
 */
export async function serve(args: string[]): Promise<RunningMock | undefined> {
  const parsed = parseCommandArgs({ args, options: SERVE_OPTIONS }).values;
  if (parsed.help) {
    console.log(SERVE_HELP);
    return undefined;
  }
  if (parsed.version) {
    console.log(VERSION);
    return undefined;
  }
  // Every flag not given is read from its variable; messages name whichever of the two was used.
  const { values, from, control: controlMode } = withEnvironment(parsed, process.env);
  const { min, max } = OPTION_RANGES.port;
  const port = parseInteger(from('port'), values.port ?? '4020', min, max) as number;
  const host = values.host ?? '127.0.0.1';
  const unknownEnv = values['unknown-env'];
  if (unknownEnv !== undefined && !(UNKNOWN_ENV_MODES as readonly string[]).includes(unknownEnv)) {
    throw new UsageError(
      `${from('unknown-env')} must be ${UNKNOWN_ENV_MODES.slice(0, -1).join(', ')} or ${UNKNOWN_ENV_MODES.at(-1)}, got ${JSON.stringify(unknownEnv)}`,
    );
  }
  const format = values['log-format'] ?? 'pretty';
  if (format !== 'pretty' && format !== 'json') {
    throw new UsageError(`${from('log-format')} must be pretty or json, got ${JSON.stringify(format)}`);
  }
  const controlToken = values['control-token'];
  if (controlToken !== undefined && controlToken.length < MIN_CONTROL_TOKEN_CHARS) {
    throw new UsageError(
      `${from('control-token')} must be at least ${MIN_CONTROL_TOKEN_CHARS} characters (a guessable token protects nothing)`,
    );
  }
  const headersTimeoutMs = flagInteger(from('headers-timeout-ms'), values['headers-timeout-ms'], 'headersTimeoutMs');
  const requestTimeoutMs = flagInteger(from('request-timeout-ms'), values['request-timeout-ms'], 'requestTimeoutMs');
  if (headersTimeoutMs !== undefined && requestTimeoutMs !== undefined && requestTimeoutMs < headersTimeoutMs) {
    throw new UsageError(
      `${from('request-timeout-ms')} ${requestTimeoutMs} is below ${from('headers-timeout-ms')} ${headersTimeoutMs}: a whole request cannot take less time than its headers; raise it or lower ${from('headers-timeout-ms')}`,
    );
  }
  for (const name of values['allowed-host'] ?? []) {
    if (!isHostName(name)) {
      throw new UsageError(
        `${from('allowed-host')} ${JSON.stringify(name)} is not a host name; give a name such as wechat-mock`,
      );
    }
  }
  for (const origin of values.cors ?? []) {
    if (!isOrigin(origin)) {
      throw new UsageError(
        `${from('cors')} ${JSON.stringify(origin)} is not an origin; give one such as http://localhost:5173, or *`,
      );
    }
  }
  if (values.watch && !values.data) throw new UsageError(`${from('watch')} needs ${from('data')} FILE to watch`);
  const logger = createCliLogger(format, { quiet: values.quiet ?? false });
  // auto (the container image's default): a control API only where a token protects it.
  const controlOn = controlMode === 'on' || (controlMode === 'auto' && controlToken !== undefined);
  // Without --data the embedded data is served; it needs no check.
  const data = values.data ? await loadDataFile(values.data) : undefined;
  const seed = flagInteger(from('seed'), values.seed, 'seed');
  let mock: RunningMock | undefined;
  let stopWatching: (() => void) | undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    stopWatching?.();
    await mock?.close();
    process.exit(0);
  };
  // Before listening: a supervisor may signal the moment the URL appears, and a signal that finds no
  // handler kills the process at once instead of the clean exit 0.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  mock = await listen({
    port,
    host,
    data,
    seed,
    strict: values.strict,
    maxLimit: flagInteger(from('max-limit'), values['max-limit'], 'maxLimit'),
    unknownEnv: unknownEnv as UnknownEnvMode | undefined,
    journalLimit: flagInteger(from('journal-limit'), values['journal-limit'], 'journalLimit'),
    bodyLimit: flagInteger(from('body-limit'), values['body-limit'], 'bodyLimit'),
    rid: !values['no-rid'],
    control: controlOn ? undefined : false,
    controlToken,
    allowedHosts: values['allowed-host'],
    cors: values.cors,
    headersTimeoutMs,
    requestTimeoutMs,
    writeTimeoutMs: flagInteger(from('write-timeout-ms'), values['write-timeout-ms'], 'writeTimeoutMs'),
    log: logger.request,
  });
  const tokenCount = Object.keys(mock.store.tokens()).length;
  const componentCount = mock.registry.appids().length;
  const dashboard = `${mock.url}${CONTROL_PREFIX}/`;
  const control = mock.settings.control
    ? `${dashboard} (dashboard: open it in a browser; JSON API: health, requests, invocations, envs, tokens, authorizers, data, clock, components, reset, faults, openapi.json)${mock.settings.controlToken ? ', with Authorization: Bearer <control token>' : ''}`
    : controlMode === 'auto'
      ? `off (${CONTROL_MODE_VARIABLE}=auto and no control token)`
      : 'off (--no-control)';
  // The mode is its own setting (token_check, component_check): say it when it is not what the list implies.
  const listedLine = (count: number, open: boolean, openText: string, closedText: string) =>
    count === 0
      ? open
        ? openText
        : `none listed, ${closedText.replace('any other', 'every one')}`
      : `${count} listed in the data${open ? `; ${openText.replace(/^any /, 'any other ')}` : ''}`;
  logger.banner(
    [
      `${NAME} ${VERSION} listening on ${mock.url}`,
      `  API:     POST ${mock.url}${API_PATHS.getscflist}?access_token=…`,
      `           also ${API_PATHS.componentToken}, ${API_PATHS.describeenvs}, ${API_PATHS.ridGet},`,
      `           ${API_PATHS.authorizerToken}, ${API_PATHS.invokeCloudFunction}`,
      `  envs:    ${describeEnvs(mock)}`,
      `  tokens:  ${listedLine(tokenCount, mock.store.tokenCheck === 'any', 'any non-empty access_token is accepted', 'any other answers 40001')}`,
      `  components: ${listedLine(componentCount, mock.registry.componentCheck === 'any', 'any appid, secret and ticket get a token', 'any other appid answers 40013')}`,
      `  control: ${control}`,
      `  try:     ${exampleCurl(mock)}`,
    ],
    {
      url: mock.url,
      envs: mock.store.envs().map((env) => ({ env: env.id, qbase: env.qbase, total_count: env.table.count })),
      tokens: tokenCount,
      control: mock.settings.control,
      ...(mock.settings.control ? { dashboard } : {}),
      curl: exampleCurl(mock),
    },
  );
  if (controlMode === 'auto' && !mock.settings.control) {
    logger.event(
      'info',
      `the control API and the dashboard are off: give a control token of ${MIN_CONTROL_TOKEN_CHARS} or more characters in ${SERVE_ENVIRONMENT['control-token'].variable} (or --control-token) to turn them on`,
    );
  }
  const running = mock;
  const dataFile = values.data;
  if (values.watch && dataFile) {
    stopWatching = watchDataFile(
      dataFile,
      (next) => {
        const started = performance.now();
        running.store.reload(next, seed ?? next.seed);
        const ms = Math.round(performance.now() - started);
        logger.event('info', `data file ${dataFile} reloaded in ${ms} ms: ${describeEnvs(running)}`, {
          file: dataFile,
          duration_ms: ms,
        });
      },
      (reason) => logger.event('warn', `${reason}; still serving the previous data`, { file: dataFile, reason }),
    );
  }
  return mock;
}

async function listen(options: Parameters<typeof startMockServer>[0] & { port?: number; host: string }) {
  try {
    return await startMockServer(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${options.host}:${options.port}`;
    if (code === 'EADDRINUSE')
      throw new UsageError(
        `port ${options.port} on ${options.host} is already in use; pick another with --port (0 takes a free one)`,
      );
    if (code === 'EACCES') throw new UsageError(`not allowed to listen on ${where}; use a port above 1023`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new UsageError(`cannot listen on ${where}: --host ${options.host} is not an address of this machine`);
    }
    throw error;
  }
}

/**
 * Runs the command line: `serve` (the default) and its flags. Returns the exit code for errors.
 * @example await main(['serve', '--port', '0'])
 */
export async function main(argv: string[]): Promise<number | undefined> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined || first.startsWith('-')) {
      if (first === '--help' || first === '-h') {
        console.log(HELP);
        return 0;
      }
      if (first === '--version' || first === '-v') {
        console.log(VERSION);
        return 0;
      }
      await serve(argv);
      return undefined;
    }
    if (first === 'serve') {
      await serve(rest);
      return undefined;
    }
    if (first === 'health') return await runHealthCheck(rest);
    if (first === 'openapi') {
      await openapi(rest);
      return 0;
    }
    if (first === 'verify' || first === 'verify-client') {
      // Run on demand: in the one-file CLI (scripts/build.mjs) the kit's modules are parsed with the rest but
      // evaluated only here, so `serve` never sets them up.
      const contracts = await import('../contracts/cli.js');
      return first === 'verify' ? await contracts.verifyCommand(rest) : await contracts.verifyClientCommand(rest);
    }
    throw new UsageError(
      `unknown command ${JSON.stringify(first)}; commands: serve, verify, verify-client, openapi, health`,
    );
  } catch (error) {
    if (error instanceof CouldNotRunError) {
      console.error(`${NAME}: ${printable(error.message)}`);
      return 3;
    }
    if (
      error instanceof UsageError ||
      error instanceof DataError ||
      error instanceof RangeError ||
      error instanceof ExposureError
    ) {
      console.error(`${NAME}: ${error.message}`);
      return 2;
    }
    console.error(`${NAME}: unexpected error: ${printable(error instanceof Error ? error.message : String(error))}`);
    // For verify and verify-client, 1 says a case failed: a run the kit could not finish is another thing.
    return first === 'verify' || first === 'verify-client' ? 3 : 1;
  }
}

/** `wechat-scf-kit openapi [--output FILE]`: the OpenAPI 3.1 document, built from schemas/. */
async function openapi(args: string[]): Promise<void> {
  const { values } = parseCommandArgs({
    args,
    options: { output: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(
      `Usage: ${NAME} openapi [--output FILE]\n\nPrints the OpenAPI 3.1 document of POST ${API_PATHS.getscflist}, built from schemas/.`,
    );
    return;
  }
  const text = `${JSON.stringify(buildOpenApi(), null, 2)}\n`;
  if (!values.output) {
    process.stdout.write(text);
    return;
  }
  const output = values.output;
  await writeFile(output, text).catch((error: NodeJS.ErrnoException) => {
    const why =
      error.code === 'ENOENT'
        ? `the folder ${dirname(output)} does not exist`
        : error.code === 'EISDIR'
          ? 'it is a folder; give a file name'
          : error.code === 'EACCES' || error.code === 'EPERM'
            ? 'permission denied'
            : (error.code ?? error.message);
    throw new UsageError(`cannot write --output ${output}: ${why}`);
  });
  console.log(`wrote ${values.output}`);
}

/**
 * How far V8 lets the heap grow past its live size before the next full collection, for `serve`.
 * Under load every journaled request (its body and answer, kept for the next 1,000 requests)
 * outlives the young generation, and V8's own factor (up to 4x) let a 100,000-function mock's
 * heap climb from ~55 MB live to ~230 MB between collections (RSS 330-360 MB after the bench's
 * load). At 2x it stays at 200-220 MB for the same live data; 1.5x kept it under 210 MB but cost
 * (c) 27 % and (d) 37 % of their speed in an interleaved A/B run, 2x about 6 % of (d).
 */
export const SERVE_HEAP_GROWING_PERCENT = 100;

/**
 * The V8 flag `serve` sets for itself as it starts, or undefined when the user gave Node one
 * (V8 flags cannot come through NODE_OPTIONS).
 * @example heapGrowthFlag([]) // '--heap-growing-percent=100'
 */
export function heapGrowthFlag(execArgv: readonly string[]): string | undefined {
  const given = execArgv.some((arg) => /^--heap[-_]growing[-_]percent(=|$)/.test(arg));
  return given ? undefined : `--heap-growing-percent=${SERVE_HEAP_GROWING_PERCENT}`;
}

function isEntryPoint(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

// No top-level await: this module stays loadable with require() where Node allows require(esm).
if (isEntryPoint()) {
  const [command] = process.argv.slice(2);
  // A server this command starts, from before its data is loaded: a data file's text and parse (some
  // 60 MB of garbage for 100,000 listed functions) is then collected during the load instead of
  // lifting RSS once loaded from ~175 to ~206 MB. A process that imports the package keeps its own V8 settings.
  const flag = heapGrowthFlag(process.execArgv);
  if (flag && (command === undefined || command === 'serve' || command.startsWith('-'))) setFlagsFromString(flag);
  main(process.argv.slice(2)).then((code) => {
    if (code !== undefined) process.exitCode = code;
  });
}
