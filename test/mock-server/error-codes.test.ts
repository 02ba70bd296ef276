// The errcode catalogue's wordings: every recorded text of an errcode is accepted, and says which one it was.
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, matchErrmsg, recordedErrmsgs } from '../../mock-server/error-codes.js';

const LONG_40001 =
  'invalid credential, access_token is invalid or not latest, could get access_token by getStableAccessToken, more details at https://mmbizurl.cn/s/JtxxFh33r';

describe('matchErrmsg', () => {
  it.each([
    {
      errcode: 40001,
      text: 'invalid credential, access_token is invalid or not latest',
      wording: 'the documented text',
    },
    { errcode: 40001, text: LONG_40001, wording: 'the longer text WeChat sends since about 2023' },
    {
      errcode: 45009,
      text: 'reach max api daily quota limit, could get more quota by clearQuota, more details at https://mmbizurl.cn/s/x',
      wording: 'the documented text with a hint after it, as WeChat sends since about 2023',
    },
    { errcode: 41001, text: 'access_token missing', wording: 'the documented text' },
  ])('accepts $wording for $errcode', ({ errcode, text, wording }) => {
    expect(matchErrmsg(errcode, text)).toEqual({ kind: 'recorded', wording });
  });

  it.each([
    { errcode: 41001, text: 'access_token missing, please add one' },
    { errcode: 41001, text: 'token missing' },
    { errcode: 40001, text: 'invalid credential' },
    { errcode: 45009, text: 'reach max api daily quota limit, ' },
  ])('refuses $text for $errcode, listing what WeChat sends', ({ errcode, text }) => {
    const match = matchErrmsg(errcode, text);
    expect(match.kind).toBe('other');
    expect(match.kind === 'other' && match.expected[0]).toBe(recordedErrmsgs(errcode)[0]);
  });

  it('does not judge the text of an errcode no reference records (41002), nor of one the catalogue lacks', () => {
    expect(matchErrmsg(41002, 'anything at all')).toEqual({ kind: 'unrecorded' });
    expect(recordedErrmsgs(41002)).toEqual([]);
    expect(matchErrmsg(99999, 'anything')).toEqual({ kind: 'unrecorded' });
  });

  it('lists the documented text first, the one the mock sends', () => {
    for (const [errcode, entry] of Object.entries(ERROR_CODES)) {
      const texts = recordedErrmsgs(Number(errcode));
      if (texts.length > 0) expect(texts[0]).toBe(entry.errmsg);
    }
  });
});
