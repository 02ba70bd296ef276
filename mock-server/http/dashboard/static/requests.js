// The journal, newest first, polled from GET /__mock/requests?after=<cursor>.
import { control } from './api.js';
import { $, act, el, notify } from './dom.js';
import { appidOf, clock, curlFor, envOf, errmsgOf, outcomeOf, pretty } from './format.js';

const JOURNAL_BODY_CHARS = 16 * 1024;

/** The entries this page holds, oldest first, each with its journal cursor. */
let entries = [];
let cursor = 0;
let dropped = 0;
let skipped = 0;
let selected;

// A poll brings at most this many: under a flood of requests the page shows the newest, and the mock
// does not serialise its whole journal twice a second.
const POLL_LIMIT = 100;

/**
 * Asks for what is new since the last poll. Polling (not server-sent events) because EventSource
 * cannot send the Authorization header a control token needs, and a poll holds no connection open
 * that would delay the mock's shutdown.
 * @returns whether anything changed
 */
export async function pollJournal() {
  const snap = await control('GET', `/requests?after=${cursor}${cursor > 0 ? `&limit=${POLL_LIMIT}` : ''}`);
  let changed = snap.dropped !== dropped;
  if (snap.next < cursor) {
    entries = []; // a restarted mock: its cursors start again
    cursor = 0;
    changed = true;
  }
  const first = snap.next - snap.requests.length;
  skipped += Math.max(0, first - Math.max(cursor, snap.oldest));
  snap.requests.forEach((entry, i) => {
    entries.push({ ...entry, cursor: first + i, env: envOf(entry), appid: appidOf(entry), errmsg: errmsgOf(entry) });
  });
  const before = entries.length;
  entries = entries.filter((entry) => entry.cursor >= snap.oldest);
  changed ||= snap.requests.length > 0 || entries.length !== before;
  cursor = snap.next;
  dropped = snap.dropped;
  if (changed) render();
  return changed;
}

function optionsFor(select, values, label) {
  const current = select.value;
  const fixed = [...select.querySelectorAll('option[data-fixed]')];
  select.replaceChildren(...fixed, ...values.map((value) => el('option', { value }, label(value))));
  select.value = [...select.options].some((option) => option.value === current) ? current : '';
}

/** The token filter as the SHA-256 the journal keeps ('' for none): a whole token is hashed here, never sent. */
let tokenHash = '';

async function readTokenFilter() {
  const text = $('#filter-token').value.trim();
  if (text === '' || /^[0-9a-fA-F]{64}$/.test(text)) {
    tokenHash = text.toLowerCase();
  } else if (crypto.subtle) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
    tokenHash = [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  } else {
    // crypto.subtle exists only in a secure context (https or localhost): ask for the hash instead.
    tokenHash = text;
    notify('This page cannot hash here (not https or localhost): paste the SHA-256 of the token instead.');
  }
  render();
}

/** The same keys GET /__mock/requests filters by: env, the token's SHA-256, the body's component_appid. */
function matches(entry, errcode, env, appid) {
  if (errcode === 'errors' && entry.errcode === 0) return false;
  if (errcode && errcode !== 'errors' && outcomeOf(entry) !== errcode) return false;
  if (env && entry.env !== env) return false;
  if (tokenHash && entry.access_token_sha256 !== tokenHash) return false;
  if (appid && entry.appid !== appid) return false;
  return true;
}

function row(entry) {
  const outcome = outcomeOf(entry);
  const failed = entry.errcode !== 0;
  const tr = el(
    'tr',
    { 'data-cursor': String(entry.cursor), 'aria-selected': String(selected === entry.cursor) },
    el(
      'td',
      {},
      el(
        'button',
        { type: 'button', className: 'row-open', title: entry.time, 'aria-label': `Show request ${entry.seq}` },
        clock(entry.time),
      ),
    ),
    el(
      'td',
      { className: `outcome ${failed ? 'bad' : 'ok'}`, title: [entry.errmsg, entry.reason].filter(Boolean).join('\n') },
      el('span', {}, el('strong', {}, outcome), entry.errmsg ? ` ${entry.errmsg}` : ''),
      entry.reason ? el('span', { className: 'why' }, entry.reason) : null,
    ),
    el('td', { className: 'mono' }, entry.env),
    el('td', { className: 'num' }, entry.status === null ? '—' : String(entry.status)),
    el('td', { className: 'num' }, entry.duration_ms.toFixed(1)),
    el('td', {}, entry.method),
    el('td', { className: 'mono' }, entry.path),
  );
  return tr;
}

