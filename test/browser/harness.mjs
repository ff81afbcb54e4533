// A small sequential test harness: the browser tests are one story (sign in, create, edit,
// delete...), so each step runs in order against the same page, and a failing step is
// reported without stopping the rest. The last line is "browser: N passed, M failed".

import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export { assert };

const tests = [];

export function test(name, fn, timeoutMs = undefined) {
  tests.push({ name, fn, timeoutMs });
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
}

/** Runs every test in order; `context` is passed to each. Returns the number of failures. */
export async function run(context, { perTestTimeoutMs = 60_000, onFailure = async () => {} } = {}) {
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
