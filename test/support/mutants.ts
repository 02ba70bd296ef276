import express from 'express';
import type { ClientParams } from '../../contracts/client/adapter.js';
import type { ContractClient } from '../../contracts/client/vitest.js';
import { createScfClient } from '../../examples/typescript-client/client.js';
import type { MockDataFile } from '../../generated/schemas.js';
import { GETSCFLIST_PATH } from '../../mock-server/api-facts.js';
import { createApp } from '../../mock-server/app.js';
import type { PageQuery, Store, StoredFunction } from '../../mock-server/state/env-store.js';

/** A deliberately broken server: the real mock with one behaviour bent. */
export type ServerMutant =
  | 'off-by-one paging'
  | 'total_count of the page'
  | 'case-sensitive search'
  | 'errcode as a string'
  | 'missing status_reason'
  | 'HTTP 400 for 47001'
  | 'search after paging'
  | 'default limit 10'
  | 'page capped at 50'
  | 'sorted by name only'
  | 'ties by name descending'
  | 'searchkey as a regular expression'
  | 'searchkey as a prefix'
  | 'searchkey as SQL LIKE'
  | 'searchkey as a glob'
  | 'searchkey trimmed'
  | 'backslashes dropped from searchkey'
  | 'case folded for ASCII only'
  | 'text/plain Content-Type'
  | 'charset=utf-8 Content-Type';

type StoredList = readonly StoredFunction[];

/** The contract's filter and window over functions in a given order. */
function pageOf(
  functions: StoredList,
  q: PageQuery,
  keep = (name: string) => name.includes(q.searchkey?.toLowerCase() ?? ''),
) {
  const matches = functions.filter((fn) => keep(fn.searchKey));
  return { total_count: matches.length, functions: matches.slice(q.offset, q.offset + q.limit) };
}

/**
 * The app for a broken server. With the control API (the default) verify can arrange every case;
 * without it, `data` is what the server holds.
 */
export function mutantServer(mutant: ServerMutant, options: { control?: boolean; data?: MockDataFile } = {}) {
  const mock = createApp({ data: options.data ?? {}, control: options.control ?? true });
  const store = mock.mock.store;
  const list = store.listFunctions.bind(store);
  const patch = (fn: Store['listFunctions']) => {
    store.listFunctions = fn;
  };
  if (mutant === 'search after paging') {
    patch((env, q) => {
      const page = env.table.all().slice(q.offset, q.offset + q.limit);
      return pageOf(page, { ...q, offset: 0 });
    });
  }
  if (mutant === 'default limit 10') patch((env, q) => list(env, { ...q, limit: q.limit === 20 ? 10 : q.limit }));
  if (mutant === 'page capped at 50') patch((env, q) => list(env, { ...q, limit: Math.min(q.limit, 50) }));
  if (mutant === 'sorted by name only') {
    patch((env, q) =>
      pageOf(
        [...env.table.all()].sort((a, b) => (a.record.name < b.record.name ? -1 : 1)),
        q,
      ),
    );
  }
  if (mutant === 'ties by name descending') {
    patch((env, q) => {
      const sorted = [...env.table.all()].sort((a, b) => {
        const [x, y] = [a.record, b.record];
        return x.add_time !== y.add_time ? (x.add_time < y.add_time ? 1 : -1) : x.name < y.name ? 1 : -1;
      });
      return pageOf(sorted, q);
    });
  }
  if (mutant === 'searchkey as a regular expression') {
    patch((env, q) => {
      let pattern: RegExp;
      try {
        pattern = new RegExp(q.searchkey ?? '', 'i');
      } catch {
        return { total_count: 0, functions: [] };
      }
      return pageOf(env.table.all(), q, (name) => pattern.test(name));
    });
  }
  if (mutant === 'searchkey as a prefix') {
    patch((env, q) => pageOf(env.table.all(), q, (name) => name.startsWith(q.searchkey?.toLowerCase() ?? '')));
  }
  const wildcards = (many: string, one: string) => (key: string) =>
    new RegExp(
      [...key].map((c) => (c === many ? '.*' : c === one ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join(''),
      'i',
    );
  const searchBy = (keep: (name: string, key: string) => boolean) =>
    patch((env, q) => {
      const all = env.table.all();
      const matches = q.searchkey ? all.filter((fn) => keep(fn.record.name, q.searchkey ?? '')) : all;
      return { total_count: matches.length, functions: matches.slice(q.offset, q.offset + q.limit) };
    });
  const lower = (text: string) => text.toLowerCase();
  if (mutant === 'searchkey as SQL LIKE') searchBy((name, key) => wildcards('%', '_')(key).test(name));
  if (mutant === 'searchkey as a glob') searchBy((name, key) => wildcards('*', '?')(key).test(name));
  if (mutant === 'searchkey trimmed') searchBy((name, key) => lower(name).includes(lower(key.trim())));
  if (mutant === 'backslashes dropped from searchkey')
    searchBy((name, key) => lower(name).includes(lower(key.replace(/\\/g, ''))));
  if (mutant === 'case folded for ASCII only') {
    const ascii = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());
    searchBy((name, key) => ascii(name).includes(ascii(key)));
  }
  if (mutant === 'off-by-one paging') patch((env, q) => list(env, { ...q, offset: q.offset + 1 }));
  if (mutant === 'total_count of the page') {
    patch((env, q) => {
      const page = list(env, q);
      return { ...page, total_count: page.functions.length };
    });
  }
  if (mutant === 'case-sensitive search') {
    patch((env, q) => {
      const matches = env.table.all().filter((fn) => fn.record.name.includes(q.searchkey ?? ''));
      return { total_count: matches.length, functions: matches.slice(q.offset, q.offset + q.limit) };
    });
  }
  const outer = express();
  outer.use(GETSCFLIST_PATH, (_req, res, next) => {
    const end = res.end.bind(res) as (chunk?: unknown) => typeof res;
    res.end = ((chunk?: unknown) => {
      let text = typeof chunk === 'string' ? chunk : '';
      if (mutant === 'errcode as a string') text = text.replace(/"errcode":(-?\d+)/, '"errcode":"$1"');
      if (mutant === 'missing status_reason') text = text.replace(/,"status_reason":\[[^\]]*\]/g, '');
      if (mutant === 'HTTP 400 for 47001' && text.startsWith('{"errcode":47001')) res.statusCode = 400;
      if (mutant === 'text/plain Content-Type') res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      if (mutant === 'charset=utf-8 Content-Type') res.setHeader('Content-Type', 'application/json; charset=utf-8');
      return end(text || chunk);
    }) as typeof res.end;
    next();
  });
  outer.use(mock);
  return outer;
}

