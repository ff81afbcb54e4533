// The admin's session and every call to the server.
//
// Tokens live in this module's memory only. sessionStorage would survive a reload, but a
// duplicated tab copies it, and two tabs refreshing the same single-use refresh token count
// as reuse: the server then ends the whole family and both tabs get signed out.

import { newKey, proof, askedAgain } from './dpop.js';

const ROOT = new URL('../', import.meta.url); // this file is served at <root>/admin/api.js
const REFRESH_MARGIN_S = 60; // refresh this long before the access token expires

/** An error answer from the server, or a failure to reach it (status 0). */
export class ApiError extends Error {
  constructor(status, code, description, retryAfter) {
    super(description || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || '';
    this.description = description || '';
    this.retryAfter = retryAfter;
  }
}

let session = null; // { signIn, username, scopes, access, accessExpiresAt, refresh, refreshExpiresAt, key, bound }
let signIns = 0; // numbers each sign-in: an answer that comes late must not touch a later one
let refreshing = null;
let timer = null;
let onEnd = () => {};

/** Called with a message for the person when the session ends without them asking. */
export function onSessionEnd(fn) { onEnd = fn; }

export function currentUser() { return session && session.username; }

/**
 * One request; with a DPoP key (`key`, or the session's) it carries a proof, and is sent once more
 * if the server asks for a nonce. `bound`: the token is DPoP-bound, so it goes as `DPoP <token>`.
 */
async function send(method, path, body, accessToken, key = session && session.key, bound = session && session.bound) {
  let response = await sendOnce(method, path, body, accessToken, key, bound);
  if (key && await askedAgain(response)) response = await sendOnce(method, path, body, accessToken, key, bound);
  return response;
}

async function sendOnce(method, path, body, accessToken, key, bound) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (accessToken) headers.Authorization = `${bound ? 'DPoP' : 'Bearer'} ${accessToken}`;
  if (key) headers.DPoP = await proof(key, method, path, bound ? accessToken : undefined);
  try {
    return await fetch(new URL(path, ROOT), {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store', credentials: 'omit', redirect: 'error',
    });
  } catch (e) {
    throw new ApiError(0, 'network', 'The server could not be reached.');
  }
}

async function parse(response) {
  if (response.status === 204) return null;
  let data = null;
  try { data = await response.json(); } catch (e) { data = null; }
  if (response.ok) return data;
  const retry = Number.parseInt(response.headers.get('Retry-After') || '', 10);
  throw new ApiError(response.status, data && data.error, data && data.error_description,
    Number.isFinite(retry) ? retry : undefined);
}

/** The user name as stored (login ignores case): the `sub` claim of the access token. */
function subject(jwt, fallback) {
  try {
    const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0))));
    return typeof claims.sub === 'string' && claims.sub ? claims.sub : fallback;
  } catch (e) {
    return fallback;
  }
}

function adopt(typedName, t, signIn, key) {
  const now = Date.now();
  const username = subject(t.access_token, typedName);
  const scopes = (t.scope || '').split(' ').filter(Boolean);
  session = {
    signIn, username, scopes,
    access: t.access_token,
    accessExpiresAt: now + t.expires_in * 1000,
    refresh: t.refresh_token,
    refreshExpiresAt: t.refresh_expires_in ? now + t.refresh_expires_in * 1000 : Infinity,
    key, // the sign-in's DPoP key, or null
    bound: t.token_type === 'DPoP',
    // a call this close to expiry refreshes first rather than risk a 401 on the way
    earlyMs: Math.min(10_000, (t.expires_in * 1000) / 4),
  };
  clearTimeout(timer);
  const lead = Math.min(REFRESH_MARGIN_S, t.expires_in / 5);
  const delay = Math.max(5, t.expires_in - lead) * 1000;
  timer = setTimeout(() => { refresh().catch(() => {}); }, delay);
}

