// Reloads the data file when it changes (serve --watch), keeping the old data when the new one is bad.
import { unwatchFile, watchFile } from 'node:fs';
import type { MockDataFile } from '../generated/schemas.js';
import { loadDataFile } from './state/data-file.js';

/**
 * Watches a data file and hands each valid new version to onData; an invalid one goes to
 * onRefused with the reason, and nothing changes. Polls the file's stat, which also sees editors
 * that replace the file instead of writing it in place.
 * @example const stop = watchDataFile('mock.json', (data) => store.reload(data), (why) => console.warn(why));
 */
export function watchDataFile(
  path: string,
  onData: (data: MockDataFile) => void,
  onRefused: (reason: string) => void,
  intervalMs = 200,
): () => void {
  let loading = Promise.resolve();
  const listener = (current: { mtimeMs: number; size: number }, previous: { mtimeMs: number; size: number }) => {
    if (current.mtimeMs === previous.mtimeMs && current.size === previous.size) return;
    // One load at a time, in the order the changes were seen.
    loading = loading.then(async () => {
      try {
        onData(await loadDataFile(path));
      } catch (error) {
        onRefused((error as Error).message);
      }
    });
  };
  watchFile(path, { interval: intervalMs, persistent: false }, listener);
  return () => unwatchFile(path, listener);
}
