// Seeded fake envs for describeenvs.
import { faker } from '@faker-js/faker/locale/en';
import type { EnvData, EnvInfo } from '../../generated/schemas.js';
import { formatBeijingTime, seedFor } from './fake-functions.js';

/** Fake times count back from this fixed instant (2026-07-01 00:00:00 Beijing), never from the clock. */
const REFERENCE_MS = Date.UTC(2026, 5, 30, 16, 0, 0);
const FOUR_YEARS_MS = 4 * 365 * 24 * 3600 * 1000;

/** Cloud development's billing packages, as the console names them. */
const PACKAGES = [
  { id: 'baas_1', name: '基础版1' },
  { id: 'baas_2', name: '基础版2' },
  { id: 'baas_standard', name: '标准版' },
  { id: 'baas_professional', name: '专业版' },
];

/**
 * An env as describeenvs lists it: the data's fields where given, seeded realistic values for
 * the rest (status NORMAL; a bucket id shaped like COS's `<hex>-<env>-<appid number>`). The same
 * seed and env id give the same values on every machine.
 * @example fakeEnvInfo(1, 'prod-5g7k2m9x3d', {}).alias // 'prod'
 */
export function fakeEnvInfo(seed: number, id: string, data: EnvData): EnvInfo {
  faker.seed(seedFor(seed, 'env-info', id));
  const created = faker.number.int({ min: REFERENCE_MS - FOUR_YEARS_MS, max: REFERENCE_MS });
  const updated = created + faker.number.int({ min: 0, max: REFERENCE_MS - created });
  const pack = faker.helpers.arrayElement(PACKAGES);
  const appNumber = faker.number.int({ min: 1250000000, max: 1320000000 });
  const hexPrefix = Buffer.from(id.slice(0, 2)).toString('hex');
  return {
    env: id,
    alias: data.alias ?? id.replace(/-[a-z0-9]{6,}$/i, ''),
    create_time: data.create_time ?? formatBeijingTime(created),
    update_time: data.update_time ?? formatBeijingTime(updated),
    status: data.status ?? 'NORMAL',
    package_id: data.package_id ?? pack.id,
    package_name: data.package_name ?? pack.name,
    dbinstance_id: data.dbinstance_id ?? `tnt-${faker.string.alphanumeric({ length: 9, casing: 'lower' })}`,
    bucket_id: data.bucket_id ?? `${hexPrefix}-${id}-${appNumber}`,
  };
}
