// Faults, the token table and reset, each one call of the control API.
import { control } from './api.js';
import { $, act, el, notify } from './dom.js';

const STATES = ['valid', 'expired', 'no-qbase'];

/** The fault the form describes, exactly as it will be sent to POST /__mock/faults. */
function faultFromForm() {
  const kind = $('#fault-kind').value;
  const fault = {};
  if (kind === 'errcode') {
    fault.errcode = Number($('#fault-errcode').value);
    if ($('#fault-errmsg').value) fault.errmsg = $('#fault-errmsg').value;
  }
  if (kind === 'http_status') fault.http_status = Number($('#fault-status').value);
  if (kind === 'truncated-json' || kind === 'malformed-json') fault.body = kind;
  if (kind === 'drop') fault.drop = true;
  const min = $('#fault-latency').value;
  const max = $('#fault-latency-max').value;
  if (min !== '' && max !== '') fault.latency_ms = { min: Number(min), max: Number(max) };
  else if (min !== '') fault.latency_ms = Number(min);
  else if (kind === 'latency') fault.latency_ms = 1000;
  const times = Number($('#fault-times').value || '1');
  if (times !== 1) fault.times = times;
  if ($('#fault-path').value) fault.path = $('#fault-path').value;
  const match = matchFromForm();
  if (match) fault.match = match;
  return fault;
}

/** The env, token and appid the form names, as a fault's match (and DELETE /__mock/faults's query) takes them. */
function matchFromForm() {
  const match = {};
  const env = $('#fault-match-env').value.trim();
  const token = $('#fault-match-token').value.trim();
  const appid = $('#fault-match-appid').value.trim();
  if (env) match.env = env;
  if (token) match.access_token = token;
  if (appid) match.component_appid = appid;
  return Object.keys(match).length > 0 ? match : undefined;
}

/** A token in a list: its first characters, as the journal shows one. */
const shortToken = (token) => (token.length > 8 ? `${token.slice(0, 8)}…` : token);

function describeFault(fault) {
  const parts = [];
  if (fault.errcode !== undefined) parts.push(`errcode ${fault.errcode}${fault.errmsg ? ` "${fault.errmsg}"` : ''}`);
  if (fault.http_status) parts.push(`HTTP ${fault.http_status}`);
  if (fault.body) parts.push(fault.body);
  if (fault.drop) parts.push('drop the connection');
  if (fault.latency_ms !== undefined) {
    const latency = fault.latency_ms;
    parts.push(typeof latency === 'number' ? `after ${latency} ms` : `after ${latency.min}–${latency.max} ms`);
  }
  const times = fault.remaining ?? fault.times ?? 1;
  const match = fault.match ?? {};
  const carrying = [
    match.env ? `env ${match.env}` : '',
    match.access_token ? `token ${shortToken(match.access_token)}` : '',
    match.component_appid ? `appid ${match.component_appid}` : '',
  ].filter(Boolean);
  return `${parts.join(', ')}: next ${times} request${times === 1 ? '' : 's'}${fault.path ? ` to ${fault.path}` : ''}${carrying.length ? ` carrying ${carrying.join(' and ')}` : ''}`;
}

function showFaultForm() {
  const kind = $('#fault-kind').value;
  for (const label of document.querySelectorAll('#fault-form label[data-for]'))
    label.hidden = label.dataset.for !== kind;
  $('#fault-errcode').required = kind === 'errcode';
  $('#fault-preview').textContent = JSON.stringify(faultFromForm());
}

/** The API paths a fault can be limited to, from the mock's own OpenAPI document (asked once). */
async function loadPaths() {
  const select = $('#fault-path');
  if (select.options.length > 1) return;
  const { paths } = await control('GET', '/openapi.json');
  select.append(...Object.keys(paths).map((path) => el('option', { value: path }, path)));
}

export async function loadFaults() {
  await loadPaths();
  const { faults } = await control('GET', '/faults');
  const list = $('#fault-list');
  const text = faults.map(describeFault);
  // Polled: only touch the list when it changed, so nothing flickers under a screen reader.
  if (list.dataset.shown === JSON.stringify(text)) return;
  list.dataset.shown = JSON.stringify(text);
  list.replaceChildren(
    ...(text.length
      ? text.map((line) => el('li', {}, line))
      : [el('li', { className: 'muted' }, 'none: requests are answered normally')]),
  );
}

