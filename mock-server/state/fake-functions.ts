// Seeded fake cloud functions (names, runtimes, statuses, times in Beijing time).
import { faker } from '@faker-js/faker/locale/en';
import type { CloudFunction, FunctionSeed, StatusReason } from '../../generated/schemas.js';
import { formatBeijingTime, parseBeijingTime } from './beijing-time.js';
import { GeneratedFunction, type GeneratedValues, generatedRecord, StoredFunction } from './function-table.js';

export { formatBeijingTime } from './beijing-time.js';

/** Fake times count back from this fixed instant (2026-07-01 00:00:00 Beijing), never from the clock. */
const REFERENCE_MS = Date.UTC(2026, 5, 30, 16, 0, 0);
const THREE_YEARS_MS = 3 * 365 * 24 * 3600 * 1000;
const MAX_EDIT_MS = 120 * 24 * 3600 * 1000;

const RUNTIMES = [
  { value: 'Nodejs16.13', weight: 30 },
  { value: 'Nodejs18.15', weight: 20 },
  { value: 'Nodejs12.16', weight: 12 },
  { value: 'Nodejs10.15', weight: 10 },
  { value: 'Nodejs20.19', weight: 10 },
  { value: 'Nodejs8.9', weight: 6 },
  { value: 'Python3.9', weight: 4 },
  { value: 'Python3.7', weight: 2 },
  { value: 'Php7.4', weight: 2 },
  { value: 'Go1', weight: 2 },
  { value: 'Java8', weight: 1 },
  { value: 'CustomRuntime', weight: 1 },
];

const STATUSES = [
  { value: 'Active', weight: 86 },
  { value: 'CreateFailed', weight: 4 },
  { value: 'UpdateFailed', weight: 3 },
  { value: 'Updating', weight: 2 },
  { value: 'Creating', weight: 1 },
  { value: 'Publishing', weight: 1 },
  { value: 'PublishFailed', weight: 1 },
  { value: 'Deleting', weight: 1 },
  { value: 'DeleteFailed', weight: 1 },
];

const FAILURE_REASONS: readonly StatusReason[] = [
  {
    errcode: 'ResourceNotFound.File',
    errmsg: '未找到函数执行入口文件,请确认代码包入口文件名和 handler 设置是否对应或代码压缩包是否正常。',
  },
  { errcode: 'InvalidParameterValue.Handler', errmsg: '函数入口 Handler 格式不正确,请按照“文件名.方法名”填写。' },
  { errcode: 'FailedOperation.CreateFunction', errmsg: '创建函数失败,请稍后重试。' },
  { errcode: 'FailedOperation.UpdateFunctionCode', errmsg: '更新函数代码失败,代码包格式不正确。' },
  { errcode: 'InternalError.System', errmsg: '内部系统错误。' },
];

const VERBS = [
  'get',
  'set',
  'list',
  'create',
  'update',
  'delete',
  'sync',
  'send',
  'check',
  'query',
  'upload',
  'handle',
];

/** What mini-program backends are about; mixed with faker's tech nouns for variety. */
const DOMAIN_NOUNS = [
  'user',
  'order',
  'payment',
  'cart',
  'product',
  'coupon',
  'message',
  'notice',
  'file',
  'image',
  'avatar',
  'profile',
  'session',
  'openid',
  'phone',
  'address',
  'comment',
  'post',
  'feed',
  'report',
  'stats',
  'config',
  'task',
  'job',
  'webhook',
  'callback',
  'refund',
  'invoice',
  'member',
  'points',
  'checkin',
  'shop',
  'goods',
  'category',
  'banner',
  'search',
  'qrcode',
  'share',
  'template',
  'activity',
  'lottery',
  'booking',
  'course',
];

/**
 * True for statuses whose function carries a non-empty status_reason.
 * @example isFailedStatus('CreateFailed') // true
 */
export function isFailedStatus(status: string): boolean {
  return status.endsWith('Failed');
}

