// What each state of a signing key means, as the keys table shows it (contract "Round 2" F):
// next (published, signs from its date) -> current (signs) -> retiring (signs no more, published
// while its tokens live) -> gone; revoked is dropped from the key set at once.

import { el, time, utc, fromNow, cell } from './dom.js';

const BADGES = { next: 'info', current: 'ok', retiring: 'warn', revoked: 'bad', gone: 'off' };

/** Whether an admin may still revoke it: it is in the published key set. */
export const revocable = (key) => ['next', 'current', 'retiring'].includes(key.state);

const muted = (...text) => el('span', { className: 'muted' }, ...text);
const soon = (iso) => muted(` (${fromNow(iso)})`);

/** A revoked key that was revoked before its start never signed anything. */
const neverSigned = (key) => key.state === 'revoked' && key.revoked_at && key.activates_at
  && Date.parse(key.activates_at) > Date.parse(key.revoked_at);

function badge(key) {
  const state = String(key.state || 'unknown');
  return el('span', { className: `badge ${BADGES[state] || 'off'}` }, state);
}

function signsFrom(key) {
  if (neverSigned(key)) return muted('never (revoked first)');
  if (key.state === 'next') return el('span', {}, time(key.activates_at, 'unknown'), soon(key.activates_at));
  return time(key.activates_at, 'unknown');
}

function signsUntil(key) {
  if (key.state === 'next' || neverSigned(key)) return muted('–');
  if (key.state === 'current') {
    return key.retires_at ? el('span', {}, time(key.retires_at), soon(key.retires_at)) : muted('until rotated');
  }
  return time(key.retires_at, '–');
}

function publishedUntil(key) {
  if (key.state === 'revoked') return muted('no longer: revoked ', time(key.revoked_at, ''));
  if (key.state === 'next' || key.state === 'current') return muted('until its tokens expire');
  if (!key.published_until) return muted('–');
  const note = key.state === 'gone' ? muted(' (dropped)') : soon(key.published_until);
  return el('span', {}, time(key.published_until), note);
}

/** One row of the keys table; `action` is its Revoke button, or null. */
export function keyRow(key, action) {
  return el('tr', { dataset: { kid: String(key.kid), state: String(key.state) } },
    cell('Key ID', el('div', {}, el('span', { className: 'mono kid' }, String(key.kid)),
      el('span', { className: 'hint created' }, 'created ', time(key.created_at, 'unknown')))),
    cell('State', badge(key)),
    cell('Signs from', signsFrom(key)),
    cell('Signs until', signsUntil(key)),
    cell('Published until', publishedUntil(key)),
    cell('Actions', action));
}

/** The confirmation's words for revoking `key`: what stops working depends on its state. */
export function revokeWarning(key) {
  const kid = String(key.kid);
  if (key.state === 'current') {
    return `Key ${kid} signs now. Revoking it makes a freshly generated key sign at once (not the `
      + `published next key), and every token ${kid} signed stops verifying at once: agents holding `
      + 'one must refresh or log in again. Do this only if the key leaked.';
  }
  if (key.state === 'retiring') {
    const until = key.published_until ? ` until ${utc(key.published_until)}` : '';
    return `Key ${kid} signs no more, but the tokens it signed keep verifying${until}. Revoking it `
      + 'drops it from the published key set (JWKS) now, and those tokens stop verifying at once. '
      + 'Do this only if the key leaked.';
  }
  const from = key.activates_at ? `: it would sign from ${utc(key.activates_at)}` : '';
  return `Key ${kid} is published but has signed nothing yet${from}. Revoking it drops it from the `
    + 'key set; no token stops verifying, and a new next key can be published afterwards.';
}
