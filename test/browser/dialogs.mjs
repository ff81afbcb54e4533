// The dialogs fit the window at a desktop size (1280x800, where the "Manage" dialog is taller
// than the window) and at a phone size (360x640): the dialog stays inside the viewport, its body
// scrolls inside it, the buttons of its head and foot (Close, Cancel, Create user) are in view and
// clickable however the body is scrolled, and every other button can be scrolled to and clicked.
// The same for the confirmations of Kill now, Rotate now and Revoke, and the keys view's buttons.

import path from 'node:path';
import { assert } from './harness.mjs';
import { screenshotDir } from './support.mjs';
import { openUser, closeDialog, showView, settled, textOf, cancelConfirm } from './steps.mjs';
import { keyRows } from './keys.mjs';

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

/** Scrolls to an element as a person would, to the middle: at an edge, a fraction of a pixel may stick out. */
const toCenter = (locator) => locator.evaluate((node) => node.scrollIntoView({ block: 'center', inline: 'nearest' }));

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
  const sideways = await dialog.evaluate((d) => Math.max(...[d, ...d.querySelectorAll('*')]
    .filter((n) => !n.matches('input, select, textarea') && getComputedStyle(n).overflowX !== 'visible')
    .map((n) => n.scrollWidth - n.clientWidth), 0));
  assert.ok(sideways <= 1, `${where}: text runs past the side of the dialog (${sideways} px)`);
  for (const end of ['top', 'bottom']) {
    await body.evaluate((b, to) => { b.scrollTop = to === 'top' ? 0 : b.scrollHeight; }, end);
    for (const name of fixed) {
      await assertClickable(dialog.getByRole('button', { name, exact: true }), `${where}, body scrolled to the ${end}: ${name}`);
    }
  }
  const buttons = dialog.locator('button:visible');
  const count = await buttons.count();
  assert.ok(count >= fixed.length, `${where}: buttons missing`);
  for (let i = 0; i < count; i++) {
    const button = buttons.nth(i);
    const name = ((await button.textContent()) || '').trim();
    await toCenter(button);
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
    await confirmFits(page, () => page.getByRole('button', { name: 'Kill now…', exact: true }).click(),
      'Kill agent-one', `Kill now confirmation at ${where}`);
    assert.match(await textOf(page, '#confirm-text'), /^agent-one is disabled at once/);
    await cancelConfirm(page);
    await closeDialog(page, 'edit-dialog');
    await showView(page, 'Users', 'users');
    await page.getByRole('button', { name: 'New user', exact: true }).click();
    await page.locator('#create-username:focus').waitFor();
    await checkDialog(page, 'create-dialog', ['Cancel', 'Create user'], `New user dialog at ${where}`);
    await closeDialog(page, 'create-dialog');
  }
}

/** Opens a confirmation with `open`, checks that it fits and that Cancel and `ok` are clickable. */
async function confirmFits(page, open, ok, where) {
  await open();
  await page.locator('#confirm-cancel:focus').waitFor();
  await checkDialog(page, 'confirm-dialog', ['Cancel', ok], where);
}

/**
 * The keys view at both sizes, with keys in several states: no sideways scrolling, every button
 * clickable once scrolled to, the Rotate now and Revoke confirmations fit; a screenshot of each.
 */
export async function keysFit({ page }, states) {
  for (const size of DIALOG_SIZES) {
    const where = `${size.width}x${size.height}`;
    await page.setViewportSize(size);
    await showView(page, 'Signing keys', 'keys');
    await settled(page, 'keys');
    const shown = new Set((await keyRows(page)).map((r) => r.state));
    for (const state of states) assert.ok(shown.has(state), `${where}: no ${state} key to show`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(width <= 0, `${where}: the keys view scrolls sideways by ${width} px`);
    await page.screenshot({ path: path.join(screenshotDir(), `keys-states-${where}.png`), fullPage: true });
    const buttons = page.locator('#keys-view button:visible');
    for (let i = 0; i < await buttons.count(); i++) {
      const button = buttons.nth(i);
      await toCenter(button);
      await assertClickable(button, `${where}: ${await button.getAttribute('aria-label') || await button.textContent()}`);
    }
    await toCenter(page.locator('#keys-rotate'));
    await confirmFits(page, () => page.locator('#keys-rotate').click(), 'Rotate now', `Rotate now confirmation at ${where}`);
    await page.screenshot({ path: path.join(screenshotDir(), `keys-rotate-confirm-${where}.png`) });
    await cancelConfirm(page);
    const current = (await keyRows(page)).find((r) => r.state === 'current').kid;
    const revoke = page.getByRole('button', { name: `Revoke key ${current}`, exact: true });
    await toCenter(revoke);
    await confirmFits(page, () => revoke.click(), 'Revoke this key', `Revoke confirmation at ${where}`);
    await page.screenshot({ path: path.join(screenshotDir(), `keys-revoke-confirm-${where}.png`) });
    await cancelConfirm(page);
  }
}
