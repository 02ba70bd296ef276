import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';

const dir = new URL('../../examples/ci/', import.meta.url);

/** Every `wechat-scf-kit …` command a recipe runs, as argument lists (up to a redirection or the end). */
async function commandsIn(file: string): Promise<string[][]> {
  const text = await readFile(new URL(file, dir), 'utf8');
  return [...text.matchAll(/npx wechat-scf-kit ([^\n]+)/g)].map((match) => {
    const words = match[1].trim().split(/\s+/);
    const end = words.findIndex((w) => ['>', '2>&1', '&', '|', '&&', ';'].includes(w) || w.startsWith('>'));
    return end === -1 ? words : words.slice(0, end);
  });
}

describe('the CI recipes in examples/ci/', () => {
  it('are the GitHub Actions workflow and the GitLab CI job', async () => {
    expect((await readdir(dir)).sort()).toEqual(['github-actions.yml', 'gitlab-ci.yml']);
  });

  it.each(['github-actions.yml', 'gitlab-ci.yml'])(
    '%s runs commands that exist, with flags they accept',
    async (file) => {
      const commands = await commandsIn(file);
      expect(commands.map((c) => c[0])).toEqual(['serve', 'verify-client']);
      for (const args of commands) {
        // Flags are checked before --help is honoured: an unknown one exits 2 naming it.
        const dashDash = args.indexOf('--');
        const own = dashDash === -1 ? args : args.slice(0, dashDash);
        const { code, stderr } = await runCli([...own, '--help']);
        expect({ args: own, code, stderr }).toEqual({ args: own, code: 0, stderr: '' });
      }
    },
  );

  it('wait for the health route the mock serves, on the port they start it on', async () => {
    for (const file of ['github-actions.yml', 'gitlab-ci.yml']) {
      const text = await readFile(new URL(file, dir), 'utf8');
      expect(text).toContain('serve --port 4020');
      expect(text).toContain('http://127.0.0.1:4020/__mock/health');
      expect(text).toContain('WECHAT_API_BASE_URL');
    }
  });

  it('describe the adapter protocol verify-client reads', async () => {
    for (const file of ['github-actions.yml', 'gitlab-ci.yml']) {
      const text = (await readFile(new URL(file, dir), 'utf8')).replace(/\n# /g, ' ');
      expect(text).toContain('{"result": <response>} on success');
      expect(text).toContain('{"errcode": N, "errmsg": "..."} for a WeChat failure');
      expect(text).toContain('{"error": "..."} for a transport failure');
    }
  });
});
