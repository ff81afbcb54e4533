// The signing-keys view, step by step: publish a next key, rotate now, revoke keys in each state.
// The page's actions are checked against the server: the JWKS (what offline verifiers use),
// /revocations, /admin/api/keys, and the `kid` of the tokens the server signs afterwards.

import crypto from 'node:crypto';
import { assert } from './harness.mjs';
import { login, get, adminGet, jwtPart } from './support.mjs';
import { until, shown, textOf, press, answered, nextAnswer, settled, showView, cancelConfirm } from './steps.mjs';

export const keyRows = (page) => page.locator('#keys-table tbody tr[data-kid]')
  .evaluateAll((trs) => trs.map((tr) => ({ kid: tr.dataset.kid, state: tr.dataset.state })));

const kidsIn = async (page, state) => (await keyRows(page)).filter((r) => r.state === state).map((r) => r.kid);
const stateOf = async (page, kid) => ((await keyRows(page)).find((r) => r.kid === kid) || {}).state;
const cellOf = (page, kid, label) => textOf(page, `#keys-table tr[data-kid="${kid}"] td[data-label="${label}"]`);
const PAST_401 = { past401: true };
const utc = (iso) => `${new Date(iso).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
const kidOf = (token) => jwtPart(token, 0).kid;
const published = async () => (await get('/.well-known/jwks.json')).body.keys.map((k) => k.kid);
const listedRevoked = async (kid) => ((await get('/revocations')).body.kids || []).includes(kid);

/** What an offline verifier checks: the published key set holds the token's `kid` and its signature verifies. */
async function verifiesOffline(token) {
  const [head, claims, signature] = token.split('.');
  const jwk = (await get('/.well-known/jwks.json')).body.keys.find((k) => k.kid === kidOf(token));
  if (!jwk) return false;
  const key = crypto.createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
  return crypto.verify('sha256', Buffer.from(`${head}.${claims}`), { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'));
}

/** A fresh access token of an agent, signed with whatever key signs now. */
async function agentToken(agent) {
  const res = await login(agent.name, agent.secret());
  assert.equal(res.status, 200, `the agent could not log in: ${JSON.stringify(res.body)}`);
  return res.body.access_token;
}

async function openRevoke(page, kid) {
  await page.getByRole('button', { name: `Revoke key ${kid}`, exact: true }).click();
  await page.locator('#confirm-dialog').waitFor();
  return textOf(page, '#confirm-text');
}

export async function keysShowStates({ page }, keys) {
  await showView(page, 'Signing keys', 'keys');
  const rows = await keyRows(page);
  const current = rows.filter((r) => r.state === 'current');
  assert.equal(current.length, 1, `one current key expected: ${JSON.stringify(rows)}`);
  keys.first = current[0].kid;
  const server = (await adminGet('/admin/api/keys')).body.keys;
  assert.deepEqual(rows, server.map((k) => ({ kid: k.kid, state: k.state })), 'the page and the server disagree');
  const mine = server.find((k) => k.kid === keys.first);
  assert.equal(await textOf(page, `#keys-table tr[data-kid="${keys.first}"] .badge`), 'current');
  assert.equal(await cellOf(page, keys.first, 'Signs from'), utc(mine.activates_at));
  assert.match(await cellOf(page, keys.first, 'Published until'), /until its tokens expire/);
}

export async function publishNextKey({ page }, keys, agent) {
  const request = page.waitForRequest((r) => new URL(r.url()).pathname === '/admin/api/keys/rotate');
  const answer = await press(page, page.locator('#keys-publish'), 'POST', '/admin/api/keys/rotate', PAST_401);
  assert.equal((await request).postData(), null, 'Publish next key must send no body (no "immediate")');
  assert.equal(answer.status(), 200);
  const made = await answer.json();
  keys.next = made.kid;
  assert.ok(Date.parse(made.activates_at) > Date.now() + 300_000, `the next key signs at once: ${made.activates_at}`);
  await settled(page, 'keys');
  const status = await textOf(page, '#keys-status');
  assert.ok(status.startsWith(`Key ${made.kid} is published; it signs from ${utc(made.activates_at)} (in `), status);
  assert.equal(await stateOf(page, made.kid), 'next');
  assert.equal(await stateOf(page, keys.first), 'current');
  assert.match(await cellOf(page, made.kid, 'Signs from'), /UTC \(in \d+ (days?|hours?)\)$/);
  // the JWKS lists both keys, and the old key still signs
  await until(async () => (await published()).includes(made.kid), 'the next key in the JWKS');
  assert.ok((await published()).includes(keys.first));
  keys.firstToken = await agentToken(agent);
  assert.equal(kidOf(keys.firstToken), keys.first, 'a token was signed by the next key before its time');
  // pressing again names the key already published, and makes no second one
  await press(page, page.locator('#keys-publish'), 'POST', '/admin/api/keys/rotate');
  await shown(page, '#keys-status', new RegExp(`^Key ${made.kid} was already published; it signs from `));
  await settled(page, 'keys');
  assert.deepEqual(await kidsIn(page, 'next'), [made.kid]);
}

