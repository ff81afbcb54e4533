"""DPoP proofs (RFC 9449), verified independently with `cryptography`; and the client without it."""

import base64
import hashlib
import http.server
import json
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import unittest

import support
from support import Admin, jwt_claims, shared_server

import agent_auth
from agent_auth import AgentAuthClient

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
except ImportError:
    ec = None

needs_cryptography = unittest.skipIf(ec is None, "the cryptography package is not installed")


def b64decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def verified(proof):
    """(header, claims) of a proof whose ES256 signature checks out against its own jwk."""
    header_b64, claims_b64, signature_b64 = proof.split(".")
    header = json.loads(b64decode(header_b64))
    jwk = header["jwk"]
    public_key = ec.EllipticCurvePublicNumbers(
        int.from_bytes(b64decode(jwk["x"]), "big"), int.from_bytes(b64decode(jwk["y"]), "big"),
        ec.SECP256R1()).public_key()
    signature = b64decode(signature_b64)
    if len(signature) != 64:
        raise AssertionError("an ES256 JWS signature is r || s, 64 bytes; got %d" % len(signature))
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    public_key.verify(der, (header_b64 + "." + claims_b64).encode("ascii"), ec.ECDSA(hashes.SHA256()))
    return header, json.loads(b64decode(claims_b64))


@needs_cryptography
class ProofTest(unittest.TestCase):
    def test_a_token_request_proof_is_an_es256_jwt_signed_by_its_public_jwk(self):
        key = agent_auth._DPoPKey()
        header, claims = verified(key.proof("post", "https://Auth.Example.com/login?next=x#part"))
        self.assertEqual(header, {"typ": "dpop+jwt", "alg": "ES256", "jwk": key.jwk})
        self.assertEqual(sorted(key.jwk), ["crv", "kty", "x", "y"], "public members only, no d")
        self.assertEqual((key.jwk["kty"], key.jwk["crv"]), ("EC", "P-256"))
        self.assertEqual(sorted(claims), ["htm", "htu", "iat", "jti"], "no ath without a token")
        self.assertEqual(claims["htm"], "POST")
        self.assertEqual(claims["htu"], "https://auth.example.com/login", "query and fragment left out")
        self.assertLessEqual(abs(claims["iat"] - time.time()), 5)
        self.assertGreaterEqual(len(b64decode(claims["jti"])), 16, "at least 128 random bits")
        self.assertLessEqual(len(claims["jti"]), 128)

    def test_a_proof_signed_by_another_key_or_altered_does_not_verify(self):
        proof = agent_auth._DPoPKey().proof("GET", "https://api.example.com/x")
        other = agent_auth._DPoPKey().proof("GET", "https://api.example.com/x")
        header, claims, signature = proof.split(".")
        with self.assertRaises(InvalidSignature):
            verified(".".join((header, other.split(".")[1], signature)))
        with self.assertRaises(InvalidSignature):
            verified(".".join((other.split(".")[0], claims, signature)))

    def test_a_resource_proof_carries_ath_the_hash_of_the_access_token(self):
        token = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"  # RFC 9449 §7.1
        _, claims = verified(agent_auth._DPoPKey().proof("GET", "https://resource.example.org/protectedresource", token))
        self.assertEqual(claims["ath"], "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo")
        self.assertEqual(claims["htu"], "https://resource.example.org/protectedresource")

    def test_every_proof_has_its_own_jti(self):
        key = agent_auth._DPoPKey()
        jtis = {verified(key.proof("POST", "https://auth.example.com/refresh"))[1]["jti"] for _ in range(50)}
        self.assertEqual(len(jtis), 50)

    def test_a_nonce_from_the_server_goes_into_later_proofs_for_that_origin_only(self):
        key = agent_auth._DPoPKey()
        key.remember_nonce("https://auth.example.com/login", "eyJ7S_zG.eyJH0-Z.HX4w-7v")
        _, same_origin = verified(key.proof("POST", "https://AUTH.example.com/refresh"))
        _, other_origin = verified(key.proof("GET", "https://api.example.com/x", "t"))
        self.assertEqual(same_origin["nonce"], "eyJ7S_zG.eyJH0-Z.HX4w-7v")
        self.assertNotIn("nonce", other_origin)

    def test_the_thumbprint_follows_rfc_7638(self):
        jwk = {"kty": "EC", "x": "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs",
               "y": "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA", "crv": "P-256"}
        self.assertEqual(agent_auth._jwk_thumbprint(jwk), "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")  # RFC 9449 §6.1
        client = AgentAuthClient(server="https://auth.example.com", username="a", secret="s", dpop=True)
        canonical = '{"crv":"P-256","kty":"EC","x":"%s","y":"%s"}' % (client._dpop.jwk["x"], client._dpop.jwk["y"])
        self.assertEqual(client.dpop_thumbprint, b64encode(hashlib.sha256(canonical.encode()).digest()))


