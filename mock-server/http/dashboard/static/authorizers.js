// The apps authorized to each component and the authorizer tokens issued, from GET /__mock/authorizers.
import { control } from './api.js';
import { $, el } from './dom.js';

/** Draws the authorizers by component, and the authorizer tokens the mock issued with their state on its clock. */
export async function loadAuthorizers() {
  const { components, issued } = await control('GET', '/authorizers');
  const rows = Object.entries(components).flatMap(([component, authorizers]) =>
    Object.entries(authorizers).map(([appid, authorizer]) =>
      el(
        'tr',
        {},
        el('td', { className: 'mono' }, component),
        el('td', { className: 'mono' }, appid),
        el('td', { className: 'mono' }, authorizer.envs?.length ? authorizer.envs.join(', ') : 'every env'),
        el('td', { className: 'mono' }, authorizer.refresh_token),
      ),
    ),
  );
  $('#authorizer-table tbody').replaceChildren(...rows);
  $('#authorizer-none').hidden = rows.length > 0;
  $('#authorizer-issued-table tbody').replaceChildren(
    ...issued.map((one) =>
      el(
        'tr',
        {},
        el('td', { className: 'mono' }, one.component_appid),
        el('td', { className: 'mono' }, one.authorizer_appid),
        el('td', { className: one.state === 'valid' ? 'ok' : 'bad' }, one.state),
        el('td', {}, one.expires_at),
        el('td', { className: 'mono' }, one.authorizer_access_token),
      ),
    ),
  );
  $('#authorizer-issued-none').hidden = issued.length > 0;
}
