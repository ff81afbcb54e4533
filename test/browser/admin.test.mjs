// Browser tests of the admin page, in headless Chromium against a real agent-auth server.
// Run by test/browser/run.sh, which starts the server and sets AGENT_AUTH_URL and
// AGENT_AUTH_ADMIN_PASSWORD. One story, in order: each test leaves the page where the next
// one starts.

import { test, run, launch, assert } from './harness.mjs';
import path from 'node:path';
import { BASE, ADMIN_PASSWORD, post, login, adminGet, watch, cspProbe, screenshotDir } from './support.mjs';
import { until, signIn, openUser, userRow, createUser, textOf } from './steps.mjs';
import { screenshots } from './screenshots.mjs';

const AGENT = 'agent-one';
const XSS_SCOPE = '<img/src/onerror=alert(1)>';
const state = {};

test('the page is served with the content security policy and safe headers', async ({ page }) => {
  const res = await fetch(`${BASE}/admin/`);
  assert.equal(res.status, 200);
  const csp = res.headers.get('content-security-policy') || '';
  for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'",
    "connect-src 'self'", "form-action 'none'", "frame-ancestors 'none'", "base-uri 'none'"]) {
    assert.ok(csp.includes(directive), `CSP lacks ${directive}: ${csp}`);
  }
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  const root = await fetch(`${BASE}/`, { redirect: 'manual' });
  assert.ok([301, 302, 303, 307, 308].includes(root.status), `/ answered ${root.status}`);
  assert.match(root.headers.get('location') || '', /\/admin\/$/);
  const response = await page.goto(`${BASE}/admin/`);
  assert.ok(response.headers()['content-security-policy'], 'the browser got no CSP header');
  await page.locator('#signin-form').waitFor();
});

test('every input has a label', async ({ page }) => {
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
    .filter((i) => i.labels.length === 0 && !i.getAttribute('aria-label'))
    .map((i) => i.id || i.name));
  assert.deepEqual(unlabelled, []);
});

test('a wrong secret shows an error next to the sign-in form', async ({ page }) => {
  await page.locator('#signin-username').fill('admin');
  await page.locator('#signin-password').fill('definitely-not-the-secret');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const error = page.locator('#signin-error');
  await error.waitFor();
  assert.match(await error.textContent(), /wrong name or secret/i);
  assert.ok(await page.locator('#app-view').isHidden());
});

test('an admin signs in with the keyboard alone and sees the users table', async ({ page }) => {
  await page.goto(`${BASE}/admin/`);
  await page.locator('#signin-username:focus').waitFor();
  await page.keyboard.type('admin');
  await page.keyboard.press('Tab');
  await page.keyboard.type(ADMIN_PASSWORD);
  await page.keyboard.press('Enter');
  await userRow(page, 'admin').waitFor();
  assert.equal(await textOf(page, '#whoami-name'), 'admin');
  assert.match(await textOf(page, '#users-table tbody tr[data-user="admin"]'), /admin.*enabled/s);
  // visible focus: the focused control draws an outline
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'the focused element has no visible outline');
});

test('creating a user with a generated secret shows it once, and the agent can log in with it', async (ctx) => {
  const { page } = ctx;
  await createUser(page, { name: AGENT, scopes: 'orders:read orders:write', generate: true });
  const panel = page.locator('#created-secret');
  await panel.waitFor();
  const secret = await page.locator('#created-secret-value').inputValue();
  assert.match(secret, /^[A-Za-z0-9_-]{43}$/, 'a generated secret is 256 bits in base64url');
  assert.match(await textOf(page, '#created-secret-title'), new RegExp(AGENT));
  await page.locator('#created-secret-copy').click();
  await until(async () => /copied|selected/i.test(await textOf(page, '#created-secret-status')), 'copy status');
  const clip = await page.evaluate(() => navigator.clipboard.readText().catch(() => null));
  if (clip !== null) assert.equal(clip, secret);
  const row = userRow(page, AGENT);
  await row.waitFor();
  assert.match(await row.textContent(), /orders:read.*orders:write.*enabled.*never/s);
  const res = await login(AGENT, secret);
  assert.equal(res.status, 200, `login with the shown secret: ${JSON.stringify(res.body)}`);
  assert.deepEqual(res.body.scope.split(' ').sort(), ['orders:read', 'orders:write']);
  state.secret = secret;
  await page.getByRole('button', { name: 'Done, hide it' }).click();
  assert.ok(await panel.isHidden());
  assert.equal(await page.locator('#created-secret-value').inputValue(), '', 'the secret is gone from the page');
});

test('a second user with the same name is refused with a clear message in the dialog', async ({ page }) => {
  await createUser(page, { name: AGENT.toUpperCase(), scopes: '', password: 'another-long-secret-1' });
  const error = page.locator('#create-error');
  await error.waitFor();
  assert.match(await error.textContent(), /already exists/i);
  await page.locator('#create-dialog [data-close]').click();
  assert.ok(await page.locator('#create-dialog').isHidden());
});

