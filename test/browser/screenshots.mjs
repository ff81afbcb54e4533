// Screenshots of every view at a phone width and a desktop width, saved under
// build/screenshots/ for a person to look at; also fails when a narrow page scrolls sideways.

import path from 'node:path';
import { assert } from './harness.mjs';
import { screenshotDir } from './support.mjs';
import { signIn, signOut, openUser, closeDialog, showView, press, settled, until } from './steps.mjs';

async function noSidewaysScroll(page, where) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, width: window.innerWidth,
  }));
  assert.ok(scroll <= width, `${where}: page is ${scroll} px wide in a ${width} px window`);
}

export async function screenshots({ page }) {
  const dir = screenshotDir();
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: width < 600 ? 780 : 860 });
    const shot = async (name, full = true) => {
      await noSidewaysScroll(page, `${name} at ${width}`);
      await page.screenshot({ path: path.join(dir, `${name}-${width}.png`), fullPage: full });
    };
    if (await page.locator('#app-view').isVisible()) await signOut(page);
    await page.locator('#signin-form').waitFor();
    await shot('signin');
    await signIn(page);
    await page.locator('#users-table tbody tr[data-user]').first().waitFor();
    await shot('users');
    await openUser(page, 'agent-one');
    await shot('user-edit', false);
    await closeDialog(page, 'edit-dialog');
    await page.getByRole('button', { name: 'New user', exact: true }).click();
    await page.locator('#create-dialog').getByRole('button', { name: 'Generate', exact: true }).click();
    await page.locator('#create-password[type=text]').waitFor(); // Generate shows what it made
    await shot('user-create', false);
    await closeDialog(page, 'create-dialog');
    await showView(page, 'Audit log', 'audit');
    await page.locator('#audit-user').fill('');
    await page.locator('#audit-type').selectOption('');
    await press(page, page.locator('#audit-form [type=submit]'), 'GET', '/admin/api/audit');
    await settled(page, 'audit');
    await until(async () => (await page.locator('#audit-table tbody tr').count()) > 3, 'audit events');
    await shot('audit', width > 600);
    await showView(page, 'Signing keys', 'keys');
    await page.locator('#keys-table tbody tr').first().waitFor();
    await shot('keys');
    await showView(page, 'Users', 'users');
  }
}
