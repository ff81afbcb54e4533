// The audit log: newest first, filtered by user and event type, paged with the server's
// `next` cursor (sent back as `before`).

import { admin } from './api.js';
import { $, el, say, time, cell, busy } from './dom.js';
import { describe } from './messages.js';
import { latestOnly } from './view-load.js';

const TYPES = ['login', 'login_failed', 'throttled', 'refresh_reuse', 'logout', 'revoke',
  'user_created', 'user_updated', 'user_deleted', 'user_killed', 'key_published', 'key_rotated',
  'key_retired', 'key_revoked', 'family_evicted', 'startup'];

// cursors[i] is the `before` of page i (undefined for the newest page); next is the cursor
// of the page after the one shown, null at the end.
let cursors = [undefined];
let page = 0;
let next = null;
let load = null; // made in wireAudit, once the page exists

function filters() {
  const params = new URLSearchParams();
  params.set('limit', $('audit-limit').value);
  const user = $('audit-user').value.trim();
  const type = $('audit-type').value;
  if (user) params.set('user', user);
  if (type) params.set('type', type);
  return params;
}

function show(index) {
  const params = filters();
  if (cursors[index] !== undefined && cursors[index] !== null) params.set('before', String(cursors[index]));
  say($('audit-error'), '');
  return load(() => admin('GET', `audit?${params}`), (data) => {
    page = index;
    next = data && data.next !== undefined ? data.next : null;
    cursors = cursors.slice(0, index + 1);
    render((data && data.events) || []);
  }, (err) => say($('audit-error'), describe(err, 'load the audit log')));
}

function detail(value) {
  if (value === null || value === undefined || value === '') return el('span', { className: 'muted' }, '–');
  return el('span', { className: 'detail' }, typeof value === 'string' ? value : JSON.stringify(value));
}

const dash = (v) => (v === null || v === undefined || v === '' ? el('span', { className: 'muted' }, '–') : String(v));

function render(events) {
  const body = $('audit-table').tBodies[0];
  body.replaceChildren(...events.map((e) => el('tr', {},
    cell('Time', time(e.time, 'unknown')),
    cell('Event', el('span', { className: `event ev-${String(e.type).replace(/[^a-z_]/g, '')}` }, String(e.type))),
    cell('User', el('span', { className: 'who' }, dash(e.user))),
    cell('Actor', el('span', { className: 'who' }, dash(e.actor))),
    cell('Address', el('span', { className: 'mono' }, dash(e.address))),
    cell('Detail', detail(e.detail)))));
  if (events.length === 0) {
    body.append(el('tr', { className: 'empty' }, el('td', { colSpan: 6 }, 'No events match.')));
  }
  $('audit-older').disabled = next === null;
  $('audit-newer').disabled = page === 0;
  $('audit-newest').disabled = page === 0;
  $('audit-page').textContent = `Page ${page + 1}`;
}

export function loadAudit() {
  cursors = [undefined];
  return show(0);
}

export function wireAudit() {
  load = latestOnly($('audit-view'));
  const select = $('audit-type');
  for (const type of TYPES) select.append(el('option', { value: type }, type));
  $('audit-form').addEventListener('submit', (e) => {
    e.preventDefault();
    busy(e.currentTarget.querySelector('[type=submit]'), loadAudit);
  });
  $('audit-older').addEventListener('click', (e) => {
    if (next === null) return;
    cursors[page + 1] = next;
    busy(e.currentTarget, () => show(page + 1));
  });
  $('audit-newer').addEventListener('click', (e) => busy(e.currentTarget, () => show(Math.max(0, page - 1))));
  $('audit-newest').addEventListener('click', (e) => busy(e.currentTarget, loadAudit));
}

export function resetAudit() {
  load.drop();
  cursors = [undefined];
  page = 0;
  next = null;
  $('audit-table').tBodies[0].replaceChildren();
  $('audit-page').textContent = '';
}