/** Draws the table from the entries held; the filters only hide rows, they never ask the mock again. */
export function render() {
  const errcodeSelect = $('#filter-errcode');
  const envSelect = $('#filter-env');
  optionsFor(errcodeSelect, [...new Set(entries.map(outcomeOf))].sort(), (value) => value);
  optionsFor(envSelect, [...new Set(entries.map((entry) => entry.env).filter(Boolean))].sort(), (value) => value);
  const appid = $('#filter-appid').value.trim();
  const shown = entries.filter((entry) => matches(entry, errcodeSelect.value, envSelect.value, appid)).reverse();
  // New rows must not take the keyboard focus away from the row it is on.
  const focused = document.activeElement?.closest('#journal-table tr')?.dataset.cursor;
  $('#journal-table tbody').replaceChildren(...shown.map(row));
  if (focused !== undefined) $(`#journal-table tr[data-cursor="${focused}"] button`)?.focus();
  $('#journal-empty').hidden = entries.length > 0;
  $('#journal-count').textContent =
    shown.length === entries.length
      ? `${entries.length} request${entries.length === 1 ? '' : 's'}`
      : `${shown.length} of ${entries.length} shown`;
  const droppedNote = $('#dropped');
  droppedNote.hidden = dropped === 0 && skipped === 0;
  droppedNote.textContent = [
    dropped > 0
      ? `dropped ${dropped.toLocaleString('en')} older (the journal keeps the newest ${entries.length.toLocaleString('en')})`
      : '',
    skipped > 0 ? `${skipped.toLocaleString('en')} came faster than the page polls and were not fetched` : '',
  ]
    .filter(Boolean)
    .join('; ');
  if (selected !== undefined && !entries.some((entry) => entry.cursor === selected)) showDetail(undefined);
}

function section(title, ...content) {
  return [el('h3', {}, title), ...content.filter(Boolean)];
}

function showDetail(entry) {
  const detail = $('#detail');
  selected = entry?.cursor;
  for (const tr of document.querySelectorAll('#journal-table tbody tr')) {
    tr.setAttribute('aria-selected', String(Number(tr.dataset.cursor) === selected));
  }
  if (!entry) {
    detail.replaceChildren(
      el(
        'p',
        { className: 'muted' },
        'Pick a request to see what was sent, why the mock answered as it did, and the answer.',
      ),
    );
    return;
  }
  const curl = curlFor(entry, location.origin);
  const cut = (text) =>
    text !== null && text.length > JOURNAL_BODY_CHARS
      ? el('p', { className: 'muted' }, 'Cut to 16 kB in the journal.')
      : null;
  detail.replaceChildren(
    el('h2', {}, `#${entry.seq} ${entry.method} `, el('span', { className: 'mono' }, entry.path)),
    el(
      'dl',
      {},
      el('dt', {}, 'time'),
      el('dd', {}, entry.time),
      el('dt', {}, 'env'),
      el('dd', { className: 'mono' }, entry.env || '—'),
      el('dt', {}, 'errcode'),
      el(
        'dd',
        { className: entry.errcode === 0 ? 'ok' : 'bad' },
        `${outcomeOf(entry)}${entry.errmsg ? ` ${entry.errmsg}` : ''}`,
      ),
      el('dt', {}, 'HTTP'),
      el('dd', {}, entry.status === null ? 'none: the connection was dropped' : String(entry.status)),
      el('dt', {}, 'duration'),
      el('dd', {}, `${entry.duration_ms} ms`),
      el('dt', {}, 'Content-Type'),
      el('dd', { className: 'mono' }, entry.content_type ?? '—'),
    ),
    ...section(
      'Why (x-mock-reason)',
      el('p', { className: 'reason', 'data-part': 'reason' }, entry.reason ?? 'no failure: answered by the rules'),
    ),
    ...section('Query (token cut short)', el('pre', { 'data-part': 'query' }, JSON.stringify(entry.query, null, 2))),
    ...section(
      'Body',
      el('pre', { 'data-part': 'body' }, entry.body === null ? '(none)' : pretty(entry.body)),
      cut(entry.body),
    ),
    ...(entry.invocation ? invocationSection(entry.invocation) : []),
    ...section(
      'Answer',
      el('pre', { 'data-part': 'answer' }, entry.answer === undefined ? '(none sent)' : pretty(entry.answer)),
      cut(entry.answer),
    ),
    ...section(
      'Copy as curl',
      el('pre', { 'data-part': 'curl' }, curl),
      el('button', { type: 'button', id: 'copy-curl' }, 'Copy as curl'),
    ),
  );
  $('#copy-curl').addEventListener('click', () => copy(curl, detail.querySelector('[data-part="curl"]')));
}

