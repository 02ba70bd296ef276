// A vitest globalSetup that fails the run when a test leaves a process or a temp folder behind.
// Every process the run starts inherits a marker in its environment, found again in /proc even
// after its parent has gone; every temp folder made through os.tmpdir() lands in one folder of the run.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MARKER = 'WECHAT_SCF_KIT_TEST_RUN';

interface Leftover {
  pid: number;
  command: string;
}

/** Processes carrying this run's marker, other than vitest itself and its workers. */
function markedProcesses(run: string): Leftover[] {
  const found: Leftover[] = [];
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return found; // no /proc (not Linux): nothing to check with
  }
  for (const name of pids) {
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (!environ.includes(`${MARKER}=${run}`)) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (command === '' || /vitest/.test(command)) continue; // a zombie, or vitest and its workers
      found.push({ pid, command });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

export default function setup(): () => Promise<void> {
  const run = `${process.pid}-${Date.now()}`;
  const folder = mkdtempSync(join(tmpdir(), 'scf-test-run-'));
  const saved = { TMPDIR: process.env.TMPDIR, [MARKER]: process.env[MARKER] };
  process.env.TMPDIR = folder;
  process.env[MARKER] = run;
  return async () => {
    // Processes told to stop may take a moment to exit.
    let processes = markedProcesses(run);
    for (let i = 0; i < 30 && processes.length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      processes = markedProcesses(run);
    }
    const folders = readdirSync(folder);
    for (const { pid } of processes) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(folder, { recursive: true, force: true });
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    const problems = [
      ...processes.map(({ pid, command }) => `process ${pid} still running: ${command}`),
      ...folders.map((name) => `temp folder left behind: ${join(folder, name)}`),
    ];
    if (problems.length > 0) {
      // vitest reports an error thrown here but still exits 0: set the exit code too.
      process.exitCode = 1;
      throw new Error(`the tests left things behind (now removed):\n${problems.join('\n')}`);
    }
  };
}
