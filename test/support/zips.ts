// Zips for the function-lifecycle tests: a deployable one, one without its entry file, and bytes that are no zip.
import { zipSync } from 'fflate';

const text = (value: string) => new TextEncoder().encode(value);

/** A zip with index.js at its root, base64 as batchuploadscf takes it. */
export const GOOD_ZIP = Buffer.from(zipSync({ 'index.js': text('exports.main = async () => 1;') })).toString('base64');

/** A zip whose files sit in a folder (the mistake upstream warns of): no index.js at the root. */
export const FOLDER_ZIP = Buffer.from(zipSync({ 'fn/index.js': text('exports.main = async () => 1;') })).toString(
  'base64',
);

/** Base64 of bytes that are not a zip. */
export const NOT_A_ZIP = Buffer.from('this is not a zip file').toString('base64');
