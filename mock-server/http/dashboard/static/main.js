// Starts the dashboard: asks for the control token when the mock wants one, then polls the journal.

import { forgetToken, onUnauthorized, savedToken, saveToken, tokenRequired } from './api.js';
import { loadAuthorizers } from './authorizers.js';
import { loadFaults, loadTokens, setupControl } from './control-panel.js';
import { $, act } from './dom.js';
import { loadEnvs, setupEnvs } from './envs.js';
import { pollJournal, setupRequests } from './requests.js';

// Within a second of a request, as the journal view promises; a poll with nothing new is a few bytes.
const POLL_MS = 500;
const PANELS = ['requests', 'envs', 'control'];
let started = false;

function currentPanel() {
  const id = location.hash.slice(1);
  return PANELS.includes(id) ? id : 'requests';
}

function showPanel() {
  const id = currentPanel();
  for (const panel of PANELS) $(`#${panel}`).hidden = panel !== id || !started;
  for (const link of document.querySelectorAll('#tabs a')) {
    if (link.getAttribute('href') === `#${id}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!started) return;
  if (id === 'envs') act(loadEnvs)();
  if (id === 'control') act(() => Promise.all([loadFaults(), loadTokens(), loadAuthorizers()]))();
}

function askForToken(message) {
  started = false;
  $('#tabs').hidden = true;
  $('#forget-token').hidden = true;
  showPanel();
  $('#gate').hidden = false;
  setLive(true, 'waiting for the control token');
  $('#gate-error').textContent = message;
  $('#gate-token').focus();
}

function setLive(ok, text) {
  const live = $('#live');
  live.textContent = text;
  live.classList.toggle('down', !ok);
}

async function poll() {
  if (started) {
    try {
      await pollJournal();
      if (currentPanel() === 'control') await loadFaults();
      setLive(true, `live: polled ${new Date().toLocaleTimeString([], { hour12: false })}`);
    } catch (error) {
      if (error?.status !== 401) setLive(false, 'the mock is not answering; retrying');
    }
  }
  setTimeout(poll, POLL_MS);
}

function start() {
  started = true;
  $('#gate').hidden = true;
  $('#tabs').hidden = false;
  $('#forget-token').hidden = !savedToken();
  showPanel();
}

onUnauthorized(() => {
  forgetToken();
  askForToken('The mock refused that token: check it and try again.');
});

setupRequests();
setupEnvs();
setupControl(loadEnvs);
window.addEventListener('hashchange', showPanel);
$('#gate-form').addEventListener(
  'submit',
  act(async (event) => {
    event.preventDefault();
    saveToken($('#gate-token').value);
    $('#gate-token').value = '';
    $('#gate-error').textContent = '';
    start();
    await pollJournal();
  }),
);
$('#forget-token').addEventListener('click', () => {
  forgetToken();
  askForToken('');
});

if (tokenRequired() && !savedToken()) askForToken('');
else start();
poll();
