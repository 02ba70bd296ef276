// The package's version, read once from package.json.
import { createRequire } from 'node:module';

/**
 * The package version, read through the package's own name so that it resolves the same from
 * the sources, the build and an installed copy (and no package.json is copied into dist/).
 * @example VERSION // '0.1.0'
 */
export const VERSION: string = createRequire(import.meta.url)('wechat-scf-kit/package.json').version;
