// The kill switch in the "Manage" dialog (issue 16): a confirmation that names the agent, then the
// agent disabled, its sessions ended and its access tokens dead: at /me, and in /revocations,
// which every offline verifier reads.

import { assert } from './harness.mjs';
import { post, login, get, asAdmin, adminGet, jwtPart } from './support.mjs';
import { until, shown, textOf, answered, press, showView, userRow, openUser, closeDialog, saveChanges,
  cancelConfirm } from './steps.mjs';

const PAST_401 = { past401: true };
export const ROGUE = { name: 'rogue-agent', secret: 'rogue-agent-secret-1' };

async function openKill(page, name) {
  await page.getByRole('button', { name: 'Kill now…', exact: true }).click();
  await page.locator('#confirm-cancel:focus').waitFor(); // Cancel has the focus: Enter does not kill
  assert.equal(await textOf(page, '#confirm-title'), `Kill ${name} now?`);
  return textOf(page, '#confirm-text');
}

/** The agent as a service sees it: a session and an access token. */
async function agentSession() {
  const res = await login(ROGUE.name, ROGUE.secret);
  assert.equal(res.status, 200, `the agent could not log in: ${JSON.stringify(res.body)}`);
  return { access: res.body.access_token, refresh: res.body.refresh_token };
}

export async function killAsksFirst({ page }, rogue) {
  const made = await asAdmin('POST', '/admin/api/users',
    { username: ROGUE.name, password: ROGUE.secret, scopes: ['orders:read'], enabled: true });
  assert.equal(made.status, 201);
  Object.assign(rogue, await agentSession());
  await showView(page, 'Users', 'users');
  await press(page, page.locator('#users-reload'), 'GET', '/admin/api/users'); // it was made behind the page's back
  await openUser(page, ROGUE.name);
  const text = await openKill(page, ROGUE.name);
  assert.match(text, new RegExp(`^${ROGUE.name} is disabled at once, every session of ${ROGUE.name} ends`));
  assert.match(text, /every access token it holds is refused by every service within seconds/);
  await page.getByRole('button', { name: `Kill ${ROGUE.name}`, exact: true }).waitFor();
  await cancelConfirm(page);
  await page.locator('#edit-kill:focus').waitFor();
  assert.equal((await adminGet(`/admin/api/users/${ROGUE.name}`)).body.enabled, true, 'cancel disabled the agent');
  const refreshed = await post('/refresh', { refresh_token: rogue.refresh });
  assert.equal(refreshed.status, 200, 'cancel ended the session');
  Object.assign(rogue, { access: refreshed.body.access_token, refresh: refreshed.body.refresh_token });
}

export async function killStopsTheAgent({ page }, rogue) {
  const { uid, gen } = jwtPart(rogue.access, 1);
  assert.ok(uid && Number.isInteger(gen), 'the token carries no uid and gen');
  await openKill(page, ROGUE.name);
  const answer = await answered(page, 'POST', `/admin/api/users/${ROGUE.name}/kill`,
    () => page.getByRole('button', { name: `Kill ${ROGUE.name}`, exact: true }).click(), PAST_401);
  assert.equal(answer.status(), 200);
  assert.ok((await answer.json()).revoked >= 1, 'the kill ended no session');
  await shown(page, '#kill-status', new RegExp(`^Killed ${ROGUE.name}: disabled, [1-9]\\d* sessions? ended; `));
  await until(async () => !(await page.locator('#edit-enabled').isChecked()), 'the form showing the agent disabled');
  await closeDialog(page, 'edit-dialog');
  await userRow(page, ROGUE.name).filter({ hasText: 'disabled' }).waitFor();
  // the server's side: disabled, sessions ended, its tokens refused here and at every verifier
  assert.equal((await adminGet(`/admin/api/users/${ROGUE.name}`)).body.enabled, false);
  assert.equal((await get('/me', rogue.access)).status, 401, 'the killed agent\'s token still works at /me');
  assert.equal((await post('/refresh', { refresh_token: rogue.refresh })).status, 401, 'its session still refreshes');
  assert.equal((await login(ROGUE.name, ROGUE.secret)).status, 401, 'it can still log in');
  await until(async () => ((await get('/revocations')).body.subjects || {})[uid] > gen,
    'the revocation list killing the agent\'s tokens');
  const audit = await adminGet(`/admin/api/audit?type=user_killed&user=${ROGUE.name}`);
  assert.equal(audit.body.events.length, 1);
  assert.equal(audit.body.events[0].actor, 'admin');
}

export async function enabledAgainWorks({ page }) {
  await openUser(page, ROGUE.name);
  await page.locator('#edit-enabled').check();
  await saveChanges(page, ROGUE.name);
  await closeDialog(page, 'edit-dialog');
  await userRow(page, ROGUE.name).filter({ hasText: 'enabled' }).waitFor();
  const { access } = await agentSession();
  assert.equal((await get('/me', access)).status, 200, 'a new token of the agent enabled again is refused');
}

export async function lastAdminCannotBeKilled({ page }) {
  await openUser(page, 'admin');
  assert.match(await openKill(page, 'admin'), /^admin is disabled at once/);
  const answer = await answered(page, 'POST', '/admin/api/users/admin/kill',
    () => page.getByRole('button', { name: 'Kill admin', exact: true }).click(), PAST_401);
  assert.equal(answer.status(), 409);
  await shown(page, '#kill-error', /^agent-auth keeps at least one enabled admin: killing admin would leave none\.$/);
  assert.equal((await adminGet('/admin/api/users/admin')).body.enabled, true);
  await closeDialog(page, 'edit-dialog');
}
