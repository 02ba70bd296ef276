// The function lifecycle: create, update, configure, delete and schedule functions, with statuses that move on the mock clock.
import type { CloudFunction, MockLifecycle, StatusReason } from '../../generated/schemas.js';
import {
  DEFAULT_TRANSITION_S,
  FUNCTION_DEFAULTS,
  MAX_FORCED_FAILURES,
  MAX_FUNCTIONS,
  REALISTIC_TRANSITION_S,
} from '../api-facts.js';
import type { CodeZip } from './code-zip.js';
import type { EnvState, Store } from './env-store.js';
import { formatBeijingTime } from './fake-functions.js';
import { StoredFunction } from './function-table.js';
import type { MockClock } from './mock-clock.js';

/** The change a forced failure applies to. */
export type LifecycleOp = 'create' | 'update' | 'delete';

/** A forced failure: the next matching change ends failed with this reason. */
export interface ForcedFailure {
  op: LifecycleOp;
  env?: string;
  functionname?: string;
  errcode: string;
  errmsg: string;
  /** How many more changes it fails. */
  times: number;
}

/** One environment variable as updatescfconfig sets it. */
export interface EnvVariable {
  key: string;
  value: string;
}

/** A function's configuration, as updatescfconfig sets it (getscflist does not show it). */
export interface FunctionConfig {
  runtime: string;
  handler: string;
  memorysize: number;
  timeout: number;
  environment_variables: EnvVariable[];
  public_net_config?: { public_net_status: string; eip_status: string };
  vpc_config?: { vpcid?: string; subnetid?: string };
}

/** A timer trigger as stored: `type` as gettriggers answers it ("timer"). */
export interface Trigger {
  trigger_name: string;
  type: string;
  config: string;
}

/** What updatescfconfig may change; absent fields keep their value. */
export type ConfigPatch = Partial<Omit<FunctionConfig, 'runtime' | 'handler'>>;

/** The code a function serves, as the control API shows it. */
export interface CodeView {
  size: number;
  sha256: string;
  files: string[];
}

/** What the control API shows of one function: its record, configuration, triggers, code and any change under way. */
export interface FunctionView {
  env: string;
  function: CloudFunction;
  config: FunctionConfig;
  triggers: Trigger[];
  /** Absent for a function from the data (its code was never uploaded). */
  code?: CodeView;
  pending?: { op: LifecycleOp; due: string; will_fail: boolean };
}

/** Why a change to one env was refused: `kind` picks the wire answer, `errmsg` is upstream's text. */
export interface Refusal {
  kind: 'env' | 'qbase' | 'function' | 'exists' | 'busy' | 'cap';
  errmsg: string;
}

/** The documented status_reason of a function whose code has no entry file (the getscflist example). */
export const ENTRY_FILE_REASON: StatusReason = {
  errcode: 'ResourceNotFound.File',
  errmsg: '未找到函数执行入口文件,请确认代码包入口文件名和 handler 设置是否对应或代码压缩包是否正常。',
};

/** The reason a forced failure gives when it names none (the mock's choice for update and delete). */
const DEFAULT_REASONS: Record<LifecycleOp, StatusReason> = {
  create: ENTRY_FILE_REASON,
  update: ENTRY_FILE_REASON,
  delete: { errcode: 'FailedOperation.DeleteFunction', errmsg: '删除函数失败,请稍后重试。' },
};

/** Statuses in which a change is under way: any other change is refused (upstream's SCF text). */
const BUSY = new Set(['Creating', 'Updating', 'Deleting', 'Publishing']);

/**
 * Upstream's refusal for a change while one is under way (observed under batchuploadscfcode).
 * @example busyMessage('Updating') // '当前函数处于Updating状态,无法进行此操作,请稍后重试。'
 */
export function busyMessage(status: string): string {
  return `当前函数处于${status}状态,无法进行此操作,请稍后重试。`;
}

/** The per-env texts of the family (see docs/api-behaviour.md for which are upstream's and which the mock's). */
export const LIFECYCLE_MESSAGES = {
  unknownEnv: "can't find the env",
  noQbase: 'no qbase privilege',
  exists: '[ResourceInUse.Function] 函数已存在。',
  unknownFunction: '[ResourceNotFound.Function] 未找到指定的Function,请创建后再试。',
  createFailed: '[FailedOperation] 函数创建失败,无法进行此操作,请删除后重新创建。',
  cap: `[LimitExceeded.Function] the mock holds at most ${MAX_FUNCTIONS} functions across envs`,
} as const;

