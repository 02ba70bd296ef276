// End-to-end tests of the container image with podman: built once for this file from the Dockerfile on an
// offline base image, then run as users run it (published port, mounted data, a network alias, compose,
// a Kubernetes manifest). Everything created is removed in afterAll, even when a test fails.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATHS } from '../../mock-server/api-facts.js';
import { Podman, podmanInstalled, run } from '../support/container-engine.js';
import { portSource } from '../support/ports.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const INSTALLED = await podmanInstalled();
const COMPOSE =
  INSTALLED && (await run('podman-compose', ['version'], process.env).catch(() => ({ code: 1 }))).code === 0;
const WHY_SKIPPED = 'podman is not installed (apt-get install -y podman runc podman-compose)';
const STATELESS_DATA = join(ROOT, 'examples/verify/stateless-data.json');
const CONTROL_TOKEN = 'container-test-token';
const CLI = '/app/dist/mock-server/cli.js';

if (!INSTALLED) console.warn(`test/container/image.test.ts skipped: ${WHY_SKIPPED}`);

describe('the container tests on CI', () => {
  it.runIf(process.env.CI === 'true')('have podman and podman-compose to run with', () => {
    expect(INSTALLED, WHY_SKIPPED).toBe(true);
    expect(COMPOSE, 'podman-compose is not installed (apt-get install -y podman-compose)').toBe(true);
  });
});

