// The mock's options: their types, their defaults merged in one place, and the checks of each.

import type { MockDataFile } from '../generated/schemas.js';
import {
  DEFAULT_MAX_LIMIT,
  DEFAULT_UNKNOWN_ENV,
  OPTION_RANGES,
  UNKNOWN_ENV_MODES,
  type UnknownEnvMode,
} from './api-facts.js';
import { rangeMessage } from './validation.js';

export type { UnknownEnvMode };

/** Options of createApp and startMockServer; every one has a default. */
export interface MockOptions {
  /** The data to serve. Default: the embedded demo data (see DEFAULT_DATA). */
  data?: MockDataFile;
  /** Seed for fake values; overrides data.seed. Default: data.seed, else 1. */
  seed?: number;
  /** Answer 47001 for unknown body fields instead of ignoring them. Default false. */
  strict?: boolean;
  /** Largest accepted `limit`; a larger one answers 47001. Default 100. */
  maxLimit?: number;
  /** Append ` rid: …` to error messages, as the real servers do. Default true. */
  rid?: boolean;
  /** Serve the /__mock/ control API. Default true. */
  control?: boolean;
  /** Unknown env: 'invalid-args' (40097), 'no-qbase' (85088) or 'empty' (errcode 0, no functions). Default 'invalid-args'. */
  unknownEnv?: UnknownEnvMode;
  /** Journal capacity in entries; older entries are dropped and counted. Also the number of rids kept for rid/get. Default 1000. */
  journalLimit?: number;
  /** Largest accepted request body in bytes; a larger one answers 47001. Default 1 MiB. */
  bodyLimit?: number;
  /** When set, every /__mock/ request must carry `Authorization: Bearer <controlToken>`. */
  controlToken?: string;
  /**
   * Host names the control API answers besides loopback ones (localhost, 127.0.0.1, [::1]); any other
   * Host header gets 403, which stops DNS-rebinding pages. startMockServer adds its `host`. Default none.
   */
  allowedHosts?: readonly string[];
  /**
   * Origins allowed to call the API route from a browser (CORS), or ['*'] for any. Never applies to
   * /__mock/. Default none: no CORS headers at all, as on the real API.
   */
  cors?: readonly string[];
  /** Receives each request once it is answered: a readable line and its fields. Default: no logging. */
  log?: (line: string, entry: RequestLogEntry) => void;
}

/** Options with every default applied, computed once when the app is created. */
export type ResolvedSettings = Required<Omit<MockOptions, 'data' | 'seed' | 'log' | 'controlToken'>> & {
  log: MockOptions['log'];
  controlToken: string | undefined;
};

/**
 * The defaults, merged in one place.
 * @example DEFAULT_SETTINGS.maxLimit // 100
 */
export const DEFAULT_SETTINGS = {
  strict: false,
  maxLimit: DEFAULT_MAX_LIMIT,
  rid: true,
  control: true,
  unknownEnv: DEFAULT_UNKNOWN_ENV,
  journalLimit: 1000,
  bodyLimit: 1024 * 1024,
  allowedHosts: [],
  cors: [],
} as const satisfies Omit<ResolvedSettings, 'log' | 'controlToken'>;

/**
 * Whether a text can be a Host header's name (checked once here for the CLI and the options alike).
 * @example isHostName('wechat-mock') // true
 */
export function isHostName(name: unknown): boolean {
  return typeof name === 'string' && /^[^\s/?#@]+$/.test(name);
}

/**
 * Whether a text is a browser origin such as http://localhost:5173, or `*` for any.
 * @example isOrigin('http://localhost:5173') // true
 */
export function isOrigin(origin: unknown): boolean {
  return origin === '*' || (typeof origin === 'string' && /^https?:\/\/[^\s/?#]+$/.test(origin));
}

/** A control token shorter than this protects nothing: it can be guessed. */
export const MIN_CONTROL_TOKEN_CHARS = 8;

function checkInteger(name: keyof typeof OPTION_RANGES, value: number): void {
  const range = OPTION_RANGES[name];
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new RangeError(`${name} ${rangeMessage(range, value)}`);
  }
}

/**
 * Applies the defaults and checks every option.
 * @example resolveSettings({ maxLimit: 50 }).maxLimit // 50
 * @throws RangeError naming the bad option
 */
export function resolveSettings(options: MockOptions): ResolvedSettings {
  const settings: ResolvedSettings = {
    ...DEFAULT_SETTINGS,
    ...stripUndefined(options),
    log: options.log,
    controlToken: options.controlToken,
  };
  if (settings.controlToken !== undefined && settings.controlToken.length < MIN_CONTROL_TOKEN_CHARS) {
    throw new RangeError(`controlToken must be at least ${MIN_CONTROL_TOKEN_CHARS} characters`);
  }
  checkInteger('maxLimit', settings.maxLimit);
  checkInteger('journalLimit', settings.journalLimit);
  checkInteger('bodyLimit', settings.bodyLimit);
  for (const name of settings.allowedHosts) {
    if (!isHostName(name)) {
      throw new RangeError(`allowedHosts: ${JSON.stringify(name)} is not a host name`);
    }
  }
  for (const origin of settings.cors) {
    if (!isOrigin(origin)) {
      throw new RangeError(`cors: ${JSON.stringify(origin)} is not an origin like http://localhost:5173 (or *)`);
    }
  }
  if (!UNKNOWN_ENV_MODES.includes(settings.unknownEnv)) {
    throw new RangeError(`unknownEnv must be one of ${UNKNOWN_ENV_MODES.join(', ')}, got ${settings.unknownEnv}`);
  }
  return settings;
}

function stripUndefined(options: MockOptions): Partial<ResolvedSettings> {
  const { data: _data, seed: _seed, log: _log, controlToken: _token, ...rest } = options;
  return Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
}

/** One request as the log sees it (the access token is never part of it). */
export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  /** The WeChat errcode answered, or null when a fault answered without one. */
  errcode: number | null;
  /** The HTTP status sent, or null when the connection was dropped. */
  status: number | null;
  reason?: string;
  duration_ms: number;
}
