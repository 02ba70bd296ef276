// docs/container.md: its flag/variable table is the CLI's own, and every example it links exists.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVE_ENVIRONMENT } from '../../mock-server/cli-env.js';
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
});