interface Pending {
  op: LifecycleOp;
  at: number;
  reason?: StatusReason;
  /** What a success applies (new code, new config). */
  apply?: (extra: Extra) => void;
}

/** What the model keeps beside a function's record. */
interface Extra {
  config: FunctionConfig;
  triggers: Trigger[];
  code?: CodeView;
  pending?: Pending;
}

function defaultConfig(runtime: string): FunctionConfig {
  return {
    runtime,
    handler: FUNCTION_DEFAULTS.handler,
    memorysize: FUNCTION_DEFAULTS.memorysize,
    timeout: FUNCTION_DEFAULTS.timeout,
    environment_variables: [],
  };
}

function codeView(zip: CodeZip): CodeView {
  return { size: zip.size, sha256: zip.sha256, files: zip.files };
}

/**
 * The lifecycle settings a data file's `lifecycle` or PUT /__mock/lifecycle gives.
 * @example transitionSeconds('realistic') // 3
 */
export function transitionSeconds(value: MockLifecycle['transition_s']): number {
  if (value === undefined) return DEFAULT_TRANSITION_S;
  return value === 'realistic' ? REALISTIC_TRANSITION_S : value;
}

/**
 * The function model behind the management endpoints. Records live in the store's env tables
 * (so getscflist, describeenvs, the control API and the dashboard read the same model); the
 * configuration, triggers, code and the change under way live here, per env state, and go
 * when the env or the data is replaced. A change starts at once (Creating, Updating, Deleting)
 * and ends `transitionS` mock seconds later, when the next read of the store comes.
 * @example
 * const lifecycle = new FunctionLifecycle(store, clock);
 * lifecycle.create('prod-1', 'login', zip); // undefined: started
 * store.listFunctions(store.getEnv('prod-1')!, { offset: 0, limit: 1 }) // login, Active (transition 0)
 */
export class FunctionLifecycle {
  readonly #store: Store;
  readonly #clock: MockClock;
  #extras = new WeakMap<EnvState, Map<string, Extra>>();
  /** Functions with a change under way. */
  #pending = new Map<string, { env: EnvState; name: string; extra: Extra }>();
  #transitionS = DEFAULT_TRANSITION_S;
  #preset: MockLifecycle['transition_s'] = DEFAULT_TRANSITION_S;
  #failures: ForcedFailure[] = [];

  constructor(store: Store, clock: MockClock) {
    this.#store = store;
    this.#clock = clock;
    store.beforeRead(() => this.settle());
    // A new data set (start-up, reload, PUT /__mock/data, reset) brings its own settings and nothing pending.
    store.onLoad((data) => {
      this.#pending.clear();
      this.#extras = new WeakMap();
      this.configure(data.lifecycle ?? {});
    });
  }

