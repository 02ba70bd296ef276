// Each test moves its own component's clock; the component tokens of the others do not age.
import { describe, expect } from 'vitest';
import type { MockScope } from 'wechat-scf-kit';
import { list, post, test } from './helpers.js';

async function componentToken(scope: MockScope): Promise<string> {
  const answer = await post(`${scope.url}/cgi-bin/component/api_component_token`, {
    component_appid: scope.componentAppid,
    component_appsecret: 'secret',
    component_verify_ticket: 'ticket',
  });
  return answer.json?.component_access_token as string;
}

describe('a clock per component', () => {
  test.for([7000, 7200, 86_400])('moving %i s ages only this component', async (seconds, { scope }) => {
    const token = await componentToken(scope);
    // Listed mode: an issued component token is accepted by being issued, not listed.
    expect((await list(scope, token)).errcode).toBe(0);
    const clock = await scope.advanceClock(seconds);
    expect(clock).toMatchObject({ component_appid: scope.componentAppid, component_offset_s: seconds });
    expect((await list(scope, token)).errcode).toBe(seconds >= 7200 ? 42001 : 0);
    expect((await scope.control.clock()).offset_s).toBe(0);
  });

  test('a component no one moved keeps its token valid throughout', async ({ scope }) => {
    const token = await componentToken(scope);
    for (let i = 0; i < 10; i++) expect((await list(scope, token)).errcode).toBe(0);
    expect((await scope.clock()).component_offset_s).toBe(0);
  });
});
