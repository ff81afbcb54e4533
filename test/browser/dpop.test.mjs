// The admin page under `--dpop required --dpop-nonce required` (issue 17): it makes its own
// proofs with a non-extractable P-256 key held in memory, answers the server's nonce requests,
// and keeps working: sign in, the admin API, a refresh, sign-out. Run by test/browser/run.sh
// against a second server started with those flags.

import crypto from 'node:crypto';
import { test, main, assert } from './harness.mjs';
import { BASE, get, post, jwtPart } from './support.mjs';
import { signIn, signOut, settled, userRow, press, nextAnswer, nextRequest, showView } from './steps.mjs';

const state = {};

/** RFC 7638: the SHA-256 of the key's required members in order, base64url. */
const thumbprint = (jwk) => crypto.createHash('sha256')
  .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest('base64url');

test('the server refuses a token request without a proof', async () => {
  const res = await post('/login', { username: 'admin', password: process.env.AGENT_AUTH_ADMIN_PASSWORD });
  assert.equal(res.status, 400);
  assert.equal(res.body.error, 'invalid_dpop_proof');
});

test('the page signs in with a proof of its own key and gets DPoP-bound tokens', async ({ context, page, seen }) => {
  // Records how the page's scripts ask WebCrypto for keys, before they run
  await context.addInitScript(() => {
    window.__keyRequests = [];
    const generate = crypto.subtle.generateKey.bind(crypto.subtle);
    crypto.subtle.generateKey = (algorithm, extractable, usages) => {
      window.__keyRequests.push({ algorithm, extractable, usages });
      return generate(algorithm, extractable, usages);
    };
  });
  await page.goto(`${BASE}/admin/`);
  const loginRequest = nextRequest(page, '/login');
  await signIn(page);
  await userRow(page, 'admin').waitFor();
  const tokens = seen.tokens[seen.tokens.length - 1];
  assert.equal(tokens.token_type, 'DPoP');
  const proof = (await loginRequest).headers().dpop;
  assert.ok(proof, 'the login carried no DPoP proof');
  const header = jwtPart(proof, 0);
  assert.equal(header.typ, 'dpop+jwt');
  assert.equal(header.alg, 'ES256');
  assert.deepEqual(Object.keys(header.jwk).sort(), ['crv', 'kty', 'x', 'y'], 'the proof holds more than a public key');
  assert.equal(jwtPart(tokens.access_token, 1).cnf.jkt, thumbprint(header.jwk));
  state.jkt = thumbprint(header.jwk);
  state.access = tokens.access_token;
});

test('the admin API is called with the DPoP scheme and a fresh proof carrying the token hash', async ({ page }) => {
  const call = nextRequest(page, '/admin/api/users');
  const answer = await press(page, page.locator('#users-reload'), 'GET', '/admin/api/users');
  assert.equal(answer.status(), 200);
  const headers = (await call).headers();
  assert.equal(headers.authorization, `DPoP ${state.access}`);
  const claims = jwtPart(headers.dpop, 1);
  assert.equal(claims.htm, 'GET');
  assert.equal(claims.htu, `${BASE}/admin/api/users`);
  assert.equal(claims.ath, crypto.createHash('sha256').update(state.access).digest('base64url'));
  assert.ok(claims.nonce, 'the proof carries no server nonce');
  assert.equal(thumbprint(jwtPart(headers.dpop, 0).jwk), state.jkt);
  const stolen = await get('/admin/api/users', state.access); // the token alone, as Bearer
  assert.equal(stolen.status, 401);
});

test('the key was made non-extractable, P-256, for signing', async ({ page }) => {
  const requests = await page.evaluate(() => window.__keyRequests);
  assert.equal(requests.length, 1, JSON.stringify(requests));
  assert.deepEqual(requests[0].algorithm, { name: 'ECDSA', namedCurve: 'P-256' });
  assert.equal(requests[0].extractable, false, 'the private key could be exported');
});

test('the page refreshes its bound session with a proof and goes on', async ({ page, seen }) => {
  await showView(page, 'Users', 'users');
  const refreshed = nextAnswer(page, 'POST', '/refresh');
  await page.clock.runFor(seen.tokens[seen.tokens.length - 1].expires_in * 1000);
  const answer = await refreshed;
  assert.equal(answer.status(), 200);
  assert.ok(answer.request().headers().dpop, 'the refresh carried no proof');
  const tokens = await answer.json();
  assert.equal(jwtPart(tokens.access_token, 1).cnf.jkt, state.jkt, 'the session changed keys');
  const reload = await press(page, page.locator('#users-reload'), 'GET', '/admin/api/users');
  assert.equal(reload.status(), 200);
  await settled(page, 'users');
  state.refresh = tokens.refresh_token;
});

test('signing out ends the bound session with a proof from its key', async ({ page }) => {
  const request = await signOut(page);
  assert.ok(request.headers().dpop, 'the logout carried no proof');
  const response = await request.response();
  assert.equal(response.status(), 204);
});

test('no page error and no content security policy violation happened', async ({ page, seen }) => {
  assert.deepEqual(seen.pageErrors, []);
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
});

main({ viewport: { width: 1280, height: 900 } });