test('filtering by name shows only matching users', async ({ page }) => {
  await page.getByLabel('Filter by name').fill('AGENT');
  await until(async () => (await page.locator('#users-table tbody tr[data-user]').count()) === 1, 'one match');
  await userRow(page, AGENT).waitFor();
  await page.getByLabel('Filter by name').fill('no-such-user-zzz');
  await until(async () => /no user name matches/i.test(await textOf(page, '#users-table tbody')), 'empty message');
  await page.getByLabel('Filter by name').fill('');
  await userRow(page, 'admin').waitFor();
});

test('dialogs close with Escape and give the focus back to the row', async ({ page }) => {
  await page.getByRole('button', { name: `Manage ${AGENT}`, exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.locator('#edit-dialog').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'edit-scopes');
  await page.keyboard.press('Escape');
  await until(async () => page.locator('#edit-dialog').isHidden(), 'dialog closes');
  await until(async () => (await page.evaluate(() => document.activeElement.getAttribute('aria-label'))) === `Manage ${AGENT}`,
    'focus back on the Manage button');
});

test('editing scopes changes what the agent is granted', async ({ page }) => {
  await openUser(page, AGENT);
  await page.locator('#edit-scopes').fill('orders:read reports:read');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await until(async () => /saved/i.test(await textOf(page, '#edit-status')), 'saved status');
  const res = await login(AGENT, state.secret);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.scope.split(' ').sort(), ['orders:read', 'reports:read']);
  state.agentRefresh = res.body.refresh_token;
  const server = await adminGet(`/admin/api/users/${AGENT}`);
  assert.deepEqual([...server.body.scopes].sort(), ['orders:read', 'reports:read']);
});

test('revoking sessions ends the agent\'s refresh tokens and says how many', async ({ page }) => {
  await page.getByRole('button', { name: 'Revoke sessions' }).click();
  await until(async () => /revoked [1-9]\d* sessions?/i.test(await textOf(page, '#sessions-status')), 'revoked status');
  const res = await post('/refresh', { refresh_token: state.agentRefresh });
  assert.equal(res.status, 401, 'a revoked refresh token must not work');
});

test('clearing the throttle reports success or the server\'s reason', async ({ page }) => {
  await page.getByRole('button', { name: 'Clear throttle' }).click();
  await until(async () => (await textOf(page, '#sessions-status')).includes('throttle')
    || (await page.locator('#sessions-error').isVisible()), 'unthrottle outcome');
  const ok = /cleared the login throttle/i.test(await textOf(page, '#sessions-status'));
  if (!ok) {
    console.log(`    note: unthrottle answered: ${await textOf(page, '#sessions-error')}`);
    assert.match(await textOf(page, '#sessions-error'), /could not clear the throttle: \S/i);
  }
});

test('a disabled user cannot log in', async ({ page }) => {
  await page.locator('#edit-enabled').uncheck();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await until(async () => /saved/i.test(await textOf(page, '#edit-status')), 'saved status');
  const res = await login(AGENT, state.secret);
  assert.equal(res.status, 401);
  await page.locator('#edit-dialog [data-close]').click();
  assert.match(await userRow(page, AGENT).textContent(), /disabled/);
});

