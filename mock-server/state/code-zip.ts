// A function's code as uploaded: base64 decoded, its zip central directory read (fflate), the entry file looked for at the root.
import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { FUNCTION_DEFAULTS, MAX_ZIP_BYTES } from '../api-facts.js';

/** What the mock learns of an uploaded zip: enough to decide the deploy and to show it on the control API. */
export interface CodeZip {
  /** Bytes once decoded from base64. */
  size: number;
  sha256: string;
  /** The zip's entries, root first as stored (empty when it is not a zip). */
  files: string[];
  /** Why the deploy will fail (not a zip, or no entry file at its root); undefined when it can succeed. */
  problem?: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Entries listed on the control API at most: a zip of thousands of files shows its first ones. */
const LISTED_FILES = 100;

/**
 * Decodes and inspects a zipfile field. A request error (not base64, too large) is returned as
 * `{ reason }` for a 47001; a zip that will not deploy comes back with `problem` set.
 * @example readCodeZip('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==') // { size: 22, files: [], problem: 'no index.js at the zip root', … }
 */
export function readCodeZip(base64: string): CodeZip | { reason: string } {
  if (base64.length % 4 !== 0 || !BASE64.test(base64)) {
    return { reason: 'zipfile: must be base64 (A-Z, a-z, 0-9, +, /, = padding, no line breaks)' };
  }
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length > MAX_ZIP_BYTES) {
    return { reason: `zipfile: ${bytes.length} bytes once decoded; the limit is ${MAX_ZIP_BYTES} (20 MB)` };
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const files: string[] = [];
  try {
    // The filter sees every central-directory entry and decompresses none of them.
    unzipSync(bytes, {
      filter: (file) => {
        files.push(file.name);
        return false;
      },
    });
  } catch (error) {
    return { size: bytes.length, sha256, files: [], problem: `not a zip (${(error as Error).message})` };
  }
  const hasEntry = files.includes(FUNCTION_DEFAULTS.entryFile);
  return {
    size: bytes.length,
    sha256,
    files: files.slice(0, LISTED_FILES),
    ...(hasEntry ? {} : { problem: `no ${FUNCTION_DEFAULTS.entryFile} at the zip root` }),
  };
}