function tokenRow(token = '', state = 'valid') {
  const select = el('select', { 'aria-label': 'state' }, ...STATES.map((one) => el('option', { value: one }, one)));
  select.value = state;
  const remove = el('button', { type: 'button', 'aria-label': `Remove ${token || 'this token'}` }, 'Remove');
  const tr = el(
    'tr',
    {},
    el(
      'td',
      {},
      el('input', { type: 'text', value: token, 'aria-label': 'access_token', spellcheck: false, autocomplete: 'off' }),
    ),
    el('td', {}, select),
    el('td', {}, remove),
  );
  remove.addEventListener('click', () => {
    editing = true;
    tr.remove();
  });
  return tr;
}

/** Set while the table has edits not yet saved, so a reload does not throw them away. */
let editing = false;

function showIssued(issued = []) {
  $('#issued-table tbody').replaceChildren(
    ...issued.map((one) =>
      el(
        'tr',
        {},
        el('td', { className: 'mono' }, one.component_appid),
        el('td', { className: one.state === 'valid' ? 'ok' : 'bad' }, one.state),
        el('td', {}, one.expires_at),
        el('td', { className: 'mono' }, one.component_access_token),
      ),
    ),
  );
  $('#issued-none').hidden = issued.length > 0;
}

export async function loadTokens({ force = false } = {}) {
  const { tokens, issued, token_check } = await control('GET', '/tokens');
  showIssued(issued);
  if (document.activeElement !== $('#token-check')) $('#token-check').value = token_check;
  if (editing && !force) return;
  editing = false;
  const rows = Object.entries(tokens).map(([token, state]) => tokenRow(token, state));
  $('#token-table tbody').replaceChildren(...rows);
  $('#token-none').hidden = rows.length > 0;
  $('#token-table').dataset.loaded = '';
}

export function setupControl(afterReset) {
  for (const input of document.querySelectorAll('#fault-form input, #fault-form select')) {
    input.addEventListener('input', showFaultForm);
  }
  showFaultForm();
  $('#fault-form').addEventListener(
    'submit',
    act(async (event) => {
      event.preventDefault();
      const fault = faultFromForm();
      await control('POST', '/faults', fault);
      await loadFaults();
      notify(`Queued: ${describeFault(fault)}.`);
    }),
  );
  $('#clear-faults').addEventListener(
    'click',
    act(async () => {
      const { cleared } = await control('DELETE', '/faults');
      await loadFaults();
      notify(`Cleared ${cleared} fault${cleared === 1 ? '' : 's'}.`);
    }),
  );
  $('#clear-matched-faults').addEventListener(
    'click',
    act(async () => {
      const match = matchFromForm();
      if (!match) {
        notify('Fill in an env, a token or an appid to clear only the faults carrying them.');
        return;
      }
      const { cleared } = await control('DELETE', `/faults?${new URLSearchParams(match)}`);
      await loadFaults();
      notify(
        `Cleared ${cleared} fault${cleared === 1 ? '' : 's'} carrying ${Object.values(match).map(shortToken).join(' and ')}.`,
      );
    }),
  );
  $('#token-form').addEventListener('input', (event) => {
    if (event.target !== $('#token-check')) editing = true;
  });
  $('#token-check').addEventListener(
    'change',
    act(async () => {
      const { token_check } = await control('PUT', '/token-check', { token_check: $('#token-check').value });
      await loadTokens();
      notify(token_check === 'any' ? 'Tokens not listed are now accepted.' : 'Tokens not listed now answer 40001.');
    }),
  );
  $('#token-add').addEventListener('click', () => {
    editing = true;
    const row = tokenRow();
    $('#token-table tbody').append(row);
    $('#token-none').hidden = true;
    row.querySelector('input').focus();
  });
  $('#token-form').addEventListener(
    'submit',
    act(async (event) => {
      event.preventDefault();
      const table = {};
      for (const tr of $('#token-table tbody').rows) {
        const token = tr.querySelector('input').value;
        if (token !== '') table[token] = tr.querySelector('select').value;
      }
      const { tokens } = await control('PUT', '/tokens', table);
      const count = Object.keys(tokens).length;
      // The notice comes once the page shows what was saved (the table and the mode it implies).
      await loadTokens({ force: true });
      notify(
        count === 0
          ? 'Saved: no tokens listed, any non-empty access_token is accepted.'
          : `Saved ${count} token${count === 1 ? '' : 's'}.`,
      );
    }),
  );
  $('#reset').addEventListener(
    'click',
    act(async () => {
      const { envs } = await control('POST', '/reset');
      await Promise.all([loadFaults(), loadTokens({ force: true }), afterReset()]);
      notify(`Reset: ${envs.length} env${envs.length === 1 ? '' : 's'} as at start-up; journal and faults cleared.`);
    }),
  );
}
