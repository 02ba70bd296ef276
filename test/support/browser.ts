// Finds the system's Chromium for the browser tests; nothing here downloads a browser.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * CHROMIUM_PATH when set, else `chromium` (Debian's package) or `chromium-browser` on the PATH.
 * @example const path = findChromium(); // '/usr/bin/chromium', or undefined
 */
export function findChromium(): string | undefined {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) return executable(explicit) ? explicit : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      if (dir && executable(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

/** Why the browser tests cannot run here, for the skipped suite's name. */
export const NO_BROWSER_REASON = 'skipped: no chromium on the PATH (apt-get install -y chromium, or set CHROMIUM_PATH)';
