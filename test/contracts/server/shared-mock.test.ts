// verify's sharing rules: the run's own names, and which checks need the whole mock.
import { describe, expect, it } from 'vitest';
import {
  faultMatchFor,
  ownName,
  ownNames,
  type SharedStep,
  sharedNeed,
} from '../../../contracts/server/shared-mock.js';
import { API_PATHS } from '../../../mock-server/api-facts.js';

const ANY = { token_check: 'any', component_check: 'any' } as const;
const LISTED = { token_check: 'listed', component_check: 'listed' } as const;
const list = (token: string): SharedStep => ({
  call: { path: API_PATHS.getscflist, query: { access_token: token }, body: { env: 'e' } },
});
const issue = (appid: string): SharedStep => ({
  call: { path: API_PATHS.componentToken, body: { component_appid: appid } },
});

describe('sharedNeed', () => {
  it.each([
    ['a listed token, any mode', { tokens: { t: 'valid' as const } }, [list('t')], ANY, undefined],
    [
      'an unlisted token where the state implies listed and the mock is any',
      { tokens: { t: 'valid' as const } },
      [list('bad')],
      ANY,
      /token_check "listed"/,
    ],
    ['an unlisted token where both say listed', { tokens: { t: 'valid' as const } }, [list('bad')], LISTED, undefined],
    ['an unlisted token with no tokens listed, mock listed', {}, [list('anything')], LISTED, /token_check "any"/],
    ['an issued token', { tokens: { t: 'valid' as const } }, [list('$ISSUED_TOKEN')], ANY, undefined],
    [
      'an appid not listed where the state lists one',
      { components: { wx1: { secret: 's' } } },
      [issue('wx2')],
      ANY,
      /component_check "listed"/,
    ],
    ['a listed appid', { components: { wx1: { secret: 's' } } }, [issue('wx1')], ANY, undefined],
    ['a clock move in a rid flow', {}, [{ advance_s: 60 }, list('t')], ANY, /mock-wide clock/],
    ['a clock move in a token flow', {}, [issue('wx1'), { advance_s: 60 }], ANY, undefined],
    [
      "describeenvs' whole list",
      {},
      [
        {
          call: { path: API_PATHS.describeenvs, query: { access_token: 't' } },
          expect: { body_includes: { info_list: [] } },
        },
      ],
      ANY,
      /whole list/,
    ],
  ] as const)('%s', (_name, state, steps, modes, expected) => {
    const reason = sharedNeed(state, steps as readonly SharedStep[], modes);
    if (expected === undefined) expect(reason).toBeUndefined();
    else expect(reason).toMatch(expected);
  });
});

describe('ownNames', () => {
  it('renames every env, token and appid the state lists, wherever it appears whole', () => {
    const state = { tokens: { tok: 'valid' as const }, envs: { env: {} }, components: { wx1: { secret: 's' } } };
    const call = { query: { access_token: 'tok' }, body: { env: 'env', note: 'env-ish', component_appid: 'wx1' } };
    const own = ownNames(state, call, 'v1');
    expect(own.state).toEqual({
      tokens: { 'tok-v1': 'valid' },
      envs: { 'env-v1': {} },
      components: { 'wx1-v1': { secret: 's' } },
    });
    expect(own.value).toEqual({
      query: { access_token: 'tok-v1' },
      body: { env: 'env-v1', note: 'env-ish', component_appid: 'wx1-v1' },
    });
  });

  it('keeps a name within its bound, the suffix whole', () => {
    expect(ownName('e'.repeat(64), 'v123456', 64)).toBe(`${'e'.repeat(56)}-v123456`);
    expect(ownName('already-v1', 'v1', 64)).toBe('already-v1');
  });
});

describe('faultMatchFor', () => {
  it.each([
    ['an env', { query: { access_token: 't' }, body: { env: 'e' } }, { env: 'e' }],
    ['an appid', { body: { component_appid: 'wx' } }, { component_appid: 'wx' }],
    ['a known token', { query: { access_token: 't' } }, { access_token: 't' }],
    ['only an issued token not known yet', { query: { access_token: '$ISSUED_TOKEN' } }, undefined],
  ])('matches %s', (_name, call, match) => {
    expect(faultMatchFor(call)).toEqual(match);
  });
});
