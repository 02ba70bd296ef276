import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClientContract } from '../../contracts/client/verify-client.js';
import { clientInvoker } from '../../contracts/client/vitest.js';
import { toCurl } from '../../contracts/http.js';
import { hideToken } from '../../contracts/redaction.js';
import { formatPretty } from '../../contracts/report.js';
import { verifyServer } from '../../contracts/server/verify-server.js';
import { bentClient } from '../support/bent-client.js';
import { mutantServer } from '../support/mutants.js';

const LONG_TOKEN = `86_${'Ab3_-xYz9'.repeat(15)}`.slice(0, 136);
const TOKENS = ['t', 'tok', 'access', LONG_TOKEN];

describe('hideToken replaces the token only where it stands as the token', () => {
  it.each(TOKENS)('token %j', (token) => {
    const url = `http://127.0.0.1:4020/componenttcb/getscflist?access_token=${encodeURIComponent(token)}`;
    const text = `expected total_count 25; POST ${url} body {"env":"contract-env","access_token":${JSON.stringify(token)}} (access token, tokens, "${token}x")`;
    expect(hideToken(text, token)).toBe(
      `expected total_count 25; POST http://127.0.0.1:4020/componenttcb/getscflist?access_token=ACCESS_TOKEN body {"env":"contract-env","access_token":"ACCESS_TOKEN"} (access token, tokens, "${token}x")`,
    );
  });

  it.each(TOKENS)('keeps a curl usable with token %j: only the token is replaced', (token) => {
    const request = {
      method: 'POST',
      url: `http://127.0.0.1:4020/componenttcb/getscflist?access_token=${token}&x=1`,
      headers: { 'Content-Type': 'application/json' },
      body: '{"env":"contract-env","searchkey":"tokens"}',
    };
    expect(toCurl(request, token)).toBe(
      `curl -s -X POST 'http://127.0.0.1:4020/componenttcb/getscflist?access_token=ACCESS_TOKEN&x=1' -H 'Content-Type: application/json' --data-raw '{"env":"contract-env","searchkey":"tokens"}'`,
    );
  });
});

describe('reports of failures keep their words whatever the token', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer(mutantServer('total_count of the page'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each(TOKENS)('verify with --access-token %j', async (token) => {
    const { results } = await verifyServer({ baseUrl: url, accessToken: token, cases: ['GSL-PAGE-001'] });
    const report = formatPretty(results);
    expect(report).toContain('- total_count 20, expected 25');
    expect(report).toContain("reproduce: curl -s -X POST 'http://127.0.0.1:");
    // The env is the run's own (suffixed): verify shares a mock with others unless told --exclusive.
    expect(report).toMatch(
      /getscflist\?access_token=ACCESS_TOKEN' -H 'Content-Type: application\/json' --data-raw '\{"env":"contract-env(-v[0-9a-f]+)?"\}'/,
    );
    expect(report.split('ACCESS_TOKEN')).toHaveLength(2);
  });

  it('a client failure report hides the client token where the client printed it', async () => {
    const results = await runClientContract(
      clientInvoker((context) => bentClient(context, { token: (t) => `${t}x` })),
      { cases: ['GSL-PAGE-003'] },
    );
    const report = formatPretty(results);
    expect(report).toContain('the access_token in the query is not the whole token the client was given');
    expect(report).not.toMatch(/86_[A-Za-z0-9_-]{20}/);
  });
});
