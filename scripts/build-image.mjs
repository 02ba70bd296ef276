#!/usr/bin/env node
// `npm run image`: builds the Dockerfile as wechat-scf-kit:dev with whichever engine answers, docker or
// podman, and hands npm the proxy's CA (NODE_EXTRA_CA_CERTS) as a build secret that no layer keeps.
// Usage: npm run image [-- --tag NAME] [-- any other option of `docker build` / `podman build`]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
let tag = 'wechat-scf-kit:dev';
const at = args.indexOf('--tag');
if (at !== -1) {
  if (!args[at + 1]) fail('--tag needs a value, e.g. --tag wechat-scf-kit:dev');
  tag = args[at + 1];
  args.splice(at, 2);
}

// A docker client without a daemon is common (podman machines alias it): ask each engine, not only PATH.
const answers = (engine) => spawnSync(engine, ['info'], { stdio: 'ignore', timeout: 30_000 }).status === 0;
const engine = process.env.CONTAINER_ENGINE || ['docker', 'podman'].find(answers);
if (!engine) {
  fail('neither docker nor podman answers (`docker info` and `podman info` failed); install one, or start its daemon');
}

const build = ['build', '-t', tag];
// podman writes OCI images by default, which have no HEALTHCHECK; the docker format keeps it.
if (engine.endsWith('podman')) build.push('--format', 'docker');
const ca = process.env.NODE_EXTRA_CA_CERTS;
if (ca) {
  if (!existsSync(ca)) fail(`NODE_EXTRA_CA_CERTS names ${ca}, which does not exist`);
  build.push('--secret', `id=npm_ca,src=${ca}`);
}
build.push(...args, root);

console.log(`${engine} ${build.join(' ')}`);
const started = Date.now();
const child = spawn(engine, build, {
  stdio: 'inherit',
  // BuildKit reads secrets; docker before 23 needs it asked for.
  env: { DOCKER_BUILDKIT: '1', ...process.env },
});
child.on('exit', (code, signal) => {
  if (code === 0) {
    console.log(`built ${tag} with ${engine} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`run it: ${engine} run --rm -p 127.0.0.1:4020:4020 ${tag}`);
  }
  process.exit(code ?? (signal ? 1 : 0));
});

function fail(message) {
  console.error(`build-image: ${message}`);
  process.exit(2);
}