test('setting a generated secret replaces the old one', async ({ page }) => {
  await openUser(page, AGENT);
  await page.locator('#edit-enabled').check();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await until(async () => /saved/i.test(await textOf(page, '#edit-status')), 'saved status');
  await page.locator('#secret-form').getByRole('button', { name: 'Generate' }).click();
  await page.getByRole('button', { name: 'Set secret' }).click();
  await page.locator('#secret-once').waitFor();
  const fresh = await page.locator('#secret-once-value').inputValue();
  assert.match(fresh, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(fresh, state.secret);
  assert.equal((await login(AGENT, state.secret)).status, 401, 'the old secret still works');
  assert.equal((await login(AGENT, fresh)).status, 200, 'the new secret does not work');
  state.secret = fresh;
  await page.locator('#edit-dialog [data-close]').click();
  await until(async () => (await page.locator('#secret-once-value').inputValue()) === '', 'secret cleared on close');
});

test('a scope with markup is shown as text and runs nothing', async (ctx) => {
  const { page, seen } = ctx;
  await createUser(page, { name: 'xss-probe', scopes: `ok ${XSS_SCOPE}`, password: 'xss-probe-secret-123' });
  const row = userRow(page, 'xss-probe');
  await row.waitFor();
  const scopes = await row.locator('.scope').allTextContents();
  assert.deepEqual(scopes, ['ok', XSS_SCOPE]);
  await page.getByRole('button', { name: 'Done, hide it' }).click();
  await openUser(page, 'xss-probe');
  assert.equal(await page.locator('#edit-scopes').inputValue(), `ok ${XSS_SCOPE}`);
  await page.locator('#edit-dialog [data-close]').click();
  await page.getByRole('link', { name: 'Audit log', exact: true }).click();
  await page.locator('#audit-table tbody tr').first().waitFor();
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  assert.equal(await page.locator('img').count(), 0, 'an <img> element was created from data');
  assert.deepEqual(seen.dialogs, [], 'a JavaScript dialog opened');
  assert.deepEqual(seen.pageErrors, []);
});

test('deleting asks for a confirmation that names the user', async ({ page }) => {
  await openUser(page, 'xss-probe');
  await page.getByRole('button', { name: 'Delete user…' }).click();
  const confirm = page.locator('#confirm-dialog');
  await confirm.waitFor();
  assert.match(await confirm.textContent(), /xss-probe/);
  await page.keyboard.press('Enter'); // Cancel has the focus: Enter must not delete
  await until(async () => confirm.isHidden(), 'confirm closes');
  assert.equal((await adminGet('/admin/api/users/xss-probe')).status, 200, 'cancel deleted the user');
  await page.getByRole('button', { name: 'Delete user…' }).click();
  await page.getByRole('button', { name: 'Delete xss-probe' }).click();
  await until(async () => (await userRow(page, 'xss-probe').count()) === 0, 'row removed');
  assert.equal((await adminGet('/admin/api/users/xss-probe')).status, 404);
  assert.equal((await login('xss-probe', 'xss-probe-secret-123')).status, 401);
});

test('the last admin cannot be deleted, and the page says why', async ({ page }) => {
  await openUser(page, 'admin');
  await page.getByRole('button', { name: 'Delete user…' }).click();
  await page.getByRole('button', { name: 'Delete admin' }).click();
  const error = page.locator('#delete-error');
  await error.waitFor();
  assert.match(await error.textContent(), /at least one enabled admin/i);
  await page.locator('#edit-dialog [data-close]').click();
});

test('the audit log lists events newest first and pages with the cursor', async ({ page }) => {
  for (let i = 0; i < 26; i++) assert.equal((await login(AGENT, state.secret)).status, 200);
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByLabel('Per page').selectOption('25');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  const rows = page.locator('#audit-table tbody tr');
  await until(async () => (await rows.count()) === 25, '25 rows');
  const first = await page.locator('#audit-table tbody time').allTextContents();
  assert.deepEqual([...first].sort().reverse(), first, 'not newest first');
  assert.ok(await page.getByRole('button', { name: 'Older' }).isEnabled());
  await page.getByRole('button', { name: 'Older' }).click();
  await until(async () => (await textOf(page, '#audit-page')) === 'Page 2', 'page 2');
  assert.ok((await rows.count()) > 0, 'page 2 is empty');
  const secondTimes = await page.locator('#audit-table tbody time').allTextContents();
  assert.ok(secondTimes[0] <= first[first.length - 1], 'page 2 is not older than page 1');
  await page.getByRole('button', { name: 'Newer' }).click();
  await until(async () => (await textOf(page, '#audit-page')) === 'Page 1', 'back to page 1');
  await page.getByLabel('Event').selectOption('user_created');
  await page.getByLabel('User', { exact: true }).fill(AGENT);
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await until(async () => (await rows.count()) === 1, 'one user_created event for the agent');
  assert.match(await rows.first().textContent(), new RegExp(`user_created.*${AGENT}.*admin`, 's'));
});

test('signing keys: rotate, then revoke the old key', async (ctx) => {
  const { page } = ctx;
  await page.getByRole('link', { name: 'Signing keys' }).click();
  const rows = page.locator('#keys-table tbody tr[data-kid]');
  await rows.first().waitFor();
  const before = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.kid));
  await page.getByRole('button', { name: 'Rotate key' }).click();
  await until(async () => (await rows.count()) === before.length + 1, 'a new key row');
  const signing = await page.locator('#keys-table tbody tr:has(.badge.ok)').evaluateAll((trs) => trs.map((tr) => tr.dataset.kid));
  assert.equal(signing.length, 1);
  assert.ok(!before.includes(signing[0]), 'the new key does not sign');
  assert.match(await textOf(page, '#keys-status'), new RegExp(signing[0]));
  await page.getByRole('button', { name: `Revoke key ${signing[0]}`, exact: true }).click();
  await page.getByRole('button', { name: `Revoke ${signing[0]}`, exact: true }).click();
  await until(async () => /rotate first/i.test(await textOf(page, '#keys-error')), 'the signing key is not revoked');
  const old = before[0];
  await page.getByRole('button', { name: `Revoke key ${old}`, exact: true }).click();
  await page.getByRole('button', { name: `Revoke ${old}`, exact: true }).click();
  const oldRow = page.locator(`#keys-table tr[data-kid="${old}"]`);
  await until(async () => (await oldRow.count()) === 0 || /revoked/.test(await oldRow.textContent()), 'old key gone or marked revoked');
  // The page's access token was signed with the revoked key: it had to refresh to go on.
  assert.ok(await page.locator('#app-view').isVisible(), 'the page signed out after revoking a key');
  const jwks = await (await fetch(`${BASE}/.well-known/jwks.json`)).json();
  assert.ok(!jwks.keys.some((k) => k.kid === old), 'the revoked key is still published');
});

