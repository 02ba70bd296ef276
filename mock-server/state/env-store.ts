// The envs and their functions, with the verbs the endpoints and the control API use; sorted listing and search.
import type {
  EnvData,
  EnvInfo,
  FunctionScript,
  MockDataFile,
  TokenCheck,
  TokenState,
} from '../../generated/schemas.js';
import { fakeEnvInfo } from './fake-envs.js';
import { eachStoredFunction } from './fake-functions.js';
import { FunctionTable, type Page, type PageQuery, type StoredFunction } from './function-table.js';

export { INDEX_THRESHOLD, type Page, type PageQuery, StoredFunction } from './function-table.js';
/**
 * The token mode a data file gets when it does not say: 'listed' when it lists tokens, 'any' when
 * not, as the mock has always read a data file.
 * @example defaultTokenCheck(0) // 'any'
 */
export function defaultTokenCheck(listed: number): TokenCheck {
  return listed > 0 ? 'listed' : 'any';
}

/** Most functions the packed sort takes: their index fits the low 20 bits of its key. */
const PACKED_MAX = 2 ** 20;

const byName = (a: StoredFunction, b: StoredFunction) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The positions of the functions in served order (add_time descending, then name ascending).
 * Each function's add_time slot and position are packed into one number and sorted natively, and
 * the few runs of equal add_time are then ordered by name: at 100,000 functions a sort calling a
 * comparator took most of the build. Times out of the packed range fall back to the comparator.
 * @example servedOrder([older, newer]) // [1, 0]
 */
function servedOrder(stored: readonly StoredFunction[]): ArrayLike<number> {
  const n = stored.length;
  const keys = n <= PACKED_MAX ? new Float64Array(n) : undefined;
  for (let i = 0; keys && i < n; i++) {
    const slot = stored[i].sortSlot;
    if (slot < 0) return fallbackOrder(stored);
    // Newest first: the latest slot gets the smallest key.
    keys[i] = (2 ** 32 - 1 - slot) * PACKED_MAX + i;
  }
  if (!keys) return fallbackOrder(stored);
  keys.sort();
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = keys[i] % PACKED_MAX;
  // Runs of one add_time (rare in fake data, possible in a file) in name order.
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && stored[order[end]].sortSlot === stored[order[start]].sortSlot) end++;
    if (end - start > 1) order.subarray(start, end).sort((a, b) => byName(stored[a], stored[b]));
    start = end;
  }
  return order;
}

function fallbackOrder(stored: readonly StoredFunction[]): number[] {
  const addTimes = stored.map((fn) => fn.addTime);
  const order = addTimes.map((_, i) => i);
  return order.sort((a, b) =>
    addTimes[a] !== addTimes[b] ? (addTimes[a] < addTimes[b] ? 1 : -1) : byName(stored[a], stored[b]),
  );
}

/**
 * One env as served: replaced whole when the data or the env is put anew; its functions change
 * in place when a client creates, updates or deletes one (the function lifecycle).
 */
export interface EnvState {
  readonly id: string;
  readonly qbase: boolean;
  /** The functions, served add_time descending, then name ascending. */
  readonly table: FunctionTable;
  /** The env as describeenvs lists it. */
  readonly info: EnvInfo;
  /** What its functions do when invoked, by name (the data's scripts, changed by setScript). */
  readonly scripts: Map<string, FunctionScript>;
  /** How many times each function was invoked since the env was built: a list script's position. */
  readonly calls: Map<string, number>;
}

/**
 * The mock's data and its verbs. Holds tokens and envs; every change replaces an env's state
 * whole, which makes changes atomic for concurrent readers.
 * @example
 * const store = new Store({ envs: { 'prod-1': { generate: 30 } } }, 1);
 * store.listFunctions(store.getEnv('prod-1')!, { offset: 0, limit: 20 }).total_count // 30
 */
export class Store {
  #initial: MockDataFile;
  #initialSeed: number;
  #seed: number;
  #tokens = new Map<string, TokenState>();
  #tokenCheck: TokenCheck = 'any';
  #envs = new Map<string, EnvState>();
  #listeners: ((data: MockDataFile, seed: number) => void)[] = [];
  #current: MockDataFile = {};
  #beforeRead: (() => void) | undefined;

  constructor(data: MockDataFile, seed: number = data.seed ?? 1) {
    this.#initial = data;
    this.#initialSeed = seed;
    this.#seed = seed;
    this.#load(data, seed);
  }

  /** The seed fake values come from. */
  get seed(): number {
    return this.#seed;
  }

