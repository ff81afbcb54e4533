// Signing keys: which one signs, until when each stays in the JWKS; rotate and revoke.

import { admin, seg } from './api.js';
import { $, el, say, time, cell, busy } from './dom.js';
import { describe } from './messages.js';
import { confirmAction } from './confirm.js';
import { latestOnly } from './view-load.js';

let load = null; // made in wireKeys, once the page exists

export function loadKeys() {
  say($('keys-error'), '');
  return load(() => admin('GET', 'keys'), (data) => render((data && data.keys) || []),
    (err) => say($('keys-error'), describe(err, 'load the signing keys')));
}

function published(key) {
  if (key.revoked_at) return el('span', { className: 'muted' }, 'no longer (revoked ', time(key.revoked_at), ')');
  if (key.published_until) {
    const past = Date.parse(key.published_until) <= Date.now();
    return el('span', {}, time(key.published_until), past ? el('span', { className: 'muted' }, ' (dropped)') : null);
  }
  return el('span', { className: 'muted' }, key.signing ? 'while it signs' : '–');
}

function state(key) {
  if (key.revoked_at) return el('span', { className: 'badge bad' }, 'revoked');
  return key.signing ? el('span', { className: 'badge ok' }, 'signing') : el('span', { className: 'badge off' }, 'not signing');
}

function render(keys) {
  const body = $('keys-table').tBodies[0];
  body.replaceChildren(...keys.map((key) => {
    let action = null;
    if (!key.revoked_at) {
      action = el('button', { type: 'button', className: 'danger small', ariaLabel: `Revoke key ${key.kid}` }, 'Revoke');
      action.addEventListener('click', () => revokeKey(key, action));
    }
    return el('tr', { dataset: { kid: String(key.kid) } },
      cell('Key ID', el('span', { className: 'mono kid' }, String(key.kid))),
      cell('Created', time(key.created_at, 'unknown')),
      cell('Signing', state(key)),
      cell('Published until', published(key)),
      cell('Actions', action));
  }));
  if (keys.length === 0) body.append(el('tr', { className: 'empty' }, el('td', { colSpan: 5 }, 'No keys.')));
}

async function rotate(event) {
  say($('keys-error'), '');
  say($('keys-status'), '');
  await busy(event.currentTarget, async () => {
    try {
      const result = await admin('POST', 'keys/rotate', { immediate: true }); // signs at once: the page's Rotate now
      say($('keys-status'), result && result.kid ? `Key ${result.kid} signs from now on.` : 'Rotated the signing key.');
      await loadKeys();
    } catch (err) {
      say($('keys-error'), describe(err, 'rotate the signing key'));
    }
  });
}

async function revokeKey(key, button) {
  say($('keys-error'), '');
  say($('keys-status'), '');
  const warning = key.signing
    ? ' It is the key that signs now: rotate first, or the server refuses.'
    : ' Tokens it signed stop verifying at once.';
  const sure = await confirmAction({
    title: `Revoke key ${key.kid}?`,
    text: `Key ${key.kid} leaves the published key set (JWKS) now.${warning} Do this only if the key leaked.`,
    ok: `Revoke ${key.kid}`,
  });
  if (!sure) {
    button.focus();
    return;
  }
  await busy(button, async () => {
    try {
      await admin('POST', `keys/${seg(key.kid)}/revoke`);
      say($('keys-status'), `Revoked key ${key.kid}.`);
      await loadKeys();
    } catch (err) {
      say($('keys-error'), describe(err, `revoke key ${key.kid}`, {
        409: `Key ${key.kid} signs now, so it cannot be revoked: rotate first, then revoke it.`,
      }));
    }
  });
}

export function wireKeys() {
  load = latestOnly($('keys-view'));
  $('keys-rotate').addEventListener('click', rotate);
}

export function resetKeys() {
  load.drop();
  $('keys-table').tBodies[0].replaceChildren();
  say($('keys-status'), '');
}
