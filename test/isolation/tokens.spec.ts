// Each test lists its own tokens, one at a time; none of them changes how another test's token is answered.
import { describe, expect } from 'vitest';
import { list, test } from './helpers.js';

describe('tokens one at a time under token_check listed', () => {
  test.for([
    ['expired', 42001],
    ['no-qbase', 85088],
    ['valid', 0],
  ] as const)('a token listed %s answers %i, and the scope token stays valid', async ([state, errcode], { scope }) => {
    const token = await scope.putToken(state, `${scope.token}-${state}`);
    for (let i = 0; i < 5; i++) {
      expect((await list(scope, token)).errcode).toBe(errcode);
      expect((await list(scope)).errcode).toBe(0);
    }
  });

  test('a token no one listed answers 40001, whatever the others list or remove', async ({ scope }) => {
    for (let i = 0; i < 10; i++) expect((await list(scope, `${scope.token}-never-listed`)).errcode).toBe(40001);
  });

  test('a token removed answers as unlisted at once', async ({ scope }) => {
    const token = await scope.putToken('valid', `${scope.token}-gone`);
    expect((await list(scope, token)).errcode).toBe(0);
    expect(await scope.control.deleteToken(token)).toBe(true);
    expect((await list(scope, token)).errcode).toBe(40001);
  });
});
