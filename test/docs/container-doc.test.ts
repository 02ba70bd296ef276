// docs/container.md: its flag/variable table is the CLI's own, and every example it links exists.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTROL_MODE_VARIABLE, SERVE_ENVIRONMENT } from '../../mock-server/cli-env.js';
import { runCli } from '../support/cli-process.js';

const page = new URL('../../docs/container.md', import.meta.url);
const text = readFileSync(page, 'utf8');

describe('docs/container.md', () => {
  it('lists every serve flag with its variable, and nothing else in the table', () => {
    const rows = [...text.matchAll(/^\| `--([a-z-]+)[^`]*` \| `([A-Z_]+)/gm)].map((m) => [m[1], m[2]]);
    const table = Object.entries(SERVE_ENVIRONMENT).map(([flag, { variable }]) => [flag, variable]);
    expect(rows).toEqual(table);
  });

  it('links examples that exist', () => {
    const links = [...text.matchAll(/\]\((\.\.\/examples\/[^)]+)\)/g)].map((m) => m[1] as string);
    expect(links.length).toBeGreaterThanOrEqual(4);
    for (const link of links) expect(existsSync(new URL(link, page)), link).toBe(true);
  });

  it('shows verify and health commands the CLI accepts', async () => {
    const commands = [...text.matchAll(/wechat-scf-kit:dev (verify [^\n]+)/g)].map((m) => (m[1] as string).split(' '));
    expect(commands.length).toBeGreaterThan(0);
    for (const args of [...commands, ['health']]) {
      const { code, stderr } = await runCli([...args, '--help']);
      expect({ args, code, stderr }).toEqual({ args, code: 0, stderr: '' });
    }
  });

  it('and the examples name only variables the mock reads (or compose fills in)', () => {
    const known = new Set([
      ...Object.values(SERVE_ENVIRONMENT).map((entry) => entry.variable),
      CONTROL_MODE_VARIABLE,
      // compose.yaml's own: which image, and which port on this machine
      'WECHAT_SCF_KIT_IMAGE',
      'WECHAT_SCF_KIT_HOST_PORT',
    ]);
    const folder = new URL('../../examples/container/', import.meta.url);
    const files = readdirSync(folder);
    expect(files.sort()).toEqual(['compose.yaml', 'github-actions.yml', 'gitlab-ci.yml', 'kubernetes.yaml']);
    for (const file of [...files.map((name) => new URL(name, folder)), page]) {
      const names = readFileSync(file, 'utf8').match(/WECHAT_SCF_KIT_[A-Z_]+/g) ?? [];
      expect(
        names.filter((name) => !known.has(name)),
        String(file),
      ).toEqual([]);
    }
  });
});