/** What a cloud function call was: the function, the event it was sent, and its result (decoded) or error. */
function invocationSection(invocation) {
  let result = invocation.resp_data;
  try {
    if (result !== undefined) result = JSON.stringify(JSON.parse(result), null, 2);
  } catch {
    // Cut in the journal: shown as kept.
  }
  return section(
    'Invocation',
    el(
      'dl',
      {},
      el('dt', {}, 'function'),
      el('dd', { className: 'mono' }, `${invocation.env} / ${invocation.name}`),
      el('dt', {}, 'outcome'),
      el(
        'dd',
        { className: invocation.error === undefined ? 'ok' : 'bad' },
        invocation.error !== undefined
          ? `threw: ${invocation.error}`
          : result !== undefined
            ? 'returned a result'
            : 'not run',
      ),
    ),
    el('h4', {}, 'Event'),
    el(
      'pre',
      { 'data-part': 'event' },
      typeof invocation.event === 'string' ? invocation.event : JSON.stringify(invocation.event, null, 2),
    ),
    result === undefined ? null : el('h4', {}, 'Result (resp_data decoded)'),
    result === undefined ? null : el('pre', { 'data-part': 'result' }, result),
  );
}

async function copy(text, pre) {
  try {
    await navigator.clipboard.writeText(text);
    notify('Copied the curl; put your token in place of ACCESS_TOKEN.');
  } catch {
    // No clipboard outside a secure context (a LAN address over http): select it for Ctrl+C instead.
    getSelection().selectAllChildren(pre);
    notify('Selected the curl: press Ctrl+C (or ⌘C) to copy it.');
  }
}

export function setupRequests() {
  for (const select of ['#filter-errcode', '#filter-env']) {
    for (const option of $(select).options) option.dataset.fixed = '';
    $(select).addEventListener('change', render);
  }
  $('#filter-token').addEventListener('input', act(readTokenFilter));
  $('#filter-appid').addEventListener('input', render);
  $('#try-curl').textContent =
    `curl -s -X POST '${location.origin}/componenttcb/getscflist?access_token=ACCESS_TOKEN' -d '{"env":"ENV_ID"}'`;
  $('#journal-table tbody').addEventListener('click', (event) => {
    const tr = event.target.closest('tr');
    const entry = entries.find((one) => String(one.cursor) === tr?.dataset.cursor);
    if (!entry) return;
    showDetail(entry);
    // On a narrow screen the detail is below the list: bring it into view.
    if (matchMedia('(max-width: 999px)').matches) $('#detail').scrollIntoView({ block: 'start' });
  });
  $('#clear-journal').addEventListener(
    'click',
    act(async () => {
      const { cleared } = await control('DELETE', '/requests');
      await pollJournal();
      notify(`Cleared ${cleared} request${cleared === 1 ? '' : 's'} from the journal.`);
    }),
  );
}
