// The "Manage user" dialog: scopes and enabled, the agent's policy, a new secret, revoke
// sessions, clear the throttle, the kill switch, delete. Each action reports next to its own controls.

import { admin, seg } from './api.js';
import { $, say, time, busy, parseScopes, checkSecret } from './dom.js';
import { describe } from './messages.js';
import { copyFrom, resetSecretField } from './secret.js';
import { confirmAction } from './confirm.js';
import { expiry, lastUse, showPolicy, policyChange } from './policy.js';

const LAST_ADMIN = 'agent-auth keeps at least one enabled admin: this change would leave none.';
let user = null;
let onChange = () => {};
let onClose = () => {};

function show(u) {
  user = u;
  $('edit-name').textContent = u.username;
  $('edit-created').replaceChildren(time(u.created_at, 'unknown'));
  $('edit-updated').replaceChildren(time(u.updated_at, 'unknown'));
  $('edit-last-login').replaceChildren(time(u.last_login_at));
  $('edit-last-used').replaceChildren(lastUse(u));
  $('edit-expiry').replaceChildren(expiry(u));
  showPolicy(u);
  $('edit-scopes').value = (u.scopes || []).join(' ');
  $('edit-enabled').checked = !!u.enabled;
}

const gone = (name) => `No user named ${name} any more: someone deleted it. Close this dialog and reload.`;

export function openEditor(u, handlers) {
  onChange = handlers.onChange;
  onClose = handlers.onClose;
  for (const id of ['edit-error', 'edit-status', 'policy-error', 'policy-status', 'secret-error', 'secret-status', 'sessions-error',
    'sessions-status', 'kill-error', 'kill-status', 'delete-error']) say($(id), '');
  resetSecretField($('secret-password'));
  $('secret-once').hidden = true;
  $('secret-once-value').value = '';
  show(u);
  $('edit-dialog').showModal();
  $('edit-scopes').focus();
}

async function save(event) {
  event.preventDefault();
  const parsed = parseScopes($('edit-scopes').value);
  if (parsed.error) {
    say($('edit-error'), parsed.error);
    return;
  }
  say($('edit-error'), '');
  say($('edit-status'), '');
  const name = user.username;
  // Only what changed: the audit log then records what the admin actually did.
  const change = {};
  if ([...parsed.scopes].sort().join(' ') !== [...(user.scopes || [])].sort().join(' ')) change.scopes = parsed.scopes;
  if ($('edit-enabled').checked !== !!user.enabled) change.enabled = $('edit-enabled').checked;
  if (Object.keys(change).length === 0) {
    say($('edit-status'), 'Nothing changed.');
    return;
  }
  await busy(event.currentTarget.querySelector('[type=submit]'), async () => {
    try {
      const updated = await admin('PATCH', `users/${seg(name)}`, change);
      show(updated);
      onChange(name, updated);
      say($('edit-status'), `Saved at ${new Date().toLocaleTimeString()}.`);
    } catch (err) {
      say($('edit-error'), describe(err, 'save the changes', { 409: LAST_ADMIN, 404: gone(name) }));
    }
  });
}

async function savePolicy(event) {
  event.preventDefault();
  say($('policy-error'), '');
  say($('policy-status'), '');
  const { change, error } = policyChange(user);
  if (error) {
    say($('policy-error'), error);
    return;
  }
  if (Object.keys(change).length === 0) {
    say($('policy-status'), 'Nothing changed.');
    return;
  }
  const name = user.username;
  await busy(event.currentTarget.querySelector('[type=submit]'), async () => {
    try {
      const updated = await admin('PATCH', `users/${seg(name)}`, change);
      show(updated);
      onChange(name, updated);
      say($('policy-status'), `Policy saved at ${new Date().toLocaleTimeString()}.`);
    } catch (err) {
      // the server names the field it refuses (400 invalid_request)
      say($('policy-error'), describe(err, 'save the policy', { 404: gone(name) }));
    }
  });
}

async function setSecret(event) {
  event.preventDefault();
  const input = $('secret-password');
  const password = input.value;
  const problem = checkSecret(password);
  say($('secret-status'), '');
  if (problem) {
    say($('secret-error'), problem);
    return;
  }
  say($('secret-error'), '');
  const name = user.username;
  await busy(event.currentTarget.querySelector('[type=submit]'), async () => {
    try {
      const updated = await admin('PATCH', `users/${seg(name)}`, { password });
      show(updated);
      onChange(name, updated);
      resetSecretField(input);
      $('secret-once-value').value = password;
      $('secret-once').hidden = false;
      say($('secret-status'), `Secret set; ${name}'s sessions have ended. Copy it now: it is not shown again.`);
    } catch (err) {
      say($('secret-error'), describe(err, 'set the secret', { 404: gone(name) }));
    }
  });
}

