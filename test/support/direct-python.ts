// The tests' PATH with python3 going straight to its interpreter when PATH's python3 is a version manager's shim.
import { execFileSync } from 'node:child_process';
import { accessSync, closeSync, constants, mkdirSync, openSync, readSync, renameSync, symlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the link lives: a cache folder of the checkout, not a temp folder (the leak check counts those). */
const LINK_DIR = fileURLToPath(new URL('../../node_modules/.cache/wechat-scf-kit-tests/python', import.meta.url));

/** The first executable `name` on `path`, or undefined. */
function onPath(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {}
  }
  return undefined;
}

/** True when the file starts with `#!`: a script, not an interpreter. */
function isScript(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head.toString('latin1') === '#!';
  } finally {
    closeSync(fd);
  }
}

/**
 * The PATH the tests run with. A version manager (pyenv, asdf) puts a shell script named python3 first on
 * PATH that looks the interpreter up on every start: 100 ms and some 35 processes each time here, and the
 * suite starts python3 about 700 times (corpus clients, examples). When PATH's python3 is such a script,
 * a folder holding only a python3 link to the interpreter the script runs goes first; the same Python
 * then runs, without the detour. Otherwise PATH is returned unchanged.
 * @example process.env.PATH = directPythonPath(process.env.PATH ?? '')
 */
export function directPythonPath(path: string): string {
  const found = onPath('python3', path);
  if (!found) return path;
  let interpreter: string;
  try {
    if (!isScript(found)) return path;
    interpreter = execFileSync(found, ['-c', 'import sys; print(sys.executable)'], {
      encoding: 'utf8',
      timeout: 15_000,
    }).trim();
    accessSync(interpreter, constants.X_OK);
  } catch {
    return path;
  }
  try {
    mkdirSync(LINK_DIR, { recursive: true });
    // Made aside and renamed over the old link: two runs starting at once each leave a whole link.
    const made = join(LINK_DIR, `python3.${process.pid}`);
    symlinkSync(interpreter, made);
    renameSync(made, join(LINK_DIR, 'python3'));
  } catch {
    return path;
  }
  return `${LINK_DIR}${delimiter}${path}`;
}
