// Steps through the admin page that several tests share. Every step ends by waiting for a
// state of the page (an element shown or hidden, a text, an answer of the server, a view no
// longer aria-busy), never for time: the machine running them may be slow and loaded.

import { ADMIN_PASSWORD } from './support.mjs';

/** Polls `check` until it is true, or fails with `what` after `ms`. */
export async function until(check, what, ms = 15_000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const textOf = async (page, selector) => ((await page.locator(selector).first().textContent()) || '').trim();

export const userRow = (page, name) => page.locator(`#users-table tbody tr[data-user="${name}"]`);

/** Waits until `selector` is shown with a text matching `pattern`; returns the text. */
export async function shown(page, selector, pattern) {
  const node = page.locator(selector).filter({ hasText: pattern });
  await node.waitFor();
  return ((await node.textContent()) || '').trim();
}

const pathOf = (url) => new URL(url).pathname;

/** A wait set up before the action meant to end it. When the action fails first nobody awaits
 * it, and its later rejection must not crash the whole run as an unhandled one. */
function ahead(wait) {
  wait.catch(() => {});
  return wait;
}

/** The page's next request to `path` (set up before the action that sends it). */
export const nextRequest = (page, path) => ahead(page.waitForRequest((r) => pathOf(r.url()) === path));

/**
 * The server's next answer to `method path` (set up before the action that asks it). With
 * `past401`, a 401 is skipped: the page's access token may have expired meanwhile (it lives 12 s
 * and the page's clock stands still), and the page then refreshes and asks again. A refused DPoP
 * proof is always skipped: a test that runs the page's clock forward puts the page's time ahead
 * of the server's, and the page then sends the request once more with the server's time.
 */
export const nextAnswer = (page, method, path, { past401 = false } = {}) => ahead(page.waitForResponse(
  async (r) => r.request().method() === method && pathOf(r.url()) === path && !(past401 && r.status() === 401)
    && !(await refusedProof(r))));

const refusedProof = async (r) => (r.status() === 400 || r.status() === 401)
  && (await r.text().catch(() => '')).includes('"invalid_dpop_proof"');

/** Runs `action` and resolves to the server's answer to `method path` that it caused. */
export async function answered(page, method, path, action, options) {
  const answer = nextAnswer(page, method, path, options);
  await action();
  return answer;
}

/** Clicks a button whose handler calls the server, and waits for the answer and for the
 * button to leave its busy state (the page's handler has then finished). `button` is a CSS
 * locator, so that it still matches once the button is hidden (by sign-in, or a closed dialog). */
export async function press(page, button, method, path, options) {
  const answer = await answered(page, method, path, () => button.click(), options);
  await button.and(page.locator(':not([aria-busy])')).waitFor({ state: 'attached' });
  return answer;
}

/** Waits until a view is shown with its latest answer (the page marks it aria-busy while loading). */
export async function settled(page, view) {
  await page.locator(`#${view}-view:not([aria-busy="true"])`).waitFor();
}

/** Opens a view with its tab and waits until it shows the server's answer. */
export async function showView(page, tab, view) {
  await page.getByRole('link', { name: tab, exact: true }).click();
  await settled(page, view);
}

/** Signs in through the form; an admin waits for the users view, others for the outcome. */
export async function signIn(page, name = 'admin', password = ADMIN_PASSWORD) {
  if (!(await page.locator('#signin-form').isVisible())) await signOut(page);
  await page.locator('#signin-username').fill(name);
  await page.locator('#signin-password').fill(password);
  await press(page, page.locator('#signin-form [type=submit]'), 'POST', '/login');
  if (name.toLowerCase() === 'admin') {
    await page.locator('#app-view').waitFor();
    await settled(page, 'users');
  }
}

/** Signs out with the button; resolves to the request that ended the session on the server. */
export async function signOut(page) {
  const request = nextRequest(page, '/logout');
  await press(page, page.locator('#sign-out'), 'POST', '/logout');
  await shown(page, '#signin-notice', /^You have signed out\.$/);
  return await request;
}

/** Opens the users view and the "Manage" dialog of one user. */
export async function openUser(page, name) {
  await showView(page, 'Users', 'users');
  await page.getByRole('button', { name: `Manage ${name}`, exact: true }).click();
  await page.locator('#edit-dialog').waitFor();
  await until(async () => (await textOf(page, '#edit-name')) === name, `the dialog of ${name}`);
}

/** Closes the open dialog with its Close (or Cancel) button and waits until it is gone. */
export async function closeDialog(page, id) {
  await page.locator(`#${id} [data-close]`).click();
  await page.locator(`#${id}`).waitFor({ state: 'hidden' });
}

/** Answers the open confirmation with Cancel and waits until it is gone. */
export async function cancelConfirm(page) {
  await page.locator('#confirm-cancel').click();
  await page.locator('#confirm-dialog').waitFor({ state: 'hidden' });
}

/** Saves the scopes-and-status form of the open user dialog and waits for "Saved". */
export async function saveChanges(page, name) {
  await press(page, page.locator('#edit-form [type=submit]'), 'PATCH', `/admin/api/users/${name}`);
  await shown(page, '#edit-status', /^Saved at/);
}

/** Fills and submits the "New user" dialog, and waits until the page has handled the answer. */
export async function createUser(page, { name, scopes = '', generate = false, password = '', enabled = true }) {
  await showView(page, 'Users', 'users');
  await page.getByRole('button', { name: 'New user', exact: true }).click();
  const dialog = page.locator('#create-dialog');
  await page.locator('#create-username:focus').waitFor();
  await page.locator('#create-username').fill(name);
  await page.locator('#create-scopes').fill(scopes);
  if (!enabled) await page.locator('#create-enabled').uncheck();
  if (generate) await dialog.getByRole('button', { name: 'Generate', exact: true }).click();
  else await page.locator('#create-password').fill(password);
  await press(page, page.locator('#create-form [type=submit]'), 'POST', '/admin/api/users');
}
