// Steps through the admin page that several tests share.

import { ADMIN_PASSWORD } from './support.mjs';

/** Polls `check` until it is true, or fails with `what` after `ms`. */
export async function until(check, what, ms = 5_000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const textOf = async (page, selector) => ((await page.locator(selector).first().textContent()) || '').trim();

export const userRow = (page, name) => page.locator(`#users-table tbody tr[data-user="${name}"]`);

/** Signs in through the form (the page must show it, or be signed out first). */
export async function signIn(page, name = 'admin', password = ADMIN_PASSWORD) {
  const form = page.locator('#signin-form');
  if (!(await form.isVisible())) {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await form.waitFor();
  }
  await page.locator('#signin-username').fill(name);
  await page.locator('#signin-password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  if (name.toLowerCase() === 'admin') await page.locator('#app-view').waitFor();
}

/** Opens the users view and the "Manage" dialog of one user. */
export async function openUser(page, name) {
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await page.getByRole('button', { name: `Manage ${name}`, exact: true }).click();
  await page.locator('#edit-dialog').waitFor();
  await page.locator('#edit-name', { hasText: name }).waitFor();
}

/** Fills and submits the "New user" dialog. */
export async function createUser(page, { name, scopes = '', generate = false, password = '', enabled = true }) {
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await page.getByRole('button', { name: 'New user', exact: true }).click();
  const dialog = page.locator('#create-dialog');
  await dialog.waitFor();
  await page.locator('#create-username').fill(name);
  await page.locator('#create-scopes').fill(scopes);
  if (!enabled) await page.locator('#create-enabled').uncheck();
  if (generate) await dialog.getByRole('button', { name: 'Generate', exact: true }).click();
  else await page.locator('#create-password').fill(password);
  await dialog.getByRole('button', { name: 'Create user', exact: true }).click();
}
