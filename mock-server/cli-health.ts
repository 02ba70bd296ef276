// `wechat-scf-kit health`: asks a mock's public health endpoint; the container image's HEALTHCHECK, with no curl needed.
import { HEALTH_PATH } from './api-facts.js';
import { parseCommandArgs, UsageError } from './cli-args.js';
import { SERVE_ENVIRONMENT } from './cli-env.js';

const HEALTH_HELP = `Usage: wechat-scf-kit health [--url URL] [--timeout-ms N]

Exits 0 when the mock answers GET ${HEALTH_PATH} with {"status":"ok"}, 1 (with one line saying why)
otherwise. It needs no control token and works with the control API off.

Options:
  --url URL        the health endpoint (default: http://127.0.0.1:$PORT${HEALTH_PATH}, PORT
                   defaulting to 4020, or the address in $WECHAT_SCF_KIT_HOST when it is not a wildcard)
  --timeout-ms N   give up after N ms (default 2000)
  -h, --help       show this help`;

/**
 * The health URL of the mock this environment configures: its port (PORT) and, unless it listens on
 * every address, its host (WECHAT_SCF_KIT_HOST).
 * @example defaultHealthUrl({ PORT: '5000' }) // 'http://127.0.0.1:5000/__mock/health'
 */
export function defaultHealthUrl(environment: NodeJS.ProcessEnv): string {
  const port = environment[SERVE_ENVIRONMENT.port.variable]?.trim() || '4020';
  const host = environment[SERVE_ENVIRONMENT.host.variable]?.trim() || '127.0.0.1';
  const reachable = host === '0.0.0.0' || host === '::' || host === '[::]' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') && !reachable.startsWith('[') ? `[${reachable}]` : reachable}:${port}${HEALTH_PATH}`;
}

/**
 * Runs `health`: returns the exit code (0 healthy, 1 not).
 * @example await runHealthCheck(['--url', 'http://127.0.0.1:4020/__mock/health']) // 0 when a mock is up
 * @throws UsageError for a bad flag
 */
export async function runHealthCheck(args: string[]): Promise<number> {
  const { values } = parseCommandArgs({
    args,
    options: { url: { type: 'string' }, 'timeout-ms': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(HEALTH_HELP);
    return 0;
  }
  const url = values.url ?? defaultHealthUrl(process.env);
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new UsageError(
      `--url ${JSON.stringify(url)} is not an http URL; give one such as http://127.0.0.1:4020${HEALTH_PATH}`,
    );
  }
  const timeoutText = values['timeout-ms'] ?? '2000';
  if (!/^\d+$/.test(timeoutText) || Number(timeoutText) < 1) {
    throw new UsageError(
      `--timeout-ms must be a whole number of milliseconds above 0, got ${JSON.stringify(timeoutText)}`,
    );
  }
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(Number(timeoutText)) });
    const body = await res.text();
    if (res.status === 200 && (JSON.parse(body) as { status?: unknown }).status === 'ok') {
      console.log(`healthy: ${url}`);
      return 0;
    }
    console.error(`wechat-scf-kit: unhealthy: ${url} answered HTTP ${res.status} ${body.slice(0, 200)}`);
  } catch (error) {
    const { cause } = error as { cause?: { code?: string; message?: string } };
    const why =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutText} ms`
        : (cause?.code ?? cause?.message ?? (error as Error).message);
    console.error(`wechat-scf-kit: unhealthy: ${url}: ${why}`);
  }
  return 1;
}