/** Signs in; resolves to the granted scopes, rejects with ApiError. */
export async function signIn(username, password) {
  const key = await newKey();
  const tokens = await parse(await send('POST', 'login', { username, password }, undefined, key, false));
  adopt(username, tokens, ++signIns, key);
  return { username: session.username, scopes: session.scopes };
}

/** Ends the session on the server (its whole refresh family) and here. */
export async function signOut() {
  const s = session;
  forget();
  if (s) {
    try { await parse(await send('POST', 'logout', { refresh_token: s.refresh }, undefined, s.key, false)); } catch (e) { /* gone anyway */ }
  }
}

function forget() {
  clearTimeout(timer);
  session = null;
  refreshing = null;
}

/** Ends sign-in number `signIn` with a message; a later sign-in is left alone. */
function end(signIn, message) {
  if (!live(signIn)) return;
  forget();
  onEnd(message);
}

const live = (signIn) => session !== null && session.signIn === signIn;

/** The access token of sign-in number `signIn`, or an error when it has ended meanwhile. */
function accessOf(signIn) {
  if (!live(signIn)) throw new ApiError(401, 'invalid_token', 'Signed out meanwhile.');
  return session.access;
}

/** One refresh at a time: a refresh token works once, so concurrent callers share the result. */
function refresh() {
  if (!refreshing) {
    const s = session;
    const mine = (async () => {
      if (!s) throw new ApiError(401, 'invalid_grant', 'Not signed in.');
      if (Date.now() >= s.refreshExpiresAt) {
        end(s.signIn, 'Your admin session reached its maximum length. Sign in again.');
        throw new ApiError(401, 'invalid_grant', 'Session expired.');
      }
      let tokens;
      try {
        tokens = await parse(await send('POST', 'refresh', { refresh_token: s.refresh }, undefined, s.key, false));
      } catch (e) {
        if (e.status === 401 || e.status === 400) end(s.signIn, 'Your session has ended (it was revoked or expired). Sign in again.');
        throw e;
      }
      if (session !== s) throw new ApiError(401, 'invalid_grant', 'Signed out meanwhile.');
      adopt(s.username, tokens, s.signIn, s.key);
      if (!session.scopes.includes('admin')) {
        const name = s.username;
        await signOut();
        onEnd(`${name} no longer holds the admin scope, so this page cannot be used with it.`);
        throw new ApiError(403, 'insufficient_scope', 'The admin scope was removed.');
      }
    })().finally(() => {
      if (refreshing === mine) refreshing = null; // not a later sign-in's refresh
    });
    refreshing = mine;
  }
  return refreshing;
}

/**
 * Calls the admin API with the access token, refreshing it first when it is about to expire.
 * On 401 it refreshes once and retries; if that fails too, the session ends with a message.
 */
export async function admin(method, path, body) {
  if (!session) throw new ApiError(401, 'invalid_token', 'Not signed in.');
  const signIn = session.signIn;
  // A refresh under way is about to replace the access token: wait for it rather than send the old one.
  if (refreshing || Date.now() > session.accessExpiresAt - session.earlyMs) {
    try { await refresh(); } catch (e) { if (!live(signIn)) throw e; }
  }
  const url = `admin/api/${path}`;
  let response = await send(method, url, body, accessOf(signIn));
  if (response.status === 401) {
    accessOf(signIn); // signed out meanwhile: refresh nothing
    await refresh();
    response = await send(method, url, body, accessOf(signIn));
    if (response.status === 401) {
      end(signIn, 'The server no longer accepts this session. Sign in again.');
    }
  }
  if (response.status === 403) {
    const err = await parse(response).catch((e) => e);
    end(signIn, `${currentUser() || 'This user'} is no longer allowed to use the admin API (scope admin missing). Sign in as an admin.`);
    throw err;
  }
  return parse(response);
}

/** Path segment for a user name or key id. */
export const seg = (s) => encodeURIComponent(s);

// Timers are throttled in background tabs: catch up when the tab is seen again.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && session &&
      Date.now() > session.accessExpiresAt - REFRESH_MARGIN_S * 1000) {
    refresh().catch(() => {});
  }
});
