// DPoP (RFC 9449) for the admin page: every sign-in gets a P-256 key made in this page's memory
// and never exportable (like the tokens, it is gone with the page), and every request to the
// server carries a fresh proof signed by it, so the page works under `--dpop required` and a
// copied token is useless without the key. `htu` is built from the issuer in the server's
// metadata, never from `location` (behind a proxy the two may differ).

const ROOT = new URL('../', import.meta.url); // this file is served at <root>/admin/dpop.js
const enc = new TextEncoder();

const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)))
  .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

let metadata = null; // a promise of { issuer, dpop }
let nonce = null; // the server's last DPoP-Nonce
// The server's clock minus this browser's, from the Date of its answers: a proof's iat must be
// within a minute of the server's time, and a browser's clock may be off by more.
let skewMs = 0;

const serverNow = () => Date.now() + skewMs;

function noteDate(response) {
  const date = Date.parse(response.headers.get('Date') || '');
  if (Number.isFinite(date)) skewMs = date + 500 - Date.now(); // Date is whole seconds: take the middle
}

/** The issuer and whether it takes DPoP proofs; asked once (again after a failure). */
function server() {
  if (!metadata) {
    metadata = fetch(new URL('.well-known/oauth-authorization-server', ROOT), { cache: 'no-store', credentials: 'omit' })
      .then((r) => { noteDate(r); return r.ok ? r.json() : Promise.reject(new Error(`metadata: HTTP ${r.status}`)); })
      .then((m) => ({ issuer: m.issuer, dpop: (m.dpop_signing_alg_values_supported || []).includes('ES256') }))
      .catch((e) => { metadata = null; throw e; });
  }
  return metadata;
}

/**
 * A new key for one sign-in, or null when the server takes no proofs or this browser has no
 * WebCrypto here (it needs https or a loopback address).
 */
export async function newKey() {
  if (!globalThis.crypto || !crypto.subtle) return null;
  let m;
  try { m = await server(); } catch (e) { return null; }
  if (!m.dpop) return null;
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const pub = await crypto.subtle.exportKey('jwk', pair.publicKey); // a public key is always exportable
  return { privateKey: pair.privateKey, jwk: { kty: 'EC', crv: 'P-256', x: pub.x, y: pub.y }, issuer: m.issuer };
}

/** A proof for one request to `path` (relative to the server's root), with the token's hash when one is sent. */
export async function proof(key, method, path, accessToken) {
  const claims = { jti: b64url(crypto.getRandomValues(new Uint8Array(16))), htm: method,
    htu: `${key.issuer}/${path.split('?')[0]}`, iat: Math.floor(serverNow() / 1000) };
  if (accessToken) claims.ath = b64url(await crypto.subtle.digest('SHA-256', enc.encode(accessToken)));
  if (nonce) claims.nonce = nonce;
  const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: key.jwk };
  const input = `${b64url(enc.encode(JSON.stringify(header)))}.${b64url(enc.encode(JSON.stringify(claims)))}`;
  // WebCrypto's ECDSA signature is r || s, which is what JWS ES256 wants (RFC 7518 §3.4)
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, enc.encode(input));
  return `${input}.${b64url(signature)}`;
}

/**
 * Keeps the nonce and the time a response hands out; true when the request is worth sending
 * once more with a new proof: the server asked for a nonce (RFC 9449 §8, §9), or refused the
 * proof while this browser's idea of its time was off by more than a few seconds.
 */
export async function askedAgain(response) {
  const before = skewMs;
  noteDate(response);
  const given = response.headers.get('DPoP-Nonce');
  const newNonce = given && given !== nonce;
  if (given) nonce = given;
  if (response.status !== 400 && response.status !== 401) return false;
  const error = await response.clone().json().then((d) => d && d.error, () => null);
  return (error === 'use_dpop_nonce' && newNonce) || (error === 'invalid_dpop_proof' && Math.abs(skewMs - before) > 3000);
}
