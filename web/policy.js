// An agent's own policy (issue 16): how its expiry, owner and last use read in the users table,
// the stale-agents filter, and the "Policy" form of the "Manage user" dialog.

import { el, fromNow } from './dom.js';

const DAY_MS = 86_400_000;

/** "expires in 3 days", "expired", or "never" (muted): the identity's own end. */
export function expiry(user) {
  if (!user.expires_at) return el('span', { className: 'muted' }, 'never');
  const at = Date.parse(user.expires_at);
  if (at <= Date.now()) return el('span', { className: 'badge bad', title: user.expires_at }, 'expired');
  return el('span', { title: user.expires_at, className: at - Date.now() < 7 * DAY_MS ? 'badge warn' : '' },
    `expires ${fromNow(user.expires_at)}`);
}

/** The last access token issued to it: "3 days ago", "just now", or "never". */
export function lastUse(user) {
  if (!user.last_used_at) return el('span', { className: 'muted' }, 'never');
  const ago = Date.now() - Date.parse(user.last_used_at);
  // the server records a use to the minute; a clock a little behind the server's is "just now" too
  return el('span', { title: user.last_used_at }, ago < 60_000 ? 'just now' : fromNow(user.last_used_at));
}

/**
 * Whether a user matches the stale filter: "" shows everyone, "expired" the expired, and a
 * number of days the users issued no token for that long (never used: since their creation).
 */
export function matchesStale(user, filter) {
  if (!filter) return true;
  if (filter === 'expired') return !!user.expires_at && Date.parse(user.expires_at) <= Date.now();
  const since = Date.parse(user.last_used_at || user.created_at);
  return Date.now() - since >= Number(filter) * DAY_MS;
}

/** The form's fields, by the API's names. */
const FIELDS = {
  owner: 'policy-owner',
  description: 'policy-description',
  expires_at: 'policy-expires',
  access_ttl: 'policy-access-ttl',
  refresh_ttl: 'policy-refresh-ttl',
  resources: 'policy-resources',
};

const byId = (id) => document.getElementById(id);

/** "2027-01-31T17:00:00Z" as the datetime-local value "2027-01-31T17:00:00" (the form is in UTC). */
const toLocalInput = (iso) => (iso ? iso.replace(/Z$/, '').slice(0, 19) : '');

/** Fills the policy form with the user's fields (empty: the server's default). */
export function showPolicy(user) {
  byId(FIELDS.owner).value = user.owner || '';
  byId(FIELDS.description).value = user.description || '';
  byId(FIELDS.expires_at).value = toLocalInput(user.expires_at);
  byId(FIELDS.access_ttl).value = user.access_ttl ?? '';
  byId(FIELDS.refresh_ttl).value = user.refresh_ttl ?? '';
  byId(FIELDS.resources).value = (user.resources || []).join(' ');
  const q = user.token_quota;
  byId('policy-per-hour').value = q && q.per_hour !== null ? q.per_hour : '';
  byId('policy-per-day').value = q && q.per_day !== null ? q.per_day : '';
  byId('policy-enforce').checked = !q || q.enforce !== false;
}

function wholeNumber(id, name) {
  const text = byId(id).value.trim();
  if (text === '') return { value: null };
  if (!/^\d+$/.test(text)) return { error: `${name} must be a whole number (or empty).` };
  return { value: Number(text) };
}

/**
 * What the form changes, as a PATCH body holding only changed fields (null: back to the
 * server's default); or { error } for a value the page can tell is wrong. The server checks
 * the rest (ranges, resources it serves) and names the field it refuses.
 */
export function policyChange(user) {
  const next = {
    owner: byId(FIELDS.owner).value.trim() || null,
    description: byId(FIELDS.description).value.trim() || null,
    resources: byId(FIELDS.resources).value.trim() ? [...new Set(byId(FIELDS.resources).value.trim().split(/\s+/))] : null,
  };
  const expires = byId(FIELDS.expires_at).value;
  next.expires_at = expires ? `${expires.length === 16 ? `${expires}:00` : expires.slice(0, 19)}Z` : null;
  for (const [field, name] of [['access_ttl', 'Access token lifetime'], ['refresh_ttl', 'Session lifetime']]) {
    const n = wholeNumber(FIELDS[field], name);
    if (n.error) return n;
    next[field] = n.value;
  }
  const hour = wholeNumber('policy-per-hour', 'Tokens per hour');
  const day = wholeNumber('policy-per-day', 'Tokens per day');
  if (hour.error || day.error) return hour.error ? hour : day;
  next.token_quota = hour.value === null && day.value === null ? null
    : { per_hour: hour.value, per_day: day.value, enforce: byId('policy-enforce').checked };
  const change = {};
  for (const [field, value] of Object.entries(next)) {
    if (JSON.stringify(value) !== JSON.stringify(user[field] ?? null)) change[field] = value;
  }
  return { change };
}
