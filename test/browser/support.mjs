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

/** An admin's bearer token for checking the server's state behind the page's back. */
export async function adminGet(path) {
  const t = await login('admin', ADMIN_PASSWORD);
  if (t.status !== 200) throw new Error(`admin login for checks failed: ${t.status}`);
  const res = await fetch(BASE + path, { headers: { Authorization: `Bearer ${t.body.access_token}` } });
  const body = res.status === 204 ? null : await res.json();
  await post('/logout', { refresh_token: t.body.refresh_token });
  return { status: res.status, body };
}

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