export async function rotateNow({ page }, keys, agent) {
  await page.locator('#keys-rotate').click();
  await page.locator('#confirm-cancel:focus').waitFor();
  assert.match(await textOf(page, '#confirm-text'), /signs every token from now on.*keep verifying/s);
  await cancelConfirm(page);
  await page.locator('#keys-rotate:focus').waitFor();
  assert.deepEqual((await adminGet('/admin/api/keys')).body.keys.filter((k) => k.state === 'current').map((k) => k.kid),
    [keys.first], 'cancel rotated the key');
  await page.locator('#keys-rotate').click();
  const answer = await answered(page, 'POST', '/admin/api/keys/rotate',
    () => page.getByRole('button', { name: 'Rotate now', exact: true }).click(), PAST_401);
  assert.deepEqual(answer.request().postDataJSON(), { immediate: true });
  const made = await answer.json();
  keys.rotated = made.kid;
  await page.locator('#keys-rotate:not([aria-busy])').waitFor();
  await settled(page, 'keys');
  assert.equal(await textOf(page, '#keys-status'), `Key ${made.kid} signs from now on; the key before it retires.`);
  assert.equal(await stateOf(page, made.kid), 'current');
  assert.equal(await stateOf(page, keys.first), 'retiring');
  assert.equal(await stateOf(page, keys.next), 'next', 'rotating now must leave the published next key alone');
  assert.match(await cellOf(page, keys.first, 'Published until'), /UTC \(in \d+ (seconds?|minutes?)\)$/);
  assert.equal(kidOf(await agentToken(agent)), made.kid, 'the new key does not sign');
  assert.ok(await verifiesOffline(keys.firstToken), 'a token of the retiring key no longer verifies');
}

export async function revokeWordsFollowTheState({ page }, keys) {
  const next = await openRevoke(page, keys.next);
  assert.match(next, /signed nothing yet.*no token stops verifying/s);
  await cancelConfirm(page);
  const retiring = await openRevoke(page, keys.first);
  assert.match(retiring, /signs no more.*keep verifying until .* UTC.*stop verifying at once/s);
  await cancelConfirm(page);
  const current = await openRevoke(page, keys.rotated);
  assert.match(current, /signs now.*freshly generated key sign at once.*every token .* signed stops verifying/s);
  await cancelConfirm(page);
  const kids = await published();
  for (const kid of [keys.first, keys.next, keys.rotated]) assert.ok(kids.includes(kid), `cancel revoked ${kid}`);
}

export async function revokeCurrentKey({ page, seen }, keys, agent) {
  // The page's own access token is to be signed by the key revoked below: refresh it now.
  const refreshed = nextAnswer(page, 'POST', '/refresh');
  await page.clock.runFor(seen.tokens[seen.tokens.length - 1].expires_in * 1000);
  const pageTokens = await (await refreshed).json();
  assert.equal(kidOf(pageTokens.access_token), keys.rotated, 'the page\'s token is not signed by the key to revoke');
  const doomed = await agentToken(agent);
  assert.equal((await get('/me', doomed)).status, 200);
  await openRevoke(page, keys.rotated);
  const goOn = nextAnswer(page, 'POST', '/refresh'); // after its token fails, the page refreshes
  const answer = await answered(page, 'POST', `/admin/api/keys/${keys.rotated}/revoke`,
    () => page.getByRole('button', { name: 'Revoke this key', exact: true }).click(), PAST_401);
  assert.equal(answer.status(), 204);
  const status = await shown(page, '#keys-status', new RegExp(`^Revoked key ${keys.rotated}\\. Key \\S+ signs from now on\\.$`));
  keys.fresh = status.match(/Key (\S+) signs from now on/)[1];
  assert.equal((await goOn).status(), 200);
  await settled(page, 'keys');
  assert.ok(await page.locator('#app-view').isVisible(), 'the page signed out');
  assert.ok(![keys.first, keys.next, keys.rotated].includes(keys.fresh), 'the fresh key is not fresh');
  assert.equal(await stateOf(page, keys.fresh), 'current');
  assert.equal(await stateOf(page, keys.rotated), 'revoked');
  assert.equal(await stateOf(page, keys.next), 'next');
  assert.match(await cellOf(page, keys.rotated, 'Published until'), /^no longer: revoked \d{4}-/);
  await until(async () => !(await published()).includes(keys.rotated), 'the revoked key out of the JWKS');
  await until(() => listedRevoked(keys.rotated), 'the revoked key in /revocations');
  assert.equal(await verifiesOffline(doomed), false);
  assert.equal((await get('/me', doomed)).status, 401, 'a token of the revoked key still works at /me');
  assert.equal(kidOf(await agentToken(agent)), keys.fresh);
}

export async function revokeRetiringKey({ page }, keys) {
  assert.equal(await stateOf(page, keys.first), 'retiring');
  await openRevoke(page, keys.first);
  await answered(page, 'POST', `/admin/api/keys/${keys.first}/revoke`,
    () => page.getByRole('button', { name: 'Revoke this key', exact: true }).click(), PAST_401);
  await shown(page, '#keys-status', new RegExp(`^Revoked key ${keys.first}\\.$`));
  await settled(page, 'keys');
  assert.equal(await stateOf(page, keys.first), 'revoked');
  await until(async () => !(await published()).includes(keys.first), 'the retiring key out of the JWKS');
  await until(() => listedRevoked(keys.first), 'the retiring key in /revocations');
  assert.equal(await verifiesOffline(keys.firstToken), false, 'a token of the revoked key still verifies');
  assert.ok(await page.locator('#app-view').isVisible());
}
