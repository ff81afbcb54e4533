// The users table, its name filter, and the "New user" dialog.

import { admin, ApiError } from './api.js';
import { $, el, say, cell, scopeList, busy, parseScopes, checkUsername, checkSecret } from './dom.js';
import { describe } from './messages.js';
import { copyFrom, resetSecretField } from './secret.js';
import { openEditor } from './user-edit.js';
import { latestOnly } from './view-load.js';
import { expiry, lastUse, matchesStale } from './policy.js';

let users = [];
let load = null; // made in wireUsers, once the page exists

export function loadUsers() {
  say($('users-error'), '');
  return load(() => admin('GET', 'users'), (data) => {
    users = (data && data.users) || [];
    render();
  }, (err) => say($('users-error'), describe(err, 'load the users')));
}

/** Puts a changed user in the table (or removes it when `user` is null). */
export function replaceUser(name, user) {
  const i = users.findIndex((u) => u.username === name);
  if (user && i >= 0) users[i] = user;
  else if (user) users.push(user);
  else if (i >= 0) users.splice(i, 1);
  render();
  // A list asked for before this change may come back without it: ask again.
  if (load.pending()) loadUsers();
}

function render() {
  const filter = $('user-filter').value.trim().toLowerCase();
  const stale = $('user-stale').value;
  const shown = users
    .filter((u) => u.username.toLowerCase().includes(filter) && matchesStale(u, stale))
    .sort((a, b) => a.username.localeCompare(b.username, 'en', { sensitivity: 'base' }));
  const body = $('users-table').tBodies[0];
  body.replaceChildren(...shown.map(row));
  if (shown.length === 0) {
    const text = users.length === 0 ? 'No users yet.'
      : stale ? 'No user matches the filters.' : 'No user name matches the filter.';
    body.append(el('tr', { className: 'empty' }, el('td', { colSpan: 7 }, text)));
  }
  $('user-count').textContent = filter || stale
    ? `${shown.length} of ${users.length} users`
    : `${users.length} ${users.length === 1 ? 'user' : 'users'}`;
}

function row(user) {
  const manage = el('button', { type: 'button', className: 'secondary small', ariaLabel: `Manage ${user.username}` }, 'Manage');
  manage.addEventListener('click', () => openEditor(user, { onChange: replaceUser, onClose: focusRow }));
  return el('tr', { dataset: { user: user.username } },
    cell('Name', el('span', { className: 'mono name' }, user.username)),
    cell('Scopes', scopeList(user.scopes)),
    cell('Enabled', user.enabled
      ? el('span', { className: 'badge ok' }, 'enabled')
      : el('span', { className: 'badge off' }, 'disabled')),
    cell('Owner', user.owner ? el('span', { className: 'owner' }, user.owner) : el('span', { className: 'muted' }, 'none')),
    cell('Expires', expiry(user)),
    cell('Last used', lastUse(user)),
    cell('Actions', manage));
}

/** After the dialog closes: back to the user's row (re-rendered meanwhile), or the list. */
function focusRow(name) {
  const row = [...$('users-table').tBodies[0].rows].find((r) => r.dataset.user === name);
  const target = row ? row.querySelector('button') : $('new-user');
  if (target && !$('users-view').hidden) target.focus();
}

function showCreatedSecret(name, secret) {
  $('created-secret-title').textContent = `User ${name} created`;
  $('created-secret-value').value = secret;
  say($('created-secret-status'), '');
  $('created-secret').hidden = false;
  $('created-secret-copy').focus();
}

function hideCreatedSecret() {
  $('created-secret-value').value = '';
  $('created-secret').hidden = true;
}

async function create(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const error = $('create-error');
  const username = $('create-username').value.trim();
  const password = $('create-password').value;
  const parsed = parseScopes($('create-scopes').value);
  const owner = $('create-owner').value.trim();
  const problem = checkUsername(username) || parsed.error || checkSecret(password);
  if (problem) {
    say(error, problem);
    return;
  }
  say(error, '');
  await busy(form.querySelector('[type=submit]'), async () => {
    try {
      const user = await admin('POST', 'users', {
        username, password, scopes: parsed.scopes, enabled: $('create-enabled').checked, ...(owner ? { owner } : {}),
      });
      replaceUser(user.username, user);
      $('create-dialog').close();
      showCreatedSecret(user.username, password);
    } catch (err) {
      say(error, describe(err, 'create the user', {
        409: 'A user with that name already exists (names ignore upper and lower case).',
      }));
      if (err instanceof ApiError && err.status === 409) $('create-username').focus();
    }
  });
}

function openCreate() {
  const form = $('create-form');
  form.reset();
  resetSecretField($('create-password'));
  say($('create-error'), '');
  $('create-dialog').showModal();
  $('create-username').focus();
}

export function wireUsers() {
  load = latestOnly($('users-view'));
  $('user-filter').addEventListener('input', render);
  $('user-stale').addEventListener('change', render);
  $('users-reload').addEventListener('click', (e) => busy(e.currentTarget, loadUsers));
  $('new-user').addEventListener('click', openCreate);
  $('create-form').addEventListener('submit', create);
  $('created-secret-copy').addEventListener('click', async () => {
    say($('created-secret-status'), await copyFrom($('created-secret-value')));
  });
  $('created-secret-done').addEventListener('click', () => { hideCreatedSecret(); $('new-user').focus(); });
}

/** Forget everything shown, e.g. on sign-out. */
export function resetUsers() {
  load.drop();
  users = [];
  hideCreatedSecret();
  $('users-table').tBodies[0].replaceChildren();
  $('user-filter').value = '';
  $('user-stale').value = '';
  $('user-count').textContent = '';
}
