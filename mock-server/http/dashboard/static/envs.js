// Envs from GET /__mock/envs; one env's functions from GET /__mock/envs/:env/functions, which pages
// and searches with the store's own listing (the n-gram index for large envs), as the API does.
import { control } from './api.js';
import { $, act, el } from './dom.js';

const view = { env: '', offset: 0, limit: 20, searchkey: '', total: 0 };
let asked = 0;

export async function loadEnvs() {
  const { envs } = await control('GET', '/envs');
  $('#env-table tbody').replaceChildren(
    ...envs.map((env) =>
      el(
        'tr',
        {},
        el(
          'td',
          {},
          el(
            'button',
            {
              type: 'button',
              className: 'row-open mono',
              'data-env': env.env,
              title: `Show the functions of ${env.env}`,
            },
            env.env,
          ),
        ),
        el('td', { className: 'num' }, env.total_count.toLocaleString('en')),
        el('td', { className: env.qbase ? '' : 'bad' }, env.qbase ? 'true' : 'false: answers 85088'),
      ),
    ),
  );
  if (view.env && !envs.some((env) => env.env === view.env)) {
    view.env = '';
    $('#functions').hidden = true;
  } else if (view.env) {
    await loadFunctions();
  }
}

async function loadFunctions() {
  const ask = ++asked;
  const params = new URLSearchParams({ offset: String(view.offset), limit: String(view.limit) });
  if (view.searchkey) params.set('searchkey', view.searchkey);
  const page = await control('GET', `/envs/${encodeURIComponent(view.env)}/functions?${params}`);
  if (ask !== asked) return; // a later search was typed meanwhile; its answer wins
  view.total = page.total_count;
  $('#fn-env').textContent = view.env;
  const last = Math.min(view.offset + page.functions.length, view.total);
  $('#fn-range').textContent =
    view.total === 0
      ? view.searchkey
        ? 'no function matches'
        : 'no functions'
      : `${(view.offset + 1).toLocaleString('en')}–${last.toLocaleString('en')} of ${view.total.toLocaleString('en')}${view.searchkey ? ' matching' : ''}`;
  $('#fn-first').disabled = $('#fn-prev').disabled = view.offset === 0;
  $('#fn-next').disabled = $('#fn-last').disabled = view.offset + view.limit >= view.total;
  $('#fn-table tbody').replaceChildren(
    ...page.functions.map((fn, i) =>
      el(
        'tr',
        {},
        el('td', { className: 'num' }, (view.offset + i + 1).toLocaleString('en')),
        el('td', { className: 'mono' }, fn.name),
        el('td', {}, fn.runtime),
        el('td', { className: /Failed/.test(fn.status) ? 'bad' : '' }, fn.status),
        el('td', {}, fn.add_time),
        el('td', {}, fn.mod_time),
        el('td', {}, fn.status_reason.map((reason) => `${reason.errcode}: ${reason.errmsg}`).join('; ')),
      ),
    ),
  );
}

function go(offset) {
  view.offset = Math.max(0, offset);
  return loadFunctions();
}

export function setupEnvs() {
  $('#env-table tbody').addEventListener(
    'click',
    act(async (event) => {
      const env = event.target.closest('button[data-env]')?.dataset.env;
      if (!env) return;
      Object.assign(view, { env, offset: 0, searchkey: '' });
      $('#fn-search').value = '';
      $('#functions').hidden = false;
      await loadFunctions();
      $('#fn-search').focus();
    }),
  );
  let typing;
  $('#fn-search').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(
      act(() => {
        view.searchkey = $('#fn-search').value;
        return go(0);
      }),
      150,
    );
  });
  $('#fn-form').addEventListener('submit', (event) => event.preventDefault());
  $('#fn-limit').addEventListener(
    'change',
    act(() => {
      view.limit = Number($('#fn-limit').value);
      return go(Math.floor(view.offset / view.limit) * view.limit);
    }),
  );
  $('#fn-first').addEventListener(
    'click',
    act(() => go(0)),
  );
  $('#fn-prev').addEventListener(
    'click',
    act(() => go(view.offset - view.limit)),
  );
  $('#fn-next').addEventListener(
    'click',
    act(() => go(view.offset + view.limit)),
  );
  $('#fn-last').addEventListener(
    'click',
    act(() => go(Math.floor((view.total - 1) / view.limit) * view.limit)),
  );
}
