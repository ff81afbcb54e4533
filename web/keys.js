// Signing keys: each key's state and dates; publish the next key ahead, rotate at once, revoke.

import { admin, seg } from './api.js';
import { $, el, say, utc, fromNow, busy } from './dom.js';
import { describe } from './messages.js';
import { confirmAction } from './confirm.js';
import { latestOnly } from './view-load.js';
import { keyRow, revocable, revokeWarning } from './key-states.js';

let load = null; // made in wireKeys, once the page exists
let keys = []; // as last shown

export function loadKeys() {
  say($('keys-error'), '');
  return load(() => admin('GET', 'keys'), (data) => render((data && data.keys) || []),
    (err) => say($('keys-error'), describe(err, 'load the signing keys')));
}

function render(list) {
  keys = list;
  const body = $('keys-table').tBodies[0];
  body.replaceChildren(...list.map((key) => {
    let action = null;
    if (revocable(key)) {
      action = el('button', { type: 'button', className: 'danger small', ariaLabel: `Revoke key ${key.kid}` }, 'Revoke');
      action.addEventListener('click', () => revokeKey(key, action));
    }
    return keyRow(key, action);
  }));
  if (list.length === 0) body.append(el('tr', { className: 'empty' }, el('td', { colSpan: 6 }, 'No keys.')));
}

function clearMessages() {
  say($('keys-error'), '');
  say($('keys-status'), '');
}

/** No body: the server publishes a next key that signs after its publish-ahead time (or names the one it has). */
async function publish(event) {
  clearMessages();
  const known = keys.find((k) => k.state === 'next');
  await busy(event.currentTarget, async () => {
    try {
      const made = await admin('POST', 'keys/rotate');
      const when = `it signs from ${utc(made.activates_at)} (${fromNow(made.activates_at)})`;
      say($('keys-status'), known && known.kid === made.kid
        ? `Key ${made.kid} was already published; ${when}.`
        : `Key ${made.kid} is published; ${when}. Until then the current key signs.`);
      await loadKeys();
    } catch (err) {
      say($('keys-error'), describe(err, 'publish the next key'));
    }
  });
}

async function rotateNow(event) {
  const button = event.currentTarget;
  clearMessages();
  const sure = await confirmAction({
    title: 'Rotate the signing key now?',
    text: 'A new key signs every token from now on. Tokens the current key signed keep verifying until '
      + 'they expire: it stays published, but signs no more. Services that cached the key set fetch it '
      + 'again when they first meet the new key; Publish next key spares them that.',
    ok: 'Rotate now',
  });
  if (!sure) {
    button.focus();
    return;
  }
  await busy(button, async () => {
    try {
      const made = await admin('POST', 'keys/rotate', { immediate: true });
      say($('keys-status'), `Key ${made.kid} signs from now on; the key before it retires.`);
      await loadKeys();
    } catch (err) {
      say($('keys-error'), describe(err, 'rotate the signing key'));
    }
  });
}

async function revokeKey(key, button) {
  clearMessages();
  // The title names the key; a 43-character id would not fit in the button at 360 px.
  const sure = await confirmAction({ title: `Revoke key ${key.kid}?`, text: revokeWarning(key), ok: 'Revoke this key' });
  if (!sure) {
    button.focus();
    return;
  }
  await busy(button, async () => {
    try {
      // Revoking the key that signed this page's access token makes the reload below answer
      // 401 once: the page refreshes (refresh tokens are not signed) and goes on.
      await admin('POST', `keys/${seg(key.kid)}/revoke`);
      await loadKeys();
      const fresh = keys.find((k) => k.state === 'current' && k.kid !== key.kid);
      say($('keys-status'), key.state === 'current' && fresh
        ? `Revoked key ${key.kid}. Key ${fresh.kid} signs from now on.`
        : `Revoked key ${key.kid}.`);
    } catch (err) {
      say($('keys-error'), describe(err, `revoke key ${key.kid}`));
    }
  });
}

export function wireKeys() {
  load = latestOnly($('keys-view'));
  $('keys-publish').addEventListener('click', publish);
  $('keys-rotate').addEventListener('click', rotateNow);
}

export function resetKeys() {
  load.drop();
  keys = [];
  $('keys-table').tBodies[0].replaceChildren();
  clearMessages();
}
