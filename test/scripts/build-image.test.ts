// `npm run image` (scripts/build-image.mjs): picks the engine that answers and passes the proxy's CA as a build secret.
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runProcess, tempDir } from '../support/cli-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(ROOT, 'scripts/build-image.mjs');

/** A folder of stand-in engines: each answers `info` with its exit code and records any other call. */
async function engines(answers: {
  docker: boolean;
  podman: boolean;
}): Promise<{ bin: string; calls: () => Promise<string[]> }> {
  const bin = await tempDir('scf-engines-');
  const log = join(bin, 'calls.log');
  for (const [name, up] of Object.entries(answers)) {
    const file = join(bin, name);
    await writeFile(
      file,
      `#!/bin/sh\nif [ "$1" = info ]; then exit ${up ? 0 : 1}; fi\necho "${name} $*" >> "${log}"\n`,
    );
    await chmod(file, 0o755);
  }
  return {
    bin,
    calls: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean),
  };
}

function build(bin: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return runProcess(process.execPath, [SCRIPT, ...args], {
    env: { PATH: `${bin}:${process.env.PATH}`, CONTAINER_ENGINE: '', NODE_EXTRA_CA_CERTS: '', ...env },
  });
}

describe('npm run image', () => {
  it('uses podman when a docker client has no daemon, in the docker format, with the CA as a build secret', async () => {
    const { bin, calls } = await engines({ docker: false, podman: true });
    const ca = join(bin, 'proxy-ca.pem');
    await writeFile(ca, 'not a real certificate');
    const { code } = await build(bin, ['--tag', 'mock:test', '--layers=false'], { NODE_EXTRA_CA_CERTS: ca });
    expect(code).toBe(0);
    expect(await calls()).toEqual([
      `podman build -t mock:test --format docker --secret id=npm_ca,src=${ca} --layers=false ${ROOT}`,
    ]);
  });

  it('uses docker when its daemon answers, tagging wechat-scf-kit:dev by default', async () => {
    const { bin, calls } = await engines({ docker: true, podman: true });
    expect((await build(bin, [])).code).toBe(0);
    expect(await calls()).toEqual([`docker build -t wechat-scf-kit:dev ${ROOT}`]);
  });

  it.each([
    [
      { docker: false, podman: false },
      {},
      'neither docker nor podman answers (`docker info` and `podman info` failed); install one, or start its daemon',
    ],
    [
      { docker: true, podman: false },
      { NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' },
      'NODE_EXTRA_CA_CERTS names /nonexistent/ca.pem, which does not exist',
    ],
  ])('exits 2 with one line when %j answer and the environment is %j', async (answers, env, message) => {
    const { bin, calls } = await engines(answers);
    const { code, stderr } = await build(bin, [], env);
    // (Node itself warns first about a CA file it cannot load.)
    expect({ code, last: stderr.trim().split('\n').at(-1) }).toEqual({ code: 2, last: `build-image: ${message}` });
    expect(await calls()).toEqual([]);
  });
});
