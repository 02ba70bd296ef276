// The fault queue's matching: by path and match keys, in order, each key read only when a fault names it.
import { describe, expect, it } from 'vitest';
import { FaultQueue, type MatchKey, type RequestKeys } from '../../../mock-server/state/fault-queue.js';

const PATH = '/componenttcb/getscflist';

/** A request's keys that count how often each is read. */
function keys(values: Partial<Record<MatchKey, string>>) {
  const reads: Record<MatchKey, number> = { access_token: 0, component_appid: 0, env: 0 };
  const read = (key: MatchKey) => () => {
    reads[key] += 1;
    return values[key];
  };
  const request: RequestKeys = {
    access_token: read('access_token'),
    component_appid: read('component_appid'),
    env: read('env'),
  };
  return { request, reads };
}

describe('FaultQueue.take', () => {
  it('reads no key of a request while only unmatched faults are queued', () => {
    const faults = new FaultQueue();
    faults.add({ errcode: -1, times: 3 });
    const { request, reads } = keys({ access_token: 't', env: 'e' });
    expect(faults.take(PATH, request)?.errcode).toBe(-1);
    expect(reads).toEqual({ access_token: 0, component_appid: 0, env: 0 });
  });

  it('reads only the token (never parses for env or appid) while only token-matched faults are queued', () => {
    const faults = new FaultQueue();
    for (let i = 0; i < 50; i++) faults.add({ errcode: -1, match: { access_token: `other-${i}` } });
    const { request, reads } = keys({ access_token: 'mine', env: 'e' });
    expect(faults.take(PATH, request)).toBeUndefined();
    expect(reads).toEqual({ access_token: 1, component_appid: 0, env: 0 });
  });

  it('reads each key at most once per request, however many faults name it', () => {
    const faults = new FaultQueue();
    for (let i = 0; i < 10; i++) faults.add({ errcode: -1, match: { env: 'e', access_token: `t-${i}` } });
    faults.add({ errcode: -2, match: { env: 'e' } });
    const { request, reads } = keys({ access_token: 'x', env: 'e' });
    expect(faults.take(PATH, request)?.errcode).toBe(-2);
    expect(reads).toEqual({ access_token: 1, component_appid: 0, env: 1 });
  });

  it('takes the earliest queued fault a request matches, across buckets and unmatched ones', () => {
    const faults = new FaultQueue();
    faults.add({ errcode: 1, match: { env: 'e' } });
    faults.add({ errcode: 2, match: { access_token: 't' } });
    faults.add({ errcode: 3 });
    faults.add({ errcode: 4, match: { component_appid: 'wx' } });
    const taken = [1, 2, 3, 4, 5].map(() => faults.take(PATH, keys({ access_token: 't', env: 'e' }).request)?.errcode);
    expect(taken).toEqual([1, 2, 3, undefined, undefined]);
    expect(faults.list().map((fault) => fault.errcode)).toEqual([4]);
  });

  it('without keys applies only unmatched faults (as callers that know no request keys get)', () => {
    const faults = new FaultQueue();
    faults.add({ errcode: 1, match: { access_token: 't' } });
    expect(faults.take(PATH)).toBeUndefined();
    expect(faults.size).toBe(1);
  });

  it('after clear by a filter, keeps the others in order and still finds them', () => {
    const faults = new FaultQueue();
    faults.add({ errcode: 1, match: { access_token: 'a' } });
    faults.add({ errcode: 2, match: { access_token: 'b' } });
    faults.add({ errcode: 3, match: { access_token: 'a', env: 'e' } });
    expect(faults.clear({ access_token: 'a' })).toBe(2);
    expect(faults.take(PATH, keys({ access_token: 'a', env: 'e' }).request)).toBeUndefined();
    expect(faults.take(PATH, keys({ access_token: 'b' }).request)?.errcode).toBe(2);
    expect(faults.size).toBe(0);
  });
});