/** A deliberately broken client. */
export type ClientMutant =
  | 'token in the body'
  | 'offset sent as a string'
  | 'resolves on errcode != 0'
  | 'ignores limit'
  | 'resolves with data on a 5xx'
  | 'no Content-Type and a form body';

interface Context {
  baseUrl: string;
  accessToken: string;
  timeoutMs: number;
}

/** Rewrites the request the example client makes, to model a client that builds it wrongly. */
function rewriting(context: Context, rewrite: (url: URL, init: RequestInit) => void): ContractClient {
  const bent: typeof fetch = (input, init = {}) => {
    const url = new URL(String(input));
    const copy = { ...init, headers: { ...(init.headers as Record<string, string>) } };
    rewrite(url, copy);
    return fetch(url, copy);
  };
  return createScfClient({ ...context, fetch: bent });
}

/** A bare POST, as the hand-written clients below make it. */
function post(context: Context, params: ClientParams): Promise<Response> {
  const url = `${context.baseUrl}/componenttcb/getscflist?access_token=${context.accessToken}`;
  return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(params) });
}

export function mutantClient(mutant: ClientMutant, context: Context): ContractClient {
  const body = (init: RequestInit) => JSON.parse(String(init.body)) as Record<string, unknown>;
  switch (mutant) {
    case 'token in the body':
      return rewriting(context, (url, init) => {
        url.searchParams.delete('access_token');
        init.body = JSON.stringify({ ...body(init), access_token: context.accessToken });
      });
    case 'offset sent as a string':
      return rewriting(context, (_url, init) => {
        const fields = body(init);
        if (fields.offset !== undefined) init.body = JSON.stringify({ ...fields, offset: String(fields.offset) });
      });
    case 'ignores limit':
      return rewriting(context, (_url, init) => {
        const { limit: _limit, ...rest } = body(init);
        init.body = JSON.stringify(rest);
      });
    case 'no Content-Type and a form body':
      return rewriting(context, (_url, init) => {
        init.body = new URLSearchParams(body(init) as Record<string, string>).toString();
        init.headers = {};
      });
    case 'resolves on errcode != 0':
      // The bug: whatever JSON comes back is the result.
      return { getCloudFunctionList: async (params) => (await post(context, params)).json() };
    case 'resolves with data on a 5xx':
      return {
        async getCloudFunctionList(params: ClientParams) {
          const res = await post(context, params);
          // The bug: a gateway error is swallowed as an empty list.
          if (res.status >= 500) return { errcode: 0, errmsg: 'ok', total_count: 0, functions: [] };
          return createScfClient({ ...context, fetch: async () => res }).getCloudFunctionList(params);
        },
      };
  }
}