  /** Sets the transition time and replaces the forced failures. */
  configure(settings: MockLifecycle): void {
    this.#preset = settings.transition_s ?? DEFAULT_TRANSITION_S;
    this.#transitionS = transitionSeconds(settings.transition_s);
    this.#failures = (settings.failures ?? []).map((failure) => ({
      ...DEFAULT_REASONS[failure.op],
      ...failure,
      times: failure.times ?? 1,
    }));
  }

  /** Queues a forced failure; false when the queue is full. */
  addFailure(failure: MockLifecycle['failures'] extends (infer F)[] | undefined ? F : never): boolean {
    if (this.#failures.length >= MAX_FORCED_FAILURES) return false;
    this.#failures.push({ ...DEFAULT_REASONS[failure.op], ...failure, times: failure.times ?? 1 });
    return true;
  }

  clearFailures(): number {
    const count = this.#failures.length;
    this.#failures = [];
    return count;
  }

  /** The settings and queued failures, as GET /__mock/lifecycle shows them. */
  view(): { transition_s: number; preset: MockLifecycle['transition_s']; failures: ForcedFailure[]; pending: number } {
    return {
      transition_s: this.#transitionS,
      preset: this.#preset,
      failures: this.#failures.map((failure) => ({ ...failure })),
      pending: this.#pending.size,
    };
  }

  get transitionS(): number {
    return this.#transitionS;
  }

  #takeFailure(op: LifecycleOp, env: string, name: string): StatusReason | undefined {
    const at = this.#failures.findIndex(
      (failure) =>
        failure.op === op &&
        (failure.env === undefined || failure.env === env) &&
        (failure.functionname === undefined || failure.functionname === name),
    );
    if (at < 0) return undefined;
    const failure = this.#failures[at];
    failure.times -= 1;
    if (failure.times <= 0) this.#failures.splice(at, 1);
    return { errcode: failure.errcode, errmsg: failure.errmsg };
  }

  #extrasOf(env: EnvState): Map<string, Extra> {
    let extras = this.#extras.get(env);
    if (!extras) {
      extras = new Map();
      this.#extras.set(env, extras);
    }
    return extras;
  }

  #extra(env: EnvState, record: CloudFunction): Extra {
    const extras = this.#extrasOf(env);
    let extra = extras.get(record.name);
    if (!extra) {
      extra = { config: defaultConfig(record.runtime), triggers: [] };
      extras.set(record.name, extra);
    }
    return extra;
  }

  /** The env a change targets, or why not. */
  #target(envId: string): EnvState | Refusal {
    this.settle();
    const env = this.#store.currentEnv(envId);
    if (!env) return { kind: 'env', errmsg: LIFECYCLE_MESSAGES.unknownEnv };
    if (!env.qbase) return { kind: 'qbase', errmsg: LIFECYCLE_MESSAGES.noQbase };
    return env;
  }

  /** The function a change targets (it must exist and not be busy), or why not. */
  #existing(
    envId: string,
    name: string,
    op: LifecycleOp | 'triggers',
  ): { env: EnvState; record: CloudFunction } | Refusal {
    const env = this.#target(envId);
    if ('kind' in env) return env;
    const record = env.table.get(name)?.record;
    if (!record) return { kind: 'function', errmsg: LIFECYCLE_MESSAGES.unknownFunction };
    if (BUSY.has(record.status)) return { kind: 'busy', errmsg: busyMessage(record.status) };
    // A function that failed to create can only be deleted ("删除后再创建", upstream).
    if (record.status === 'CreateFailed' && op !== 'delete') {
      return { kind: 'busy', errmsg: LIFECYCLE_MESSAGES.createFailed };
    }
    return { env, record };
  }

  #put(env: EnvState, record: CloudFunction, insert = false): void {
    const stored = new StoredFunction(record);
    if (insert) env.table.insert(stored);
    else env.table.replace(stored);
  }

  #start(env: EnvState, name: string, extra: Extra, pending: Pending): void {
    extra.pending = pending;
    this.#pending.set(`${env.id}\u0000${name}`, { env, name, extra });
  }

  /**
   * Starts creating a function in one env: Creating now, Active or CreateFailed when due.
   * @returns undefined when started, else why this env refused
   */
  create(envId: string, name: string, zip: CodeZip, vpc?: { vpcid?: string; subnetid?: string }): Refusal | undefined {
    const env = this.#target(envId);
    if ('kind' in env) return env;
    if (env.table.get(name)) {
      const status = env.table.get(name)?.record.status ?? '';
      return BUSY.has(status)
        ? { kind: 'busy', errmsg: busyMessage(status) }
        : { kind: 'exists', errmsg: LIFECYCLE_MESSAGES.exists };
    }
    if (this.#store.totalFunctions() >= MAX_FUNCTIONS) return { kind: 'cap', errmsg: LIFECYCLE_MESSAGES.cap };
    const now = this.#clock.now();
    const time = formatBeijingTime(now);
    this.#put(
      env,
      {
        mod_time: time,
        add_time: time,
        runtime: FUNCTION_DEFAULTS.runtime,
        name,
        status: 'Creating',
        status_reason: [],
      },
      true,
    );
    const extras = this.#extrasOf(env);
    const config = defaultConfig(FUNCTION_DEFAULTS.runtime);
    if (vpc && (vpc.vpcid !== undefined || vpc.subnetid !== undefined)) config.vpc_config = vpc;
    const extra: Extra = { config, triggers: [] };
    extras.set(name, extra);
    const forced = this.#takeFailure('create', envId, name);
    const reason = forced ?? (zip.problem ? ENTRY_FILE_REASON : undefined);
    this.#start(env, name, extra, {
      op: 'create',
      at: now + this.#transitionS * 1000,
      reason,
      apply: (target) => {
        target.code = codeView(zip);
      },
    });
    return undefined;
  }

  /** Starts a code update: Updating now, Active with the new code or UpdateFailed (the old code kept) when due. */
  updateCode(envId: string, name: string, zip: CodeZip): Refusal | undefined {
    const found = this.#existing(envId, name, 'update');
    if ('kind' in found) return found;
    const forced = this.#takeFailure('update', envId, name);
    return this.#startUpdate(
      found.env,
      found.record,
      forced ?? (zip.problem ? ENTRY_FILE_REASON : undefined),
      (extra) => {
        extra.code = codeView(zip);
      },
    );
  }

  /** Starts a configuration update: Updating now, Active with the new settings or UpdateFailed (old ones kept) when due. */
  updateConfig(envId: string, name: string, patch: ConfigPatch): Refusal | undefined {
    const found = this.#existing(envId, name, 'update');
    if ('kind' in found) return found;
    const forced = this.#takeFailure('update', envId, name);
    return this.#startUpdate(found.env, found.record, forced, (extra) => {
      // Environment variables are replaced whole (the mock's choice: the call sends the full list).
      extra.config = { ...extra.config, ...structuredClone(patch) };
    });
  }

  #startUpdate(
    env: EnvState,
    record: CloudFunction,
    reason: StatusReason | undefined,
    apply: (extra: Extra) => void,
  ): undefined {
    const now = this.#clock.now();
    const extra = this.#extra(env, record);
    this.#put(env, { ...record, mod_time: formatBeijingTime(now), status: 'Updating', status_reason: [] });
    this.#start(env, record.name, extra, { op: 'update', at: now + this.#transitionS * 1000, reason, apply });
    return undefined;
  }

  /** Starts a delete: Deleting now, gone (triggers and all) or DeleteFailed when due. */
  remove(envId: string, name: string): Refusal | undefined {
    const found = this.#existing(envId, name, 'delete');
    if ('kind' in found) return found;
    const { env, record } = found;
    const now = this.#clock.now();
    const extra = this.#extra(env, record);
    this.#put(env, { ...record, mod_time: formatBeijingTime(now), status: 'Deleting', status_reason: [] });
    const reason = this.#takeFailure('delete', envId, name);
    this.#start(env, name, extra, { op: 'delete', at: now + this.#transitionS * 1000, reason });
    return undefined;
  }

  /** A function's triggers, or why not (a busy function still answers: reading changes nothing). */
  triggers(envId: string, name: string): Trigger[] | Refusal {
    const env = this.#target(envId);
    if ('kind' in env) return env;
    const record = env.table.get(name)?.record;
    if (!record) return { kind: 'function', errmsg: LIFECYCLE_MESSAGES.unknownFunction };
    return this.#extra(env, record).triggers.map((trigger) => ({ ...trigger }));
  }

  /** Replaces a function's triggers (the call's list is the new list); no status change. */
  setTriggers(envId: string, name: string, triggers: Trigger[]): Refusal | undefined {
    const found = this.#existing(envId, name, 'triggers');
    if ('kind' in found) return found;
    this.#extra(found.env, found.record).triggers = triggers.map((trigger) => ({ ...trigger }));
    return undefined;
  }

  /** One function as the control API shows it, or undefined. */
  describe(envId: string, name: string): FunctionView | undefined {
    this.settle();
    const env = this.#store.currentEnv(envId);
    const record = env?.table.get(name)?.record;
    if (!env || !record) return undefined;
    const extra = this.#extra(env, record);
    return {
      env: envId,
      function: record,
      config: structuredClone(extra.config),
      triggers: extra.triggers.map((trigger) => ({ ...trigger })),
      ...(extra.code ? { code: { ...extra.code, files: [...extra.code.files] } } : {}),
      ...(extra.pending
        ? {
            pending: {
              op: extra.pending.op,
              due: new Date(extra.pending.at).toISOString(),
              will_fail: extra.pending.reason !== undefined,
            },
          }
        : {}),
    };
  }

  /** Ends every change that is due on the mock clock. Cheap when none is under way (every read calls it). */
  settle(): void {
    if (this.#pending.size === 0) return;
    const now = this.#clock.now();
    for (const [key, item] of this.#pending) {
      const pending = item.extra.pending;
      if (!pending || pending.at > now) continue;
      this.#pending.delete(key);
      item.extra.pending = undefined;
      // An env replaced since the change started took the function with it.
      if (this.#store.currentEnv(item.env.id) !== item.env) continue;
      const record = item.env.table.get(item.name)?.record;
      if (!record) continue;
      const time = formatBeijingTime(pending.at);
      if (pending.op === 'delete' && !pending.reason) {
        item.env.table.remove(item.name);
        this.#extrasOf(item.env).delete(item.name);
        continue;
      }
      if (!pending.reason) pending.apply?.(item.extra);
      const failed = { create: 'CreateFailed', update: 'UpdateFailed', delete: 'DeleteFailed' }[pending.op];
      this.#put(item.env, {
        ...record,
        mod_time: time,
        status: pending.reason ? failed : 'Active',
        status_reason: pending.reason ? [pending.reason] : [],
      });
    }
  }
}
