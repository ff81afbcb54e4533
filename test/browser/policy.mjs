// An agent's policy on the admin page (issue 16): the users table shows each agent's owner,
// expiry ("expires in 3 days", "expired") and last use; a filter shows the stale ones; the
// "Policy" form of the "Manage" dialog edits the fields, and a value the server refuses is
// reported with the field it names, nothing changed.

import { assert } from './harness.mjs';
import { asAdmin, adminGet, login } from './support.mjs';
import { until, shown, textOf, press, showView, userRow, openUser, closeDialog } from './steps.mjs';

const PAST_401 = { past401: true };
const DAY_MS = 86_400_000;
export const OWNED = { name: 'owned-agent', secret: 'owned-agent-secret-1', owner: 'Ada Lovelace' };
export const ENDED = { name: 'ended-agent', secret: 'ended-agent-secret-1' };

const shownRows = async (page) => page.locator('#users-table tbody tr[data-user]').evaluateAll(
  (rows) => rows.map((r) => r.dataset.user));

async function make(user, fields) {
  const made = await asAdmin('POST', '/admin/api/users',
    { username: user.name, password: user.secret, scopes: ['reports:read'], enabled: true, ...fields });
  assert.equal(made.status, 201, JSON.stringify(made.body));
}

export async function tableShowsPolicy({ page }) {
  // times by the page's clock (it stands still), so the page's words are known exactly
  const now = await page.evaluate(() => Date.now());
  await make(OWNED, { owner: OWNED.owner, expires_at: new Date(now + 3 * DAY_MS + 2 * 3_600_000).toISOString() });
  await make(ENDED, { expires_at: new Date(now - 3_600_000).toISOString() });
  assert.equal((await login(OWNED.name, OWNED.secret)).status, 200);
  await showView(page, 'Users', 'users');
  await press(page, page.locator('#users-reload'), 'GET', '/admin/api/users', PAST_401); // made behind its back
  const owned = userRow(page, OWNED.name);
  await owned.filter({ hasText: 'expires in 3 days' }).waitFor();
  assert.equal(await textOf(page, `tr[data-user="${OWNED.name}"] td[data-label="Owner"]`), OWNED.owner);
  assert.equal(await textOf(page, `tr[data-user="${OWNED.name}"] td[data-label="Last used"]`), 'just now');
  assert.equal(await textOf(page, `tr[data-user="${ENDED.name}"] td[data-label="Expires"]`), 'expired');
  assert.equal(await textOf(page, `tr[data-user="${ENDED.name}"] td[data-label="Last used"]`), 'never');
  assert.equal(await textOf(page, `tr[data-user="${ENDED.name}"] td[data-label="Owner"]`), 'none');
}

export async function staleFilter({ page }) {
  const stale = page.locator('#user-stale');
  await stale.selectOption('expired');
  await until(async () => JSON.stringify(await shownRows(page)) === JSON.stringify([ENDED.name]), 'only the expired agent');
  await stale.selectOption('7');
  await shown(page, '#users-table tbody', /No user matches the filters\./); // everyone was made minutes ago
  const now = await page.evaluate(() => Date.now());
  try {
    await page.clock.setSystemTime(now + 8 * DAY_MS); // a week later, as the page sees it
    await stale.selectOption('30');
    await stale.selectOption('7');
    await until(async () => (await shownRows(page)).includes(OWNED.name), 'agents unused for a week');
    assert.ok((await shownRows(page)).includes('admin'));
    await stale.selectOption('30');
    await shown(page, '#users-table tbody', /No user matches the filters\./);
  } finally {
    await page.clock.setSystemTime(now);
  }
  await stale.selectOption('');
  await userRow(page, OWNED.name).waitFor();
  await userRow(page, ENDED.name).waitFor();
}

async function savePolicy(page, name) {
  return press(page, page.locator('#policy-form [type=submit]'), 'PATCH', `/admin/api/users/${name}`, PAST_401);
}

export async function editPolicy({ page }) {
  await openUser(page, OWNED.name);
  assert.equal(await page.locator('#policy-owner').inputValue(), OWNED.owner);
  assert.match(await textOf(page, '#edit-expiry'), /^expires in 3 days$/);
  await page.locator('#policy-owner').fill('Grace Hopper');
  await page.locator('#policy-description').fill('reads the <b>nightly</b> reports');
  await page.locator('#policy-expires').fill('2031-01-31T17:00:00');
  await page.locator('#policy-access-ttl').fill('120');
  await page.locator('#policy-per-hour').fill('5');
  await page.locator('#policy-enforce').uncheck();
  assert.equal((await savePolicy(page, OWNED.name)).status(), 200);
  await shown(page, '#policy-status', /^Policy saved at/);
  const saved = (await adminGet(`/admin/api/users/${OWNED.name}`)).body;
  assert.equal(saved.owner, 'Grace Hopper');
  assert.equal(saved.description, 'reads the <b>nightly</b> reports');
  assert.equal(saved.expires_at, '2031-01-31T17:00:00Z');
  assert.equal(saved.access_ttl, 120);
  assert.deepEqual(saved.token_quota, { per_hour: 5, per_day: null, enforce: false });
  const token = await login(OWNED.name, OWNED.secret);
  assert.equal(token.body.expires_in, 120, 'the agent\'s next token lives 120 s');

  await page.locator('#policy-access-ttl').fill('30');
  const refused = await savePolicy(page, OWNED.name);
  assert.equal(refused.status(), 400);
  await shown(page, '#policy-error', /access_ttl/);
  assert.equal((await adminGet(`/admin/api/users/${OWNED.name}`)).body.access_ttl, 120, 'nothing changed');

  await page.locator('#policy-access-ttl').fill('');
  await page.locator('#policy-per-hour').fill('');
  assert.equal((await savePolicy(page, OWNED.name)).status(), 200);
  await shown(page, '#policy-status', /^Policy saved at/);
  const reset = (await adminGet(`/admin/api/users/${OWNED.name}`)).body;
  assert.equal(reset.access_ttl, null, 'an empty field goes back to the server default');
  assert.equal(reset.token_quota, null);
  await closeDialog(page, 'edit-dialog');
  await userRow(page, OWNED.name).filter({ hasText: 'Grace Hopper' }).waitFor();
  await showView(page, 'Users', 'users');
}
