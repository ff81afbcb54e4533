// Browser tests of the admin page, in headless Chromium against a real agent-auth server.
// Run by test/browser/run.sh, which starts the server and sets AGENT_AUTH_URL and
// AGENT_AUTH_ADMIN_PASSWORD. One story, in order: each test leaves the page where the next
// one starts.

import { test, main, assert } from './harness.mjs';
import { BASE, ADMIN_PASSWORD, post, login, adminGet } from './support.mjs';
import { until, signIn, signOut, openUser, userRow, createUser, textOf, shown, answered, press, settled,
  showView, closeDialog, saveChanges, nextAnswer, nextRequest } from './steps.mjs';
import { screenshots } from './screenshots.mjs';
import { dialogsFit, keysFit } from './dialogs.mjs';
import { keysShowStates, publishNextKey, rotateNow, revokeWordsFollowTheState, revokeCurrentKey,
  revokeRetiringKey } from './keys.mjs';
import { killAsksFirst, killStopsTheAgent, enabledAgainWorks, lastAdminCannotBeKilled } from './kill.mjs';
import { tableShowsPolicy, staleFilter, editPolicy } from './policy.mjs';

const AGENT = 'agent-one';
const XSS_SCOPE = '<img/src/onerror=alert(1)>';
const state = {};
const VIEWPORT = { width: 1280, height: 900 };

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
  const answer = await press(page, page.locator('#signin-form [type=submit]'), 'POST', '/login');
  assert.equal(answer.status(), 401);
  await shown(page, '#signin-error', /wrong name or secret/i);
  assert.ok(await page.locator('#app-view').isHidden());
});

test('an admin signs in with the keyboard alone and sees the users table', async ({ page }) => {
  await page.goto(`${BASE}/admin/`);
  await page.locator('#signin-username:focus').waitFor();
  await page.keyboard.type('admin');
  await page.keyboard.press('Tab');
  await page.keyboard.type(ADMIN_PASSWORD);
  await answered(page, 'POST', '/login', () => page.keyboard.press('Enter'));
  await page.locator('#app-view').waitFor();
  await settled(page, 'users');
  await userRow(page, 'admin').waitFor();
  assert.equal(await textOf(page, '#whoami-name'), 'admin');
  assert.match(await textOf(page, '#users-table tbody tr[data-user="admin"]'), /admin.*enabled/s);
  // visible focus: the focused control draws an outline
  await page.locator('#main:focus').waitFor(); // where the page puts the focus after signing in
  await page.keyboard.press('Tab');
  await page.locator('.tabs a:focus').waitFor();
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
  await shown(page, '#created-secret-status', /copied|selected/i);
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
  await panel.waitFor({ state: 'hidden' });
  assert.equal(await page.locator('#created-secret-value').inputValue(), '', 'the secret is gone from the page');
});

test('a second user with the same name is refused with a clear message in the dialog', async ({ page }) => {
  await createUser(page, { name: AGENT.toUpperCase(), scopes: '', password: 'another-long-secret-1' });
  await shown(page, '#create-error', /already exists/i);
  await closeDialog(page, 'create-dialog');
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
  await page.locator('#edit-scopes:focus').waitFor();
  await page.keyboard.press('Escape');
  await page.locator('#edit-dialog').waitFor({ state: 'hidden' });
  await until(async () => (await page.evaluate(() => document.activeElement.getAttribute('aria-label'))) === `Manage ${AGENT}`,
    'focus back on the Manage button');
});

test('editing scopes changes what the agent is granted', async ({ page }) => {
  await openUser(page, AGENT);
  await page.locator('#edit-scopes').fill('orders:read reports:read');
  await saveChanges(page, AGENT);
  const res = await login(AGENT, state.secret);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.scope.split(' ').sort(), ['orders:read', 'reports:read']);
  state.agentRefresh = res.body.refresh_token;
  const server = await adminGet(`/admin/api/users/${AGENT}`);
  assert.deepEqual([...server.body.scopes].sort(), ['orders:read', 'reports:read']);
});

test('revoking sessions ends the agent\'s refresh tokens and says how many', async ({ page }) => {
  await press(page, page.locator('#edit-revoke'), 'POST', `/admin/api/users/${AGENT}/revoke`);
  await shown(page, '#sessions-status', /revoked [1-9]\d* sessions?/i);
  const res = await post('/refresh', { refresh_token: state.agentRefresh });
  assert.equal(res.status, 401, 'a revoked refresh token must not work');
});

test('clearing the throttle reports success or the server\'s reason', async ({ page }) => {
  await press(page, page.locator('#edit-unthrottle'), 'POST', `/admin/api/users/${AGENT}/unthrottle`);
  const ok = /cleared the login throttle/i.test(await textOf(page, '#sessions-status'));
  if (!ok) {
    console.log(`    note: unthrottle answered: ${await textOf(page, '#sessions-error')}`);
    assert.match(await textOf(page, '#sessions-error'), /could not clear the throttle: \S/i);
  }
});

