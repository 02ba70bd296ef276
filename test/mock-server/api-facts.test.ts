// One home for the API's facts: stated once in mock-server/api-facts.ts, and everything else imports them.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  API_PATHS,
  CONTRACT_VARIABLES,
  CONTROL_PREFIX,
  DEFAULT_LIMIT,
  DEFAULT_MAX_LIMIT,
  DEFAULT_UNKNOWN_ENV,
  MAX_APPID_CHARS,
  OPTION_RANGES,
  UNKNOWN_ENV_MODES,
} from '../../mock-server/api-facts.js';
import { DEFAULT_SETTINGS } from '../../mock-server/settings.js';
import dataSchema from '../../schemas/data-file.schema.json' with { type: 'json' };
import requestSchema from '../../schemas/getscflist-request.schema.json' with { type: 'json' };
import { runCli } from '../support/cli-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The code of a TypeScript file without its comments (doc examples may quote the facts). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

async function sources(folder: string): Promise<{ file: string; text: string }[]> {
  const names = (await readdir(join(root, folder))).filter((name) => name.endsWith('.ts'));
  return Promise.all(
    names.map(async (name) => ({
      file: `${folder}/${name}`,
      text: code(await readFile(join(root, folder, name), 'utf8')),
    })),
  );
}

describe('the facts are stated once', () => {
  // Literals that used to be restated in 3-4 files each.
  const facts = [
    `'${API_PATHS.getscflist}'`,
    `'${CONTROL_PREFIX}'`,
    `'${CONTRACT_VARIABLES.TOKEN}'`,
    `'${CONTRACT_VARIABLES.ENV}'`,
    `'${DEFAULT_UNKNOWN_ENV}'`,
    'limit ?? 20',
    'maxLimit: 100',
    '1_000_000)',
  ];

  it.each(['mock-server', 'contracts'])('no file of %s/ restates one, but api-facts.ts', async (folder) => {
    const restated: string[] = [];
    for (const { file, text } of await sources(folder)) {
      if (file === 'mock-server/api-facts.ts') continue;
      for (const fact of facts) if (text.includes(fact)) restated.push(`${file}: ${fact}`);
    }
    expect(restated).toEqual([]);
  });
});

describe('the facts agree with the schemas and the CLI', () => {
  it('the default limit is the one the upstream page documents (默认值20)', () => {
    expect(requestSchema.properties.limit.description).toContain(`默认值${DEFAULT_LIMIT}`);
    expect(requestSchema.properties.limit.description).toContain(`default ${DEFAULT_MAX_LIMIT})`);
  });

  it('the longest appid the token endpoint takes is the longest the data may list', () => {
    expect(dataSchema.properties.components.propertyNames.maxLength).toBe(MAX_APPID_CHARS);
  });

  it('the library defaults are the facts', () => {
    expect(DEFAULT_SETTINGS.maxLimit).toBe(DEFAULT_MAX_LIMIT);
    expect(DEFAULT_SETTINGS.unknownEnv).toBe(DEFAULT_UNKNOWN_ENV);
    expect(UNKNOWN_ENV_MODES).toContain(DEFAULT_UNKNOWN_ENV);
  });

  it.each([
    ['--max-limit', 'maxLimit'],
    ['--journal-limit', 'journalLimit'],
    ['--body-limit', 'bodyLimit'],
    ['--write-timeout-ms', 'writeTimeoutMs'],
  ] as const)('%s is checked against OPTION_RANGES.%s, in the one wording', async (flag, option) => {
    const { max } = OPTION_RANGES[option];
    const { code: exit, stderr } = await runCli(['serve', '--port', '0', flag, String(max + 1)]);
    expect(exit).toBe(2);
    expect(stderr).toBe(
      `wechat-scf-kit: ${flag} must be a whole number from ${OPTION_RANGES[option].min} to ${max}, got "${max + 1}"\n`,
    );
  });

  it('the library says the same for the same range', async () => {
    const { createApp } = await import('../../mock-server/app.js');
    expect(() => createApp({ maxLimit: 0 })).toThrow(
      `maxLimit must be a whole number from ${OPTION_RANGES.maxLimit.min} to ${OPTION_RANGES.maxLimit.max}, got 0`,
    );
  });
});