@needs_cryptography
class DPoPClientTest(unittest.TestCase):
    def test_a_dpop_client_gets_and_uses_tokens_from_the_server(self):
        server = shared_server()
        Admin(server).create_user("py-dpop", "correct horse battery staple", ["read"])
        with AgentAuthClient(server=server.url, username="py-dpop", secret="correct horse battery staple",
                             dpop=True) as client:
            me = client.request("GET", server.url + "/me")
            self.assertEqual((me.status, me.json()["sub"]), (200, "py-dpop"))
            scheme, token = client.authorization_header().split(" ", 1)
            bound = jwt_claims(token).get("cnf", {}).get("jkt")
            # the server (--dpop optional by default) binds the token to our key
            self.assertEqual((scheme, bound), ("DPoP", client.dpop_thumbprint))

    def test_an_agent_that_must_use_dpop_binds_its_session_refreshes_and_logs_out_under_server_nonces(self):
        server = support.JarServer(extra_flags=["--dpop-nonce", "required"]).start()
        try:
            admin = Admin(server)
            admin.create_user("py-bound", "correct horse battery staple", ["read"])
            admin.call("PATCH", "/admin/api/users/py-bound", {"dpop_required": True})
            with AgentAuthClient(server=server.url, username="py-bound", secret="correct horse battery staple",
                                 dpop=True) as client:
                first = client.authorization_header()
                self.assertEqual(client.request("GET", server.url + "/me").status, 200)
                # tokens live 3 s here: the client refreshes its bound session with proofs
                support.wait_for(lambda: client.authorization_header() != first, what="a refreshed access token")
                self.assertEqual(client.request("GET", server.url + "/me").status, 200)
            with sqlite3.connect(server.db) as db:
                rows = db.execute("SELECT f.dpop_jkt, f.revoked_at IS NOT NULL FROM families f JOIN users u ON u.id = f.user_id"
                                  " WHERE u.username = 'py-bound'").fetchall()
            self.assertEqual(rows, [(client.dpop_thumbprint, 1)])  # bound to our key, ended by the logout
        finally:
            server.stop()


class NonceDemandingResource(http.server.ThreadingHTTPServer):
    """A resource server on loopback that verifies each DPoP proof and asks for a nonce once (RFC 9449 §9)."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), self.Handler)
        self.seen = []  # (Authorization, verified proof claims) per request
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server_address[1]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            _, claims = verified(self.headers["DPoP"])
            self.server.seen.append((self.headers["Authorization"], claims))
            if claims.get("nonce") != "nonce-1":
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'DPoP error="use_dpop_nonce", algs="ES256"')
                self.send_header("DPoP-Nonce", "nonce-1")
            else:
                self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass


@needs_cryptography
class DPoPResourceCallTest(unittest.TestCase):
    def test_a_bound_token_goes_with_a_proof_and_a_nonce_challenge_is_answered_once(self):
        resource = NonceDemandingResource()
        self.addCleanup(resource.server_close)
        self.addCleanup(resource.shutdown)
        client = AgentAuthClient(server="http://127.0.0.1:9", username="a", secret="s", dpop=True)
        # today's server issues Bearer tokens only: a DPoP-bound token stands in for one it will issue
        client._tokens = agent_auth._Tokens("bound.access.token", None, "DPoP", time.monotonic() + 60,
                                            time.monotonic() + 50, None)
        response = client.request("POST", resource.url + "/tools/run?verbose=1", json={"tool": "x"})
        self.assertEqual(response.status, 200)
        self.assertEqual([auth for auth, _ in resource.seen], ["DPoP bound.access.token"] * 2)
        ath = b64encode(hashlib.sha256(b"bound.access.token").digest())
        for claims, nonce in zip([c for _, c in resource.seen], [None, "nonce-1"]):
            self.assertEqual((claims["htm"], claims["htu"], claims["ath"], claims.get("nonce")),
                             ("POST", resource.url + "/tools/run", ath, nonce))
        self.assertNotEqual(resource.seen[0][1]["jti"], resource.seen[1][1]["jti"])


class WithoutCryptographyTest(unittest.TestCase):
    def test_dpop_is_refused_at_construction_and_bearer_still_works(self):
        script = textwrap.dedent("""
            import sys
            sys.modules["cryptography"] = None  # importing it now fails, as where it is not installed
            import agent_auth
            agent_auth.AgentAuthClient(server="https://auth.example.com", username="a", secret="s")
            try:
                agent_auth.AgentAuthClient(server="https://auth.example.com", username="a", secret="s", dpop=True)
            except ValueError as e:
                print(e)
        """)
        run = subprocess.run([sys.executable, "-c", script], cwd=support.MODULE_DIR, capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout.strip().splitlines(), [
            "dpop=True needs the 'cryptography' package, which is not importable here: install it "
            "(pip install cryptography, or apt install python3-cryptography)"])


if __name__ == "__main__":
    unittest.main()
