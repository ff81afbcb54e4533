// Helpers for the browser tests: plain HTTP calls to the server under test, and page
// watchers (CSP violations, JavaScript dialogs, tokens the page received).

import fs from 'node:fs';

export const BASE = (process.env.AGENT_AUTH_URL || '').replace(/\/+$/, '');
export const ADMIN_PASSWORD = process.env.AGENT_AUTH_ADMIN_PASSWORD || '';
export const SHOTS = process.env.SCREENSHOT_DIR || 'build/screenshots';

/** POST JSON to the server; resolves to { status, body, headers }. */
export async function post(path, body, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(BASE + path, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  return { status: res.status, body: json, headers: res.headers };
}

export const login = (username, password) => post('/login', { username, password });

/** GET with an optional bearer token; resolves to { status, body } (body null unless JSON). */
export async function get(path, token) {
  const res = await fetch(BASE + path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
  return { status: res.status, body };
}

/** GETs or POSTs to the admin API as admin, to set up or check the server's state behind the page's back. */
export async function asAdmin(method, path, body) {
  const t = await login('admin', ADMIN_PASSWORD);
  if (t.status !== 200) throw new Error(`admin login for checks failed: ${t.status}`);
  const res = method === 'GET' ? await get(path, t.body.access_token) : await post(path, body, t.body.access_token);
  await post('/logout', { refresh_token: t.body.refresh_token });
  return res;
}

export const adminGet = (path) => asAdmin('GET', path);

/** The header (0) or claims (1) of a JWT, unverified. */
export const jwtPart = (token, i) => JSON.parse(Buffer.from(token.split('.')[i], 'base64url').toString());

/** Records what the page does that a test must be able to see afterwards. */
export function watch(page) {
  const seen = { csp: [], dialogs: [], pageErrors: [], tokens: [] };
  page.on('console', (msg) => {
    if (/Content[- ]Security[- ]Policy/i.test(msg.text())) seen.csp.push(msg.text());
  });
  page.on('pageerror', (err) => seen.pageErrors.push(String(err)));
  page.on('dialog', (dialog) => {
    seen.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  page.on('response', async (res) => {
    const path = new URL(res.url()).pathname;
    if ((path === '/login' || path === '/refresh') && res.status() === 200) {
      try { seen.tokens.push({ via: path, ...(await res.json()) }); } catch (e) { /* body gone with the page */ }
    }
  });
  return seen;
}

/** Runs in the page before its own scripts: counts CSP violations the console may not show. */
export function cspProbe() {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
  });
}

export function screenshotDir() {
  fs.mkdirSync(SHOTS, { recursive: true });
  return SHOTS;
}
