"""discover(): from a service's 401 to the server that issues its tokens (RFC 9728, RFC 8414).

The service here is a scripted stand-in on a loopback port (what it answers is the point of
each test); the auth server is the real jar. The MCP example in docs/examples/mcp runs the same
path against a real TokenVerifier-protected service.
"""

import http.server
import json
import threading
import unittest

from support import Admin, JarServer, jwt_claims

from agent_auth import AgentAuthClient, DiscoveryError, discover

PASSWORD = "correct horse battery staple"


class ScriptedService:
    """Answers each path with a fixed (status, headers, JSON body); anything else is 404."""

    def __init__(self):
        self.routes = {}
        self.seen = []
        routes, seen = self.routes, self.seen

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append((self.command, self.path, self.headers.get("Authorization")))
                status, headers, body = routes.get(self.path, (404, {}, {"error": "not_found"}))
                data = json.dumps(body).encode("utf-8")
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def protect(self, path, metadata, challenge=None):
        """``path`` answers 401; the metadata is served where RFC 9728 §3.1 puts it."""
        well_known = "/.well-known/oauth-protected-resource" + path
        if challenge is None:
            challenge = 'Bearer resource_metadata="%s%s"' % (self.url, well_known)
        self.routes[path] = (401, {"WWW-Authenticate": challenge}, {"error": "unauthorized"})
        self.routes[well_known] = (200, {}, metadata)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class DiscoverTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.service = ScriptedService()
        cls.resource = cls.service.url + "/mcp"
        cls.server = JarServer(extra_flags=["--resource", cls.resource]).start()
        Admin(cls.server).create_user("py-discover", PASSWORD, ["tools"])

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.service.stop()

    def metadata(self, **changes):
        doc = {"resource": self.resource, "authorization_servers": [self.server.url],
               "scopes_supported": ["tools"], "bearer_methods_supported": ["header"]}
        doc.update(changes)
        return doc

    def test_the_401_leads_to_the_server_and_its_token_is_for_the_service(self):
        self.service.protect("/mcp", self.metadata(authorization_servers=["https://other.example", self.server.url]))
        found = discover(self.resource, servers=[self.server.url + "/"], method="POST")
        self.assertEqual(found.server, self.server.url)
        self.assertEqual(found.resource, self.resource)
        self.assertEqual(found.scopes, ["tools"])
        self.assertIn(("POST", "/mcp", None), self.service.seen)  # asked without a token
        with AgentAuthClient(server=found.server, username="py-discover", secret=PASSWORD,
                             resource=found.resource) as auth:
            reply = auth.request("POST", self.resource, json={})
        self.assertEqual(reply.status, 401)  # the stand-in takes no token; what it was sent counts
        token = self.service.seen[-1][2]
        self.assertTrue(token.startswith("Bearer "), token)
        self.assertEqual(jwt_claims(token[len("Bearer "):])["aud"], self.resource)

    def test_the_scope_of_the_challenge_wins_over_scopes_supported(self):
        self.service.protect("/scoped", self.metadata(resource=self.service.url + "/scoped"),
                             'Bearer scope="tools:read tools:call", resource_metadata="%s"'
                             % (self.service.url + "/.well-known/oauth-protected-resource/scoped"))
        found = discover(self.service.url + "/scoped", servers=self.server.url)
        self.assertEqual(found.scopes, ["tools:read", "tools:call"])

    def test_a_service_naming_only_servers_the_agent_does_not_know_is_refused(self):
        self.service.protect("/elsewhere", self.metadata(resource=self.service.url + "/elsewhere",
                                                         authorization_servers=["https://evil.example"]))
        with self.assertRaises(DiscoveryError) as caught:
            discover(self.service.url + "/elsewhere", servers=self.server.url)
        self.assertIn("https://evil.example", str(caught.exception))

    def test_metadata_for_another_resource_is_refused(self):
        for claimed in ("https://other.example/mcp", self.service.url + "/mcp-admin", self.service.url + "/m"):
            self.service.protect("/mcp-tools", self.metadata(resource=claimed))
            with self.assertRaises(DiscoveryError, msg=claimed):
                discover(self.service.url + "/mcp-tools", servers=self.server.url)

    def test_without_resource_metadata_in_the_challenge_the_well_known_url_is_read(self):
        self.service.protect("/plain", self.metadata(resource=self.service.url + "/plain"), challenge="Bearer")
        found = discover(self.service.url + "/plain", servers=self.server.url)
        self.assertEqual(found.resource, self.service.url + "/plain")

    def test_a_server_whose_metadata_names_another_issuer_is_refused(self):
        impostor = self.service.url  # the stand-in also plays an auth server with a wrong issuer
        self.service.routes["/.well-known/oauth-authorization-server"] = (200, {}, {"issuer": "https://real.example"})
        self.service.protect("/impostor", self.metadata(resource=self.service.url + "/impostor",
                                                        authorization_servers=[impostor]))
        with self.assertRaises(DiscoveryError) as caught:
            discover(self.service.url + "/impostor", servers=impostor)
        self.assertIn("another issuer", str(caught.exception))

    def test_a_service_that_answers_without_a_token_is_not_a_protected_resource(self):
        self.service.routes["/open"] = (200, {}, {})
        with self.assertRaises(DiscoveryError) as caught:
            discover(self.service.url + "/open", servers=self.server.url)
        self.assertEqual(caught.exception.status, 200)

    def test_bad_arguments_are_value_errors(self):
        for bad in ({"url": "ftp://x/mcp", "servers": self.server.url}, {"url": self.resource, "servers": []}):
            with self.assertRaises(ValueError):
                discover(bad["url"], servers=bad["servers"])


if __name__ == "__main__":
    unittest.main()