  /** Builds everything first and then swaps it in with the seed: a load that fails changes nothing. */
  #load(data: MockDataFile, seed: number): void {
    const envs = new Map<string, EnvState>();
    for (const [id, env] of Object.entries(data.envs ?? {})) envs.set(id, this.#buildEnv(id, env, seed));
    const tokens = new Map(Object.entries(data.tokens ?? {}));
    this.#seed = seed;
    this.#tokens = tokens;
    this.#tokenCheck = data.token_check ?? defaultTokenCheck(tokens.size);
    this.#envs = envs;
    this.#current = data;
    for (const listener of this.#listeners) listener(data, this.#seed);
  }

  /**
   * Calls `listener` now and whenever the whole data is loaded anew (replaced, reloaded or reset),
   * so state kept beside the store (the token registry) follows the data.
   */
  onLoad(listener: (data: MockDataFile, seed: number) => void): void {
    this.#listeners.push(listener);
    listener(this.#current, this.#seed);
  }

  #buildEnv(id: string, env: EnvData, seed = this.#seed): EnvState {
    // Each function's JSON is made when read (a listed one keeps its record, a generated one its drawn values).
    const stored = [...eachStoredFunction(seed, id, env.functions ?? [], env.generate ?? 0)];
    const order = servedOrder(stored);
    const sorted: StoredFunction[] = new Array(order.length);
    for (let i = 0; i < order.length; i++) sorted[i] = stored[order[i]];
    const table = new FunctionTable(sorted);
    const info = fakeEnvInfo(this.#seed, id, env);
    const scripts = new Map(Object.entries(env.scripts ?? {}));
    // A listed function's own result or error is the shorthand of a one-step script; scripts wins.
    for (const fn of env.functions ?? []) {
      if (scripts.has(fn.name)) continue;
      if (fn.error !== undefined) scripts.set(fn.name, { error: fn.error });
      else if (Object.hasOwn(fn, 'result')) scripts.set(fn.name, { result: fn.result });
    }
    return { id, qbase: env.qbase ?? true, table, info, scripts, calls: new Map() };
  }

  /**
   * One function of an env by its exact name, or undefined, as the function lifecycle has it now
   * (a change due on the mock clock settled first): invokecloudfunction reads its status here.
   */
  getFunction(env: EnvState, name: string): StoredFunction | undefined {
    this.#beforeRead?.();
    return env.table.get(name);
  }

  /**
   * Gives a function of an env a script (undefined removes it) and starts its list over; the
   * function need not exist yet. False when the env is not in the data.
   */
  setScript(envId: string, name: string, script: FunctionScript | undefined): boolean {
    const env = this.#envs.get(envId);
    if (!env) return false;
    if (script === undefined) env.scripts.delete(name);
    else env.scripts.set(name, script);
    env.calls.delete(name);
    return true;
  }

  /**
   * Counts one invocation of a function and returns its position (0 for the first call since the
   * env was built or the script was set).
   */
  countCall(env: EnvState, name: string): number {
    const index = env.calls.get(name) ?? 0;
    env.calls.set(name, index + 1);
    return index;
  }

  /**
   * How a token stands: its listed state; for a token not listed, 'valid' when token_check is
   * 'any' and 'unlisted' when it is 'listed'. The mode is not the table's size, so adding or
   * removing one token never changes how another is answered.
   */
  tokenState(token: string): TokenState | 'unlisted' {
    return this.#tokens.get(token) ?? (this.#tokenCheck === 'any' ? 'valid' : 'unlisted');
  }

  /** The listed tokens and their states. */
  tokens(): Record<string, TokenState> {
    return Object.fromEntries(this.#tokens);
  }

  /** How a token not in the table is answered: 'any' (accepted) or 'listed' (40001). */
  get tokenCheck(): TokenCheck {
    return this.#tokenCheck;
  }

  /** Sets how a token not in the table is answered, leaving the table as it is. */
  setTokenCheck(mode: TokenCheck): void {
    this.#tokenCheck = mode;
  }

  /**
   * Replaces the token table, and the mode with it as loading data with this table does: 'listed'
   * when it is non-empty, 'any' when empty (so a whole table keeps meaning what it always meant).
   */
  setTokens(tokens: Record<string, TokenState>): void {
    this.#tokens = new Map(Object.entries(tokens));
    this.#tokenCheck = defaultTokenCheck(this.#tokens.size);
  }

  /** Adds or changes one token; every other token, and the mode, stay as they are. Returns whether it was new. */
  putToken(token: string, state: TokenState): boolean {
    const added = !this.#tokens.has(token);
    this.#tokens.set(token, state);
    return added;
  }

  /** Removes one token (it then answers as any unlisted token does); false when it was not listed. */
  deleteToken(token: string): boolean {
    return this.#tokens.delete(token);
  }

  getEnv(id: string): EnvState | undefined {
    this.#beforeRead?.();
    return this.#envs.get(id);
  }

  envs(): EnvState[] {
    this.#beforeRead?.();
    return [...this.#envs.values()];
  }

  /** The env as held now, without bringing due changes up to date (for the lifecycle itself). */
  currentEnv(id: string): EnvState | undefined {
    return this.#envs.get(id);
  }

  /** How many functions all envs hold. */
  totalFunctions(): number {
    let total = 0;
    for (const env of this.#envs.values()) total += env.table.count;
    return total;
  }

  /**
   * Runs `settle` before every read of the envs, so a change due on the mock clock (a function
   * leaving Creating) is seen by getscflist, describeenvs, the control API and the dashboard alike.
   */
  beforeRead(settle: () => void): void {
    this.#beforeRead = settle;
  }

  /** Creates or replaces one env from its data-file form. */
  putEnv(id: string, env: EnvData): EnvState {
    const state = this.#buildEnv(id, env);
    this.#envs.set(id, state);
    return state;
  }

  /** Removes an env; false when there was none. */
  deleteEnv(id: string): boolean {
    return this.#envs.delete(id);
  }

  /** Replaces all data (tokens and envs). `reset()` still returns to the start-up data. */
  replaceData(data: MockDataFile, seed: number = data.seed ?? this.#initialSeed): void {
    this.#load(data, seed);
  }

  /** Replaces all data and makes it the start-up data that `reset()` returns to (a reloaded data file). */
  reload(data: MockDataFile, seed: number = data.seed ?? this.#initialSeed): void {
    this.replaceData(data, seed);
    this.#initial = data;
    this.#initialSeed = seed;
  }

  /** Back to the data (and seed) the store was created with. */
  reset(): void {
    this.#load(this.#initial, this.#initialSeed);
  }

  /**
   * One page of an env's functions, in served order. `searchkey` matches a case-insensitive,
   * literal substring of the name; `total_count` counts every match.
   */
  listFunctions(env: EnvState, query: PageQuery): Page {
    this.#beforeRead?.();
    return env.table.list(query);
  }
}
