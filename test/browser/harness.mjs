// A small sequential test harness: the browser tests are one story (sign in, create, edit,
// delete...), so each step runs in order against the same page, and a failing step is
// reported without stopping the rest. `main` opens that page (with its clock standing still)
// and runs them; the last line is "browser: N passed, M failed".

import assert from 'node:assert/strict';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { BASE, ADMIN_PASSWORD, watch, cspProbe, screenshotDir } from './support.mjs';

export { assert };

const tests = [];

export function test(name, fn, timeoutMs = undefined) {
  tests.push({ name, fn, timeoutMs });
}

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
}

/** Runs every test in order; `context` is passed to each. Returns the number of failures. */
async function run(context, { perTestTimeoutMs = 60_000, onFailure = async () => {} } = {}) {
  let passed = 0;
  let failed = 0;
  for (const { name, fn, timeoutMs } of tests) {
    const limit = timeoutMs || perTestTimeoutMs;
    const started = Date.now();
    const body = Promise.resolve().then(() => fn(context));
    let timer;
    try {
      await Promise.race([
        body,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${limit} ms`)), limit);
        }),
      ]);
      passed++;
      console.log(`ok - ${name} (${Date.now() - started} ms)`);
    } catch (err) {
      failed++;
      console.log(`not ok - ${name}`);
      console.log(String(err && err.stack ? err.stack : err).split('\n').slice(0, 8).map((l) => `    ${l}`).join('\n'));
      // A test that timed out may still be acting on the page: let its own waits run out
      // before the page is tidied for the next test, or it clicks through that test.
      await settle(body, limit);
      await onFailure(name, failed).catch(() => {});
    } finally {
      clearTimeout(timer);
    }
  }
  return { passed, failed };
}

async function settle(body, ms) {
  let timer;
  await Promise.race([body.catch(() => {}), new Promise((r) => { timer = setTimeout(r, ms); })]);
  clearTimeout(timer);
}

/** Opens one page on the server under test, runs every test on it, and exits 0 when all pass. */
export async function main({ viewport }) {
  if (!BASE || !ADMIN_PASSWORD) {
    console.error('set AGENT_AUTH_URL and AGENT_AUTH_ADMIN_PASSWORD (test/browser/run.sh does)');
    console.log('browser: 0 passed, 1 failed');
    process.exit(1);
  }
  let result = { passed: 0, failed: 1 };
  try {
    const browser = await launch();
    try {
      result = await runOnNewPage(browser, viewport);
    } finally {
      await browser.close();
    }
  } catch (err) {
    console.error(err);
  }
  console.log(`browser: ${result.passed} passed, ${result.failed} failed`);
  process.exit(result.failed === 0 ? 0 : 1);
}

async function runOnNewPage(browser, viewport) {
  const context = await browser.newContext({ viewport });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
  await context.addInitScript(cspProbe);
  // The page's clock stands still unless a test moves it: the page then refreshes its access
  // token only when a test says so (or after a 401), never halfway through another test.
  await context.clock.install();
  await context.clock.pauseAt(Date.now() + 1_000);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000); // generous: the machine may be slow and loaded
  const seen = watch(page);
  const onFailure = async (name, n) => {
    const file = path.join(screenshotDir(), `failure-${n}.png`);
    await page.screenshot({ path: file, fullPage: true, timeout: 10_000 });
    console.log(`    page at failure: ${file}`);
    // leave no modal open, so that the next test starts from the page itself
    await page.evaluate(() => document.querySelectorAll('dialog[open]').forEach((d) => d.close()));
  };
  return run({ browser, context, page, seen }, { onFailure });
}
