// Entry point of the admin page: sign-in, sign-out and the three views (#users, #audit, #keys).

import { signIn, signOut, onSessionEnd, currentUser } from './api.js';
import { $, say, busy } from './dom.js';
import { describe } from './messages.js';
import { wireSecretFields } from './secret.js';
import { wireUsers, loadUsers, resetUsers } from './users.js';
import { wireEditor } from './user-edit.js';
import { wireAudit, loadAudit, resetAudit } from './audit.js';
import { wireKeys, loadKeys, resetKeys } from './keys.js';

const VIEWS = { users: loadUsers, audit: loadAudit, keys: loadKeys };

function currentView() {
  const name = location.hash.slice(1);
  return Object.hasOwn(VIEWS, name) ? name : 'users';
}

function showView() {
  if (!currentUser()) return;
  const name = currentView();
  for (const view of Object.keys(VIEWS)) $(`${view}-view`).hidden = view !== name;
  for (const link of document.querySelectorAll('.tabs a')) {
    if (link.dataset.view === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  VIEWS[name]();
}

function showSignIn(message) {
  for (const dialog of document.querySelectorAll('dialog[open]')) dialog.close();
  resetUsers();
  resetAudit();
  resetKeys();
  $('app-view').hidden = true;
  $('whoami').hidden = true;
  $('whoami-name').textContent = '';
  $('signin-view').hidden = false;
  showNotice(message);
  $('signin-password').value = '';
  $('signin-username').focus();
}

/** The notice above the sign-in form; hidden and empty without a message, so that no old
 * message lingers in the page to be read again later. */
function showNotice(message) {
  const notice = $('signin-notice');
  notice.textContent = message || '';
  notice.hidden = !message;
}

function showApp() {
  $('signin-view').hidden = true;
  $('whoami-name').textContent = currentUser();
  $('whoami').hidden = false;
  $('app-view').hidden = false;
  say($('app-notice'), '');
  $('app-notice').hidden = true;
  showView();
  $('main').focus();
}

async function submitSignIn(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const error = $('signin-error');
  const username = $('signin-username').value.trim();
  const password = $('signin-password').value;
  if (!username || !password) {
    say(error, 'Enter the name and the secret.');
    (username ? $('signin-password') : $('signin-username')).focus();
    return;
  }
  say(error, '');
  await busy(form.querySelector('[type=submit]'), async () => {
    try {
      const who = await signIn(username, password);
      if (!who.scopes.includes('admin')) {
        await signOut();
        say(error, `Signed in as ${who.username}, but this user lacks the admin scope, so it cannot manage agent-auth. Sign in as an admin.`);
        return;
      }
      $('signin-password').value = '';
      showNotice('');
      showApp();
    } catch (err) {
      say(error, describe(err, 'sign in', {
        401: 'Wrong name or secret (or the user is disabled).',
        429: (e) => `Too many failed attempts for this name. Try again in ${e.retryAfter ?? 'a few'} seconds, or ask an admin to clear the throttle.`,
        '400 invalid_request': (e) => `Could not sign in: ${e.description || 'the server refused the request.'}`,
      }));
      $('signin-password').select();
    }
  });
}

function wire() {
  $('signin-form').addEventListener('submit', submitSignIn);
  $('sign-out').addEventListener('click', async (e) => {
    await busy(e.currentTarget, signOut);
    showSignIn('You have signed out.');
  });
  onSessionEnd((message) => showSignIn(message));
  window.addEventListener('hashchange', showView);
  for (const button of document.querySelectorAll('dialog [data-close]')) {
    button.addEventListener('click', () => button.closest('dialog').close());
  }
  wireSecretFields(document);
  wireUsers();
  wireEditor();
  wireAudit();
  wireKeys();
}

wire();
showSignIn('');
