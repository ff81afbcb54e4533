// The user dialogs fit the window at a desktop size (1280x800, where the "Manage" dialog is
// taller than the window) and at a phone size (360x640): the dialog stays inside the viewport,
// its body scrolls inside it, the buttons of its head and foot (Close, Cancel, Create user) are
// in view and clickable however the body is scrolled, and every other button can be scrolled to
// and clicked.

import path from 'node:path';
import { assert } from './harness.mjs';
import { screenshotDir } from './support.mjs';
import { openUser, closeDialog, showView } from './steps.mjs';

export const DIALOG_SIZES = [{ width: 1280, height: 800 }, { width: 360, height: 640 }];

/** Where `locator` is and whether it is wholly in the viewport, unclipped and on top. */
function placement(locator) {
  return locator.evaluate((node) => {
    const r = node.getBoundingClientRect();
    const inset = 3; // off the rounded corners
    const corners = [[r.left + inset, r.top + inset], [r.right - inset, r.top + inset],
      [r.left + inset, r.bottom - inset], [r.right - inset, r.bottom - inset]];
    const onTop = corners.every(([x, y]) => {
      const hit = document.elementFromPoint(x, y);
      return hit !== null && (hit === node || node.contains(hit));
    });
    return {
      rect: `${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}x${Math.round(r.height)}`,
      inViewport: r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth,
      onTop,
    };
  });
}

async function assertInViewport(locator, what) {
  const p = await placement(locator);
  assert.ok(p.inViewport, `${what} runs past the window (${p.rect})`);
}

async function assertClickable(locator, what) {
  const p = await placement(locator);
  assert.ok(p.inViewport, `${what} is not inside the window (${p.rect})`);
  assert.ok(p.onTop, `${what} is covered or clipped (${p.rect})`);
  await locator.click({ trial: true }); // Playwright's own check: visible, stable, enabled, receives the click
}

/**
 * Checks one open dialog: it fits, it does not scroll itself (its body does), the `fixed`
 * buttons are clickable with the body scrolled to the top and to the bottom, and each of the
 * others is clickable once scrolled into view.
 */
async function checkDialog(page, id, fixed, where) {
  const dialog = page.locator(`#${id}`);
  const body = dialog.locator('.dialog-body');
  await assertInViewport(dialog, `${where}: the dialog`);
  const scroll = await dialog.evaluate((d) => ({ dialog: d.scrollHeight - d.clientHeight }));
  assert.ok(scroll.dialog <= 1, `${where}: the dialog scrolls as a whole (${scroll.dialog} px), not its body`);
  for (const end of ['top', 'bottom']) {
    await body.evaluate((b, to) => { b.scrollTop = to === 'top' ? 0 : b.scrollHeight; }, end);
    for (const name of fixed) {
      await assertClickable(dialog.getByRole('button', { name, exact: true }), `${where}, body scrolled to the ${end}: ${name}`);
    }
  }
  const buttons = dialog.locator('button:visible');
  const count = await buttons.count();
  assert.ok(count > fixed.length, `${where}: no buttons in the body`);
  for (let i = 0; i < count; i++) {
    const button = buttons.nth(i);
    const name = ((await button.textContent()) || '').trim();
    await button.scrollIntoViewIfNeeded();
    await assertClickable(button, `${where}: ${name}`);
  }
}

export async function dialogsFit({ page }) {
  for (const size of DIALOG_SIZES) {
    const where = `${size.width}x${size.height}`;
    await page.setViewportSize(size);
    await openUser(page, 'agent-one');
    await checkDialog(page, 'edit-dialog', ['Close'], `Manage dialog at ${where}`);
    // for a person to look at: the body scrolled to its last button, the head still in view
    await page.screenshot({ path: path.join(screenshotDir(), `user-edit-scrolled-${where}.png`) });
    const overflow = await page.locator('#edit-dialog .dialog-body').evaluate((b) => b.scrollHeight - b.clientHeight);
    if (size.height <= 800) assert.ok(overflow > 0, `Manage dialog at ${where}: expected its body to need scrolling`);
    await closeDialog(page, 'edit-dialog');
    await showView(page, 'Users', 'users');
    await page.getByRole('button', { name: 'New user', exact: true }).click();
    await page.locator('#create-username:focus').waitFor();
    await checkDialog(page, 'create-dialog', ['Cancel', 'Create user'], `New user dialog at ${where}`);
    await closeDialog(page, 'create-dialog');
  }
}
