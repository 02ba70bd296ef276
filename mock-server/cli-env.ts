// The environment twins of `serve`'s flags: one table, read once, a flag on the command line beating its variable.
import { UsageError } from './cli-args.js';

/** What kind of value a variable holds: as its flag's, with lists comma-separated. */
type Kind = 'text' | 'switch' | 'list';

/**
 * Every `serve` flag with its environment variable. A service container (GitHub Actions `services:`,
 * GitLab CI `services:`, a Kubernetes pod) is configured by environment rather than arguments.
 * @example SERVE_ENVIRONMENT['max-limit'].variable // 'WECHAT_SCF_KIT_MAX_LIMIT'
 */
export const SERVE_ENVIRONMENT = {
  port: { variable: 'PORT', kind: 'text' },
  host: { variable: 'WECHAT_SCF_KIT_HOST', kind: 'text' },
  data: { variable: 'WECHAT_SCF_KIT_DATA', kind: 'text' },
  seed: { variable: 'WECHAT_SCF_KIT_SEED', kind: 'text' },
  strict: { variable: 'WECHAT_SCF_KIT_STRICT', kind: 'switch' },
  'max-limit': { variable: 'WECHAT_SCF_KIT_MAX_LIMIT', kind: 'text' },
  'unknown-env': { variable: 'WECHAT_SCF_KIT_UNKNOWN_ENV', kind: 'text' },
  'journal-limit': { variable: 'WECHAT_SCF_KIT_JOURNAL_LIMIT', kind: 'text' },
  'body-limit': { variable: 'WECHAT_SCF_KIT_BODY_LIMIT', kind: 'text' },
  'no-rid': { variable: 'WECHAT_SCF_KIT_NO_RID', kind: 'switch' },
  'no-control': { variable: 'WECHAT_SCF_KIT_NO_CONTROL', kind: 'switch' },
  'control-token': { variable: 'WECHAT_SCF_KIT_CONTROL_TOKEN', kind: 'text' },
  'allowed-host': { variable: 'WECHAT_SCF_KIT_ALLOWED_HOSTS', kind: 'list' },
  cors: { variable: 'WECHAT_SCF_KIT_CORS', kind: 'list' },
  'headers-timeout-ms': { variable: 'WECHAT_SCF_KIT_HEADERS_TIMEOUT_MS', kind: 'text' },
  'request-timeout-ms': { variable: 'WECHAT_SCF_KIT_REQUEST_TIMEOUT_MS', kind: 'text' },
  'write-timeout-ms': { variable: 'WECHAT_SCF_KIT_WRITE_TIMEOUT_MS', kind: 'text' },
  watch: { variable: 'WECHAT_SCF_KIT_WATCH', kind: 'switch' },
  'log-format': { variable: 'WECHAT_SCF_KIT_LOG_FORMAT', kind: 'text' },
  quiet: { variable: 'WECHAT_SCF_KIT_QUIET', kind: 'switch' },
} as const satisfies Record<string, { variable: string; kind: Kind }>;

/** A serve flag's name without its dashes. */
export type ServeFlag = keyof typeof SERVE_ENVIRONMENT;

/**
 * The variable that sets how the control API starts when no flag says: `on` (the default: on, and
 * listening beyond loopback needs a control token), `off` (as --no-control) or `auto` (on when a control
 * token is given, otherwise off with a log line saying how to turn it on; the container image's default).
 * WECHAT_SCF_KIT_NO_CONTROL=true is the same as `off`.
 */
export const CONTROL_MODE_VARIABLE = 'WECHAT_SCF_KIT_CONTROL';

/** The values of WECHAT_SCF_KIT_CONTROL. */
export const CONTROL_MODES = ['on', 'off', 'auto'] as const;

/** How the control API starts. */
export type ControlMode = (typeof CONTROL_MODES)[number];

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

/** The values of serve's flags, each as parseArgs gives it. */
type FlagValues = {
  [flag in ServeFlag]?: (typeof SERVE_ENVIRONMENT)[flag]['kind'] extends 'switch'
    ? boolean
    : (typeof SERVE_ENVIRONMENT)[flag]['kind'] extends 'list'
      ? string[]
      : string;
};

/** The flags' values with their variables filled in, and where each value came from. */
export interface ServeSettingsSource<T> {
  values: T;
  /** The flag (`--max-limit`) or variable (`WECHAT_SCF_KIT_MAX_LIMIT`) a value came from, for messages. */
  from(flag: ServeFlag): string;
  /** How the control API starts: --no-control, else WECHAT_SCF_KIT_CONTROL / WECHAT_SCF_KIT_NO_CONTROL. */
  control: ControlMode;
}

/**
 * Fills each flag not given on the command line from its variable. An empty variable counts as unset
 * (`PORT=` in a shell or an .env file), as most tools read them.
 * @example withEnvironment({}, { WECHAT_SCF_KIT_QUIET: 'true' }).values.quiet // true
 * @throws UsageError naming the variable when a switch or WECHAT_SCF_KIT_CONTROL holds another word
 */
export function withEnvironment<T extends FlagValues>(
  flags: T,
  environment: NodeJS.ProcessEnv,
): ServeSettingsSource<T> {
  const values: Record<string, unknown> = { ...flags };
  const fromVariable = new Set<ServeFlag>();
  for (const [flag, { variable, kind }] of Object.entries(SERVE_ENVIRONMENT) as [
    ServeFlag,
    (typeof SERVE_ENVIRONMENT)[ServeFlag],
  ][]) {
    const text = environment[variable]?.trim();
    if (values[flag] !== undefined || !text) continue;
    fromVariable.add(flag);
    if (kind === 'switch') values[flag] = readSwitch(variable, text);
    else if (kind === 'list')
      values[flag] = text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    else values[flag] = text;
  }
  const modeText = environment[CONTROL_MODE_VARIABLE]?.trim().toLowerCase();
  if (modeText && !(CONTROL_MODES as readonly string[]).includes(modeText)) {
    throw new UsageError(
      `${CONTROL_MODE_VARIABLE} must be on, off or auto, got ${JSON.stringify(environment[CONTROL_MODE_VARIABLE])}`,
    );
  }
  const control: ControlMode = values['no-control'] ? 'off' : ((modeText as ControlMode | undefined) ?? 'on');
  return {
    values: values as T,
    from: (flag) => (fromVariable.has(flag) ? SERVE_ENVIRONMENT[flag].variable : `--${flag}`),
    control,
  };
}

function readSwitch(variable: string, text: string): boolean {
  const word = text.toLowerCase();
  if (TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  throw new UsageError(`${variable} must be true or false (or 1 or 0), got ${JSON.stringify(text)}`);
}

/**
 * The flag ↔ variable table that `serve --help` prints.
 * @example environmentHelp().includes('--data FILE') // false: flags are listed bare
 */
export function environmentHelp(): string {
  const rows = Object.entries(SERVE_ENVIRONMENT).map(
    ([flag, { variable, kind }]) =>
      `  --${flag.padEnd(20)}${variable}${kind === 'switch' ? '=true' : kind === 'list' ? ' (comma-separated)' : ''}`,
  );
  return [
    'Environment (a flag given on the command line beats its variable; an empty variable counts as unset):',
    ...rows,
    `  ${CONTROL_MODE_VARIABLE}=MODE  on (default), off (as --no-control) or auto (on only with a control token)`,
  ].join('\n');
}