test('a disabled user cannot log in', async ({ page }) => {
  await page.locator('#edit-enabled').uncheck();
  await saveChanges(page, AGENT);
  const res = await login(AGENT, state.secret);
  assert.equal(res.status, 401);
  await closeDialog(page, 'edit-dialog');
  await userRow(page, AGENT).filter({ hasText: 'disabled' }).waitFor();
});

test('setting a generated secret replaces the old one', async ({ page }) => {
  await openUser(page, AGENT);
  await page.locator('#edit-enabled').check();
  await saveChanges(page, AGENT);
  await page.locator('#secret-form').getByRole('button', { name: 'Generate' }).click();
  await press(page, page.locator('#secret-form [type=submit]'), 'PATCH', `/admin/api/users/${AGENT}`);
  await page.locator('#secret-once').waitFor();
  const fresh = await page.locator('#secret-once-value').inputValue();
  assert.match(fresh, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(fresh, state.secret);
  assert.equal((await login(AGENT, state.secret)).status, 401, 'the old secret still works');
  assert.equal((await login(AGENT, fresh)).status, 200, 'the new secret does not work');
  state.secret = fresh;
  await closeDialog(page, 'edit-dialog');
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
  await page.locator('#created-secret').waitFor({ state: 'hidden' });
  await openUser(page, 'xss-probe');
  assert.equal(await page.locator('#edit-scopes').inputValue(), `ok ${XSS_SCOPE}`);
  await closeDialog(page, 'edit-dialog');
  await showView(page, 'Audit log', 'audit');
  await page.locator('#audit-table tbody tr').filter({ hasText: 'xss-probe' }).first().waitFor();
  await showView(page, 'Users', 'users');
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
  await page.locator('#confirm-cancel:focus').waitFor();
  await page.keyboard.press('Enter'); // Cancel has the focus: Enter must not delete
  await confirm.waitFor({ state: 'hidden' });
  await page.locator('#edit-delete:focus').waitFor(); // the page is done with the answer
  assert.equal((await adminGet('/admin/api/users/xss-probe')).status, 200, 'cancel deleted the user');
  await page.getByRole('button', { name: 'Delete user…' }).click();
  await answered(page, 'DELETE', '/admin/api/users/xss-probe',
    () => page.getByRole('button', { name: 'Delete xss-probe' }).click());
  await until(async () => (await userRow(page, 'xss-probe').count()) === 0, 'row removed');
  assert.equal((await adminGet('/admin/api/users/xss-probe')).status, 404);
  assert.equal((await login('xss-probe', 'xss-probe-secret-123')).status, 401);
});

test('the last admin cannot be deleted, and the page says why', async ({ page }) => {
  await openUser(page, 'admin');
  await page.getByRole('button', { name: 'Delete user…' }).click();
  await page.getByRole('button', { name: 'Delete admin' }).click();
  await shown(page, '#delete-error', /at least one enabled admin/i);
  await closeDialog(page, 'edit-dialog');
});

const rogue = {}; // the tokens of the agent to kill

test('Kill now asks first with a confirmation that names the agent; Cancel changes nothing',
  (ctx) => killAsksFirst(ctx, rogue));

test('Kill now disables the agent, ends its sessions, and its tokens are refused here and in /revocations',
  (ctx) => killStopsTheAgent(ctx, rogue));

test('a killed agent enabled again gets tokens that work', enabledAgainWorks);

test('the last admin cannot be killed, and the page says why', lastAdminCannotBeKilled);

test('the users table shows each agent\'s owner, expiry and last use', tableShowsPolicy);

test('the stale filter shows the expired agents, and those unused for 7 or 30 days', staleFilter);

test('the policy form saves the fields, shows a refused field, and empties go back to the defaults', editPolicy);

test('the audit log lists events newest first and pages with the cursor', async ({ page }) => {
  for (let i = 0; i < 26; i++) assert.equal((await login(AGENT, state.secret)).status, 200);
  await showView(page, 'Audit log', 'audit');
  await page.getByLabel('Per page').selectOption('25');
  const show = page.locator('#audit-form [type=submit]');
  await press(page, show, 'GET', '/admin/api/audit');
  await settled(page, 'audit');
  const rows = page.locator('#audit-table tbody tr');
  assert.equal(await rows.count(), 25);
  const first = await page.locator('#audit-table tbody time').allTextContents();
  assert.deepEqual([...first].sort().reverse(), first, 'not newest first');
  assert.ok(await page.getByRole('button', { name: 'Older' }).isEnabled());
  await press(page, page.locator('#audit-older'), 'GET', '/admin/api/audit');
  await settled(page, 'audit');
  assert.equal(await textOf(page, '#audit-page'), 'Page 2');
  assert.ok((await rows.count()) > 0, 'page 2 is empty');
  const secondTimes = await page.locator('#audit-table tbody time').allTextContents();
  assert.ok(secondTimes[0] <= first[first.length - 1], 'page 2 is not older than page 1');
  await press(page, page.locator('#audit-newer'), 'GET', '/admin/api/audit');
  await settled(page, 'audit');
  assert.equal(await textOf(page, '#audit-page'), 'Page 1');
  await page.getByLabel('Event').selectOption('user_created');
  await page.getByLabel('User', { exact: true }).fill(AGENT);
  await press(page, show, 'GET', '/admin/api/audit');
  await settled(page, 'audit');
  assert.equal(await rows.count(), 1, 'one user_created event for the agent');
  assert.match(await rows.first().textContent(), new RegExp(`user_created.*${AGENT}.*admin`, 's'));
});

const keys = {}; // kids of the keys the story makes, by role
const agent = { name: AGENT, secret: () => state.secret };

test('signing keys: the table shows each key\'s state and dates', (ctx) => keysShowStates(ctx, keys));

test('publishing a next key says when it signs; the JWKS lists both and the old key still signs',
  (ctx) => publishNextKey(ctx, keys, agent));

test('rotate now asks first, then a new key signs at once and the old key\'s tokens keep verifying',
  (ctx) => rotateNow(ctx, keys, agent));

test('the revoke confirmation says what stops working, by the key\'s state', (ctx) => revokeWordsFollowTheState(ctx, keys));

test('revoking the current key makes a fresh key sign at once; its tokens die and the page goes on',
  (ctx) => revokeCurrentKey(ctx, keys, agent));

test('the keys view with next, current, retiring and revoked keys fits 1280x800 and 360x640 (screenshots)', async (ctx) => {
  try {
    await keysFit(ctx, ['next', 'current', 'retiring', 'revoked']);
  } finally {
    await ctx.page.setViewportSize(VIEWPORT);
  }
});

test('revoking a retiring key stops its tokens verifying', (ctx) => revokeRetiringKey(ctx, keys));

test('the page refreshes its access token before it expires, and calls with the new one', async ({ page, seen }) => {
  // The page's clock stands still (see main), so the page refreshes only when this test moves
  // its clock: running it for one access-token lifetime must fire the refresh set ahead of expiry.
  await showView(page, 'Users', 'users');
  const lifetime = seen.tokens[seen.tokens.length - 1].expires_in;
  const refreshed = nextAnswer(page, 'POST', '/refresh');
  await page.clock.runFor(lifetime * 1000);
  const answer = await refreshed;
  assert.equal(answer.status(), 200);
  const tokens = await answer.json();
  assert.notEqual(tokens.refresh_token, answer.request().postDataJSON().refresh_token, 'the refresh token was not rotated');
  const call = nextRequest(page, '/admin/api/users');
  const reload = await press(page, page.locator('#users-reload'), 'GET', '/admin/api/users');
  // DPoP-bound (the server's default, --dpop optional): the page proves its key with every call
  assert.equal((await call).headers().authorization, `DPoP ${tokens.access_token}`, 'the page called with an old access token');
  assert.equal(tokens.token_type, 'DPoP');
  assert.equal(reload.status(), 200);
  await settled(page, 'users');
  await userRow(page, 'admin').waitFor();
});

test('a signed-in user without the admin scope is told so', async ({ page }) => {
  await signOut(page);
  const agentSecret = 'plain-agent-secret-1';
  const t = await login('admin', ADMIN_PASSWORD);
  const res = await post('/admin/api/users', { username: 'plain-agent', password: agentSecret, scopes: ['orders:read'], enabled: true }, t.body.access_token);
  assert.equal(res.status, 201);
  await signIn(page, 'plain-agent', agentSecret);
  await shown(page, '#signin-error', /lacks the admin scope/i);
  assert.ok(await page.locator('#app-view').isHidden());
});

test('signing out ends the session on the server', async ({ page }) => {
  await signIn(page, 'ADMIN'); // names ignore case at login; the page shows the stored one
  await page.locator('#whoami').waitFor();
  assert.equal(await textOf(page, '#whoami-name'), 'admin');
  const logout = await signOut(page);
  const refresh = logout.postDataJSON().refresh_token;
  assert.ok(refresh, 'the page sent no refresh token to /logout');
  assert.equal((await post('/refresh', { refresh_token: refresh })).status, 401);
});

test('when the admin\'s own sessions are revoked the page signs out with a message', async ({ page }) => {
  await signIn(page);
  await openUser(page, 'admin');
  await press(page, page.locator('#edit-revoke'), 'POST', '/admin/api/users/admin/revoke');
  await shown(page, '#sessions-status', /revoked [1-9]\d* sessions? of admin/i);
  await closeDialog(page, 'edit-dialog');
  await page.getByRole('button', { name: 'Reload' }).click(); // the page learns at its next call
  await shown(page, '#signin-notice', /session|sign in again/i);
  await page.locator('#signin-form').waitFor();
});

test('the page reads well at 360 px and 1280 px (screenshots)', async (ctx) => {
  await screenshots(ctx);
});

test('the user dialogs fit 1280x800 and 360x640, and their buttons stay reachable', async (ctx) => {
  const { page } = ctx;
  if (!(await page.locator('#app-view').isVisible())) await signIn(page);
  try {
    await dialogsFit(ctx);
  } finally {
    await page.setViewportSize(VIEWPORT);
  }
});

test('no content security policy violation happened', async ({ page, seen }) => {
  const probed = await page.evaluate(() => window.__cspViolations || []);
  assert.deepEqual([...seen.csp, ...probed], []);
});

main({ viewport: VIEWPORT });
