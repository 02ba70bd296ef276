import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { API_PATH_LIST } from '../../mock-server/api-facts.js';
import { createApp } from '../../mock-server/app.js';
import { ERROR_CODES } from '../../mock-server/error-codes.js';
import { API_SCHEMA_FILES, buildOpenApi, ENDPOINT_ERRCODES, UNKNOWN_PATH_ERRCODE } from '../../mock-server/openapi.js';
import { runCli, tempDir } from '../support/cli-process.js';

const schemasDir = new URL('../../schemas/', import.meta.url);

describe('the OpenAPI 3.1 document', () => {
  it('is valid OpenAPI 3.1 by @seriousme/openapi-schema-validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(JSON.stringify(buildOpenApi())));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('carries the API schemas of schemas/ as components, changed only in $id, $schema and file references', async () => {
    const components = buildOpenApi().components.schemas as Record<string, Record<string, unknown>>;
    const files = API_SCHEMA_FILES;
    const onDisk = await Promise.all(
      files.map(async (f) => JSON.parse(await readFile(new URL(`${f}.schema.json`, schemasDir), 'utf8'))),
    );
    expect(Object.keys(components).sort()).toEqual(onDisk.map((s) => s.title).sort());
    // Undo the two documented changes: what is left must be the file, byte for byte in content.
    const fileOfTitle = new Map(onDisk.map((s, i) => [s.title, `${files[i]}.schema.json`]));
    for (const schema of onDisk) {
      const restored = JSON.parse(
        JSON.stringify(components[schema.title]).replace(
          /"#\/components\/schemas\/(\w+)([^"]*)"/g,
          (_m, title, pointer) => JSON.stringify(`${fileOfTitle.get(title)}${pointer ? `#${pointer}` : ''}`),
        ),
      );
      expect({ $schema: schema.$schema, $id: schema.$id, ...restored }).toEqual(schema);
    }
  });

  it('names every errcode an endpoint answers with its meaning and trigger, with an example each', () => {
    const paths = buildOpenApi().paths as Record<
      string,
      { post: { responses: { '200': { description: string; content: Record<string, { examples: object }> } } } }
    >;
    expect(Object.keys(paths).sort()).toEqual([...API_PATH_LIST].sort());
    for (const path of API_PATH_LIST) {
      const response = paths[path].post.responses['200'];
      for (const errcode of ENDPOINT_ERRCODES[path]) {
        const { errmsg, when } = ERROR_CODES[errcode];
        expect(response.description).toContain(`| ${errcode} | ${errmsg} | ${when} |`);
        expect(response.content['application/json'].examples).toHaveProperty(`errcode${errcode}`);
      }
    }
  });

  it('gives every errcode of the catalogue to at least one endpoint, or to unknown paths in the description', () => {
    const listed = new Set([...Object.values(ENDPOINT_ERRCODES).flat(), UNKNOWN_PATH_ERRCODE]);
    expect(buildOpenApi().info.description).toContain(`errcode ${UNKNOWN_PATH_ERRCODE} (invalid url)`);
    expect(Object.keys(ERROR_CODES).filter((errcode) => !listed.has(errcode as keyof typeof ERROR_CODES))).toEqual([]);
  });

  it('is served by the mock at /__mock/openapi.json', async () => {
    const res = await request(createApp()).get('/__mock/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(buildOpenApi())));
  });

  it('is printed and written by wechat-scf-kit openapi', async () => {
    const printed = await runCli(['openapi']);
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual(JSON.parse(JSON.stringify(buildOpenApi())));
    const file = join(await tempDir('scf-openapi-'), 'openapi.json');
    const written = await runCli(['openapi', '--output', file]);
    expect(written).toMatchObject({ code: 0, stdout: `wrote ${file}\n` });
    expect(JSON.parse(await readFile(file, 'utf8')).openapi).toBe('3.1.0');
  });
});