async function revoke(event) {
  const name = user.username;
  say($('sessions-error'), '');
  say($('sessions-status'), '');
  await busy(event.currentTarget, async () => {
    try {
      const result = await admin('POST', `users/${seg(name)}/revoke`);
      const n = result && Number.isInteger(result.revoked) ? result.revoked : 0;
      say($('sessions-status'), `Revoked ${n} ${n === 1 ? 'session' : 'sessions'} of ${name}.`);
    } catch (err) {
      say($('sessions-error'), describe(err, 'revoke the sessions', { 404: gone(name) }));
    }
  });
}

async function unthrottle(event) {
  const name = user.username;
  say($('sessions-error'), '');
  say($('sessions-status'), '');
  await busy(event.currentTarget, async () => {
    try {
      await admin('POST', `users/${seg(name)}/unthrottle`);
      say($('sessions-status'), `Cleared the login throttle of ${name}.`);
    } catch (err) {
      // Kept general on 404: a server without throttling answers it for the route itself.
      say($('sessions-error'), describe(err, 'clear the throttle'));
    }
  });
}

/** The kill switch (issue 16): disabled, every session ended, every access token refused. */
async function kill(event) {
  const button = event.currentTarget;
  const name = user.username;
  say($('kill-error'), '');
  say($('kill-status'), '');
  const sure = await confirmAction({
    title: `Kill ${name} now?`,
    text: `${name} is disabled at once, every session of ${name} ends, and every access token it holds `
      + 'is refused by every service within seconds (agent-auth itself refuses them at once). It cannot '
      + 'log in again until an admin enables it: set a new secret first if the secret leaked.',
    ok: `Kill ${name}`,
  });
  if (!sure) {
    $('edit-kill').focus();
    return;
  }
  const before = user;
  await busy(button, async () => {
    try {
      const result = await admin('POST', `users/${seg(name)}/kill`);
      const n = result && Number.isInteger(result.revoked) ? result.revoked : 0;
      // The row and the form show the user as the server now has it (disabled).
      const updated = await admin('GET', `users/${seg(name)}`).catch(() => ({ ...before, enabled: false }));
      if (user && user.username === name) show(updated);
      onChange(name, updated);
      say($('kill-status'), `Killed ${name}: disabled, ${n} ${n === 1 ? 'session' : 'sessions'} ended; `
        + 'services refuse its access tokens within seconds.');
    } catch (err) {
      say($('kill-error'), describe(err, `kill ${name}`, {
        409: `agent-auth keeps at least one enabled admin: killing ${name} would leave none.`, 404: gone(name),
      }));
    }
  });
}

async function remove(event) {
  const button = event.currentTarget;
  const name = user.username;
  say($('delete-error'), '');
  const sure = await confirmAction({
    title: `Delete ${name}?`,
    text: `The user ${name} and all of its sessions end at once; agents using its secret can no longer log in. This cannot be undone.`,
    ok: `Delete ${name}`,
  });
  if (!sure) {
    $('edit-delete').focus();
    return;
  }
  await busy(button, async () => {
    try {
      await admin('DELETE', `users/${seg(name)}`);
      onChange(name, null);
      $('edit-dialog').close();
    } catch (err) {
      say($('delete-error'), describe(err, 'delete the user', { 409: LAST_ADMIN, 404: gone(name) }));
    }
  });
}

export function wireEditor() {
  $('edit-form').addEventListener('submit', save);
  $('policy-form').addEventListener('submit', savePolicy);
  $('secret-form').addEventListener('submit', setSecret);
  $('edit-revoke').addEventListener('click', revoke);
  $('edit-unthrottle').addEventListener('click', unthrottle);
  $('edit-kill').addEventListener('click', kill);
  $('edit-delete').addEventListener('click', remove);
  $('secret-once-copy').addEventListener('click', async () => {
    say($('secret-status'), await copyFrom($('secret-once-value')));
  });
  $('edit-dialog').addEventListener('close', () => {
    $('secret-once-value').value = '';
    resetSecretField($('secret-password'));
    const name = user && user.username;
    user = null;
    onClose(name);
  });
}