/**
 * A 32-bit FNV-1a hash, used to derive a faker seed from the data's seed and a name, so that
 * one function's fake values do not depend on what else is in the data.
 * @example seedFor(1, 'prod-1', 'login') // the same number on every machine
 */
export function seedFor(seed: number, ...parts: string[]): number {
  let hash = 0x811c9dc5 ^ seed;
  for (const char of parts.join('\u0000')) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function fakeTimes(given: { add_time?: string; mod_time?: string }): { add_time: string; mod_time: string } {
  if (given.add_time && given.mod_time) return { add_time: given.add_time, mod_time: given.mod_time };
  // A third of functions were never modified after creation, like the upstream example.
  const edited = faker.datatype.boolean(0.67);
  const editedAfter = (addMs: number) =>
    edited ? faker.number.int({ min: 0, max: Math.max(0, Math.min(MAX_EDIT_MS, REFERENCE_MS - addMs)) }) : 0;
  if (given.add_time) {
    const add = parseBeijingTime(given.add_time);
    return { add_time: given.add_time, mod_time: formatBeijingTime(add + editedAfter(add)) };
  }
  if (given.mod_time) {
    const mod = parseBeijingTime(given.mod_time);
    return {
      add_time: formatBeijingTime(mod - (edited ? faker.number.int(MAX_EDIT_MS) : 0)),
      mod_time: given.mod_time,
    };
  }
  const add = faker.number.int({ min: REFERENCE_MS - THREE_YEARS_MS, max: REFERENCE_MS });
  return { add_time: formatBeijingTime(add), mod_time: formatBeijingTime(add + editedAfter(add)) };
}

/**
 * A generated function's values: the same draws as fillFunction({ name }) made, in the same order,
 * kept as numbers and shared strings (generatedRecord makes the record, the store its JSON when read).
 */
function drawValues(name: string): GeneratedValues {
  const edited = faker.datatype.boolean(0.67);
  const addMs = faker.number.int({ min: REFERENCE_MS - THREE_YEARS_MS, max: REFERENCE_MS });
  const modMs =
    addMs + (edited ? faker.number.int({ min: 0, max: Math.max(0, Math.min(MAX_EDIT_MS, REFERENCE_MS - addMs)) }) : 0);
  const runtime = faker.helpers.weightedArrayElement(RUNTIMES);
  const status = faker.helpers.weightedArrayElement(STATUSES);
  const reason = isFailedStatus(status) ? faker.helpers.arrayElement(FAILURE_REASONS) : undefined;
  return { name, addMs, modMs, runtime, status, reason };
}

function fakeStatusReason(status: string): StatusReason[] {
  return isFailedStatus(status) ? [{ ...faker.helpers.arrayElement(FAILURE_REASONS) }] : [];
}

/** True when fillFunction would draw a fake value for this function: a field it fills is missing. */
function needsFakeValues(given: FunctionSeed): boolean {
  return (
    !given.add_time ||
    !given.mod_time ||
    given.runtime === undefined ||
    given.status === undefined ||
    (given.status_reason === undefined && isFailedStatus(given.status))
  );
}

/** Fills a function's missing fields with fake values from the current faker stream, keys in wire order. */
function fillFunction(given: FunctionSeed): CloudFunction {
  const { add_time, mod_time } = fakeTimes(given);
  const runtime = given.runtime ?? faker.helpers.weightedArrayElement(RUNTIMES);
  const status = given.status ?? faker.helpers.weightedArrayElement(STATUSES);
  const status_reason = given.status_reason ?? fakeStatusReason(status);
  return { mod_time, add_time, runtime, name: given.name, status, status_reason };
}

function word(kind: 'noun' | 'verb'): string {
  if (kind === 'noun' && faker.datatype.boolean(0.7)) return faker.helpers.arrayElement(DOMAIN_NOUNS);
  const text = kind === 'noun' ? faker.hacker.noun() : faker.hacker.verb();
  return text.toLowerCase().replace(/[^a-z]/g, '') || 'data';
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** A name like real cloud function names: getUserProfile, order-sync, payment_notify. */
function fakeName(): string {
  const noun = word('noun');
  switch (faker.number.int(5)) {
    case 0:
      return `${noun}-${word('verb')}`;
    case 1:
      return `${faker.helpers.arrayElement(VERBS)}_${noun}`;
    case 2:
      return `${noun}${capitalise(word('noun'))}`;
    default:
      return `${faker.helpers.arrayElement(VERBS)}${capitalise(noun)}${faker.datatype.boolean(0.4) ? capitalise(word('noun')) : ''}`;
  }
}

/** The loop of eachFunction and eachStoredFunction: listed functions, then `generate` fake ones with unique names. */
function* functionsOf<T>(
  seed: number,
  envId: string,
  listed: readonly FunctionSeed[],
  generate: number,
  fromListed: (record: CloudFunction) => T,
  fromName: (name: string) => T,
): Generator<T> {
  const taken = new Set<string>();
  for (const given of listed) {
    // Seeded per function, so a listed function keeps its fake values when others change; a
    // function given whole draws nothing, and seeding (most of the cost of a 100,000-function
    // data file) is skipped.
    if (needsFakeValues(given)) faker.seed(seedFor(seed, envId, given.name));
    // Only generated names are checked against the listed ones (the data file's check refused duplicates).
    if (generate > 0) taken.add(given.name);
    yield fromListed(fillFunction(given));
  }
  faker.seed(seedFor(seed, envId));
  // The next number to try per name already taken: the search for a free name stays short at a million.
  const nextSuffix = new Map<string, number>();
  for (let i = 0; i < generate; i++) {
    const base = fakeName().slice(0, 52);
    let name = base;
    if (taken.has(name)) {
      let n = nextSuffix.get(base) ?? 2;
      while (taken.has(`${base}${n}`)) n++;
      name = `${base}${n}`;
      nextSuffix.set(base, n + 1);
    }
    taken.add(name);
    yield fromName(name);
  }
}

/**
 * The functions of one env, one at a time: the listed ones completed with fake values, then
 * `generate` fake ones with names unique in the env. The same seed, env id and input give the
 * same output everywhere. One at a time, so a large env never holds every record at once.
 * @example [...eachFunction(1, 'prod-1', [{ name: 'login' }], 3)].length // 4
 */
export function eachFunction(
  seed: number,
  envId: string,
  listed: readonly FunctionSeed[],
  generate: number,
): Generator<CloudFunction> {
  return functionsOf(
    seed,
    envId,
    listed,
    generate,
    (record) => record,
    (name) => generatedRecord(drawValues(name)),
  );
}

/**
 * The same functions as eachFunction, as the store keeps them: each one's JSON is made when first
 * read, so a start-up with 100,000 functions formats no time and serialises no record.
 * @example [...eachStoredFunction(1, 'prod-1', [], 2)].map((fn) => fn.json) // the JSON of buildFunctions(1, 'prod-1', [], 2)
 */
export function eachStoredFunction(
  seed: number,
  envId: string,
  listed: readonly FunctionSeed[],
  generate: number,
): Generator<StoredFunction> {
  // fillFunction's record is new; its strings and status_reason are the loaded data's, which the mock
  // never changes (a change to the data builds the env anew): kept until read.
  return functionsOf(
    seed,
    envId,
    listed,
    generate,
    (record) => new StoredFunction(record, true),
    (name) => new GeneratedFunction(drawValues(name)),
  );
}

/**
 * The functions of one env as an array (see eachFunction).
 * @example buildFunctions(1, 'prod-1', [{ name: 'login' }], 3).length // 4
 */
export function buildFunctions(
  seed: number,
  envId: string,
  listed: readonly FunctionSeed[],
  generate: number,
): CloudFunction[] {
  return [...eachFunction(seed, envId, listed, generate)];
}