// Each test starts containers and waits for them on 2 shared cores: minutes, not the default 20 s.
describe.skipIf(!INSTALLED)(`the image${INSTALLED ? '' : ` (skipped: ${WHY_SKIPPED})`}`, { timeout: 180_000 }, () => {
  let engine: Podman;
  let image: string;

  beforeAll(async () => {
    engine = new Podman('image');
    const base = `localhost/${engine.prefix}-base:latest`;
    image = `localhost/${engine.prefix}:latest`;
    await engine.buildOfflineBase(base);
    engine.ownImage(image);
    // Through `npm run image`'s own script; no layer cache kept (--layers=false), so nothing but the
    // tagged image is left to remove. The npm cache is a cache mount, which keeps a second run fast.
    const started = Date.now();
    const built = await run(
      process.execPath,
      ['scripts/build-image.mjs', '--tag', image, '--build-arg', `BASE=${base}`, '--layers=false'],
      { ...engine.env, CONTAINER_ENGINE: 'podman' },
      { cwd: ROOT, timeoutMs: 600_000 },
    );
    if (built.code !== 0) throw new Error(`the image did not build:\n${built.stdout}\n${built.stderr}`);
    const size = Number(await engine.ok(['image', 'inspect', image, '--format', '{{.Size}}']));
    const baseSize = Number(await engine.ok(['image', 'inspect', base, '--format', '{{.Size}}']));
    console.log(
      `image built in ${((Date.now() - started) / 1000).toFixed(1)} s: ${(size / 1e6).toFixed(1)} MB, of which ${((size - baseSize) / 1e6).toFixed(1)} MB above the base`,
    );
  }, 900_000);

  afterAll(async () => {
    const problems = (await engine?.cleanup()) ?? [];
    expect(problems).toEqual([]);
  }, 180_000);

  /** A free port to publish the container on (the docs test takes 20000-29999). */
  const freePort = portSource(30_000, 2000);

  /** The host port podman published for the container's 4020. */
  async function publishedPort(container: string): Promise<number> {
    const text = await engine.ok(['port', container, '4020/tcp']);
    return Number(/:(\d+)\s*$/.exec(text.trim())?.[1]);
  }

  /** Asks getscflist through a published port once the mock answers. */
  async function listFunctions(
    port: number,
    token: string,
    env: string,
  ): Promise<{ errcode: number; total_count?: number }> {
    const answer = await engine.until(async () => {
      const res = await fetch(`http://127.0.0.1:${port}${API_PATHS.getscflist}?access_token=${token}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ env, limit: 1 }),
      });
      return (await res.json()) as { errcode: number; total_count?: number };
    }, 20_000);
    if (!answer) throw new Error(`nothing answered on 127.0.0.1:${port}`);
    return answer;
  }

  /** Runs the image's HEALTHCHECK until it reports healthy; returns podman's last verdict. */
  async function healthVerdict(container: string): Promise<string> {
    const verdict = await engine.until(async () => {
      const result = await engine.podman(['healthcheck', 'run', container]);
      return result.code === 0 ? 'healthy' : undefined;
    }, 20_000);
    if (verdict) return verdict;
    const last = await engine.podman(['healthcheck', 'run', container]);
    const state = await engine.podman(['inspect', container, '--format', '{{.State.Status}} {{json .State.Health}}']);
    return `exit ${last.code}: ${last.stdout.trim()} ${last.stderr.trim()} (${state.stdout.trim()})`;
  }

  describe('started with no arguments', () => {
    let container: string;
    beforeAll(async () => {
      container = await engine.start('zero', ['-p', '127.0.0.1::4020', image]);
    });

    it('serves the default data with errcode 0 through a published loopback port', async () => {
      const answer = await listFunctions(await publishedPort(container), 'any-token', 'prod-5g7k2m9x3d');
      expect(answer).toMatchObject({ errcode: 0, total_count: 36 });
    });

    it('listens on every address of the container and logs JSON lines saying how to turn the control API on', async () => {
      const logs = await engine.ok(['logs', container]);
      const lines = logs
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.some((line) => String(line.url).startsWith('http://0.0.0.0:4020'))).toBe(true);
      expect(logs).toContain('WECHAT_SCF_KIT_CONTROL_TOKEN');
    });

    it('runs as a user other than root', async () => {
      const uid = await engine.ok(['exec', container, 'node', '-e', 'process.stdout.write(String(process.getuid()))']);
      expect(uid).not.toBe('0');
      expect(uid).toMatch(/^\d+$/);
    });

    it('holds production dependencies only, no npm cache and no trace of the build secret', async () => {
      const script = `const fs = require('node:fs');
        process.stdout.write(JSON.stringify(['/app/node_modules/express', '/app/node_modules/typescript',
          '/app/node_modules/vitest', '/root/.npm', '/home/node/.npm', '/run/secrets/npm_ca'].filter((p) => fs.existsSync(p))))`;
      expect(JSON.parse(await engine.ok(['exec', container, 'node', '-e', script]))).toEqual([
        '/app/node_modules/express',
      ]);
      const config = await engine.ok(['image', 'inspect', image, '--format', '{{json .Config.Env}}']);
      expect(config).not.toContain('NODE_EXTRA_CA_CERTS');
      expect(await engine.ok(['history', '--no-trunc', image])).not.toContain('BEGIN CERTIFICATE');
    });

    it('turns healthy with the control API off', async () => {
      expect(await healthVerdict(container)).toBe('healthy');
    });

    it('has a health check that fails when the mock does not answer', async () => {
      const result = await engine.podman(['exec', container, 'node', CLI, 'health', '--url', 'http://127.0.0.1:2/']);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('127.0.0.1:2');
    });
  });

  it.each([
    ['with a control token from the environment', ['-e', `WECHAT_SCF_KIT_CONTROL_TOKEN=${CONTROL_TOKEN}`], []],
    ['with --no-control', [], ['serve', '--no-control']],
  ])('turns healthy %s', async (_name, options, args) => {
    const container = await engine.start(`health-${args.length}`, [...options, image, ...args]);
    expect(await healthVerdict(container)).toBe('healthy');
  });

  it('serves a data file mounted read-only and named by WECHAT_SCF_KIT_DATA', async () => {
    const container = await engine.start('data', [
      '-p',
      '127.0.0.1::4020',
      '-v',
      `${STATELESS_DATA}:/data/mock.json:ro`,
      '-e',
      'WECHAT_SCF_KIT_DATA=/data/mock.json',
      image,
    ]);
    const answer = await listFunctions(await publishedPort(container), 'verify-token-1', 'prod-1');
    expect(answer).toMatchObject({ errcode: 0, total_count: 240 });
  });

  describe('reached by a network alias from a second container', () => {
    let network: string;
    beforeAll(async () => {
      network = await engine.network('net');
      await engine.start('alias-control', [
        '--network',
        network,
        '--network-alias',
        'wechat-mock',
        '-e',
        `WECHAT_SCF_KIT_CONTROL_TOKEN=${CONTROL_TOKEN}`,
        image,
      ]);
      await engine.start('alias-plain', [
        '--network',
        network,
        '--network-alias',
        'wechat-mock-plain',
        '-v',
        `${STATELESS_DATA}:/data/mock.json:ro`,
        '-e',
        'WECHAT_SCF_KIT_DATA=/data/mock.json',
        image,
      ]);
    });

    it.each([
      [
        'passes verify with the control API, its token from the environment',
        ['-e', `WECHAT_SCF_KIT_CONTROL_TOKEN=${CONTROL_TOKEN}`],
        ['verify', '--base-url', 'http://wechat-mock:4020'],
      ],
      [
        'passes verify without the control API',
        [],
        [
          'verify',
          '--base-url',
          'http://wechat-mock-plain:4020',
          '--access-token',
          'verify-token-1',
          '--env',
          'prod-1',
        ],
      ],
    ])('%s', async (_name, options, args) => {
      const alias = args[2].slice('http://'.length);
      const up = await engine.until(async () => {
        const probe = await engine.runOnce('probe', [
          '--network',
          network,
          image,
          'health',
          '--url',
          `http://${alias}/__mock/health`,
        ]);
        return probe.code === 0 ? true : undefined;
      }, 30_000);
      expect(up, `http://${alias} never answered`).toBe(true);
      const result = await engine.runOnce(`verify-${options.length}`, [
        '--network',
        network,
        ...options,
        image,
        ...args,
      ]);
      expect(result.stdout).toMatch(/\d+ passed, 0 failed/);
      expect(result.stdout).not.toContain('request budget');
      expect(result.stderr).not.toContain('wechat-scf-kit:');
      expect(result.code).toBe(0);
    });
  });

  it('stops with exit code 0 within 2 s of podman stop', async () => {
    const container = await engine.start('stop', [image]);
    expect(await healthVerdict(container)).toBe('healthy');
    const started = Date.now();
    await engine.ok(['stop', '-t', '10', container]);
    const elapsed = Date.now() - started;
    const exitCode = (await engine.ok(['inspect', container, '--format', '{{.State.ExitCode}}'])).trim();
    expect({ exitCode, within2s: elapsed < 2000 }).toEqual({ exitCode: '0', within2s: true });
  });

  it.skipIf(!COMPOSE)(
    'runs examples/container/compose.yaml: the client reaches the mock by its service name',
    async () => {
      const project = engine.name('compose');
      const compose = ['-p', project, '-f', join(ROOT, 'examples/container/compose.yaml')];
      const hostPort = await freePort();
      const env = { ...engine.env, WECHAT_SCF_KIT_IMAGE: image, WECHAT_SCF_KIT_HOST_PORT: String(hostPort) };
      engine.onCleanup(async () => {
        await run('podman-compose', [...compose, 'down', '-t', '0'], env, { timeoutMs: 120_000 });
        await engine.podman(['network', 'rm', '-f', `${project}_default`]);
      });
      // podman-compose 1.0 does not wait for service_healthy: start the mock, wait, then run the client.
      const up = await run('podman-compose', [...compose, 'up', '-d', 'wechat-mock'], env, { timeoutMs: 120_000 });
      expect(up.code, up.stderr).toBe(0);
      expect(await healthVerdict(`${project}_wechat-mock_1`)).toBe('healthy');
      expect(await listFunctions(hostPort, 'any-token', 'prod-5g7k2m9x3d')).toMatchObject({ errcode: 0 });
      const client = await run('podman-compose', [...compose, 'run', '--rm', 'client'], env, { timeoutMs: 180_000 });
      expect(client.stdout).toMatch(/\d+ passed, 0 failed/);
      expect(client.code).toBe(0);
    },
  );

  it("runs examples/container/kubernetes.yaml with podman kube play: the probes' health check passes", async () => {
    const manifest = (await readFile(join(ROOT, 'examples/container/kubernetes.yaml'), 'utf8')).replace(
      'image: wechat-scf-kit:dev',
      `image: ${image}`,
    );
    expect(manifest).toContain(`image: ${image}`);
    const file = join(engine.folder, 'kubernetes.yaml');
    await writeFile(file, manifest);
    // kube play builds its pods' pause image on first use: remove it after if it was not there before.
    // Its default network too.
    const images = async () => (await engine.ok(['images', '--format', '{{.Repository}}:{{.Tag}}'])).split('\n');
    const networks = async () => (await engine.ok(['network', 'ls', '--format', '{{.Name}}'])).split('\n');
    const [imagesBefore, networksBefore] = [await images(), await networks()];
    engine.onCleanup(async () => {
      await engine.podman(['kube', 'down', file]);
      for (const name of (await images()).filter((n) => n.startsWith('localhost/podman-pause:'))) {
        if (!imagesBefore.includes(name)) await engine.podman(['rmi', name]);
      }
      for (const name of (await networks()).filter((n) => n.includes('kube'))) {
        if (!networksBefore.includes(name)) await engine.podman(['network', 'rm', name]);
      }
    });
    await engine.ok(['kube', 'play', '--replace', file], { timeoutMs: 120_000 });
    expect(await healthVerdict('wechat-mock-pod-0-mock')).toBe('healthy');
    const logs = await engine.ok(['logs', 'wechat-mock-pod-0-mock']);
    expect(logs).toContain('/__mock/');
  });
});