test('the page refreshes its access token before it expires and keeps working', async ({ page, seen }) => {
  // run.sh starts the server with --access-ttl 12s: the page must refresh on its own within it.
  const refreshes = () => seen.tokens.filter((t) => t.via === '/refresh').length;
  const before = refreshes();
  const first = seen.tokens[seen.tokens.length - 1];
  await until(async () => refreshes() > before, 'a refresh ahead of expiry', 14_000);
  const latest = seen.tokens[seen.tokens.length - 1];
  assert.notEqual(latest.refresh_token, first.refresh_token, 'the refresh token was not rotated');
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await page.getByRole('button', { name: 'Reload', exact: true }).click();
  await userRow(page, 'admin').waitFor();
  assert.ok(await page.locator('#app-view').isVisible());
}, 20_000);

test('a signed-in user without the admin scope is told so', async ({ page }) => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('#signin-form').waitFor();
  const agentSecret = 'plain-agent-secret-1';
  const t = await login('admin', ADMIN_PASSWORD);
  const res = await post('/admin/api/users', { username: 'plain-agent', password: agentSecret, scopes: ['orders:read'], enabled: true }, t.body.access_token);
  assert.equal(res.status, 201);
  await signIn(page, 'plain-agent', agentSecret);
  await until(async () => /lacks the admin scope/i.test(await textOf(page, '#signin-error')), 'no-admin message');
  assert.ok(await page.locator('#app-view').isHidden());
});

test('signing out ends the session on the server', async ({ page, seen }) => {
  await signIn(page, 'ADMIN'); // names ignore case at login; the page shows the stored one
  await page.locator('#whoami').waitFor();
  assert.equal(await textOf(page, '#whoami-name'), 'admin');
  const refresh = seen.tokens[seen.tokens.length - 1].refresh_token;
  await page.getByRole('button', { name: 'Sign out' }).click();
  await until(async () => /signed out/i.test(await textOf(page, '#signin-notice')), 'signed-out notice');
  assert.equal((await post('/refresh', { refresh_token: refresh })).status, 401);
});

test('when the admin\'s own sessions are revoked the page signs out with a message', async ({ page }) => {
  await signIn(page);
  await openUser(page, 'admin');
  await page.getByRole('button', { name: 'Revoke sessions' }).click();
  await until(async () => /revoked/i.test(await textOf(page, '#sessions-status')), 'revoked');
  await page.locator('#edit-dialog [data-close]').click();
  await page.getByRole('button', { name: 'Reload' }).click();
  await page.locator('#signin-form').waitFor();
  assert.match(await textOf(page, '#signin-notice'), /session|sign in again/i);
});

test('the page reads well at 360 px and 1280 px (screenshots)', async (ctx) => {
  await screenshots(ctx);
});

test('no content security policy violation happened', async ({ page, seen }) => {
  const probed = await page.evaluate(() => window.__cspViolations || []);
  assert.deepEqual([...seen.csp, ...probed], []);
});

async function main() {
  if (!BASE || !ADMIN_PASSWORD) {
    console.error('set AGENT_AUTH_URL and AGENT_AUTH_ADMIN_PASSWORD (test/browser/run.sh does)');
    console.log('browser: 0 passed, 1 failed');
    process.exit(1);
  }
  const browser = await launch();
  let result = { passed: 0, failed: 1 };
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
    await context.addInitScript(cspProbe);
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    const seen = watch(page);
    const onFailure = async (name, n) => {
      const file = path.join(screenshotDir(), `failure-${n}.png`);
      await page.screenshot({ path: file, fullPage: true, timeout: 3_000 });
      console.log(`    page at failure: ${file}`);
      // leave no modal open, so that the next test starts from the page itself
      await page.evaluate(() => document.querySelectorAll('dialog[open]').forEach((d) => d.close()));
    };
    result = await run({ browser, context, page, seen }, { onFailure });
  } finally {
    await browser.close();
  }
  console.log(`browser: ${result.passed} passed, ${result.failed} failed`);
  process.exit(result.failed === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  console.log('browser: 0 passed, 1 failed');
  process.exit(1);
});
