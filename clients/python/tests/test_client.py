"""AgentAuthClient against the real server: the README example, sessions, errors, secrets."""

import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import support
from support import Admin, jwt_claims, shared_server

from agent_auth import AgentAuthClient, BadCredentials, ProtocolError, ServerUnavailable

PASSWORD = "correct horse battery staple"


class ClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = shared_server()
        cls.admin = Admin(cls.server)

    def new_agent(self, name, scopes=("read",)):
        self.admin.create_user(name, PASSWORD, scopes)
        return name

    def client(self, name, **options):
        options.setdefault("secret", PASSWORD)
        client = AgentAuthClient(server=self.server.url, username=name, **options)
        self.addCleanup(client.close)
        return client

    def test_the_readme_example_runs_as_shown(self):
        self.new_agent("agent-1")
        readme = open(os.path.join(support.MODULE_DIR, "README.md"), encoding="utf-8").read()
        example = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
        self.assertIn("http://127.0.0.1:8080", example)
        env = dict(os.environ, AGENT_AUTH_PASSWORD=PASSWORD, PYTHONPATH=support.MODULE_DIR)
        run = subprocess.run([sys.executable, "-c", example.replace("http://127.0.0.1:8080", self.server.url)],
                             env=env, cwd=tempfile.mkdtemp(), capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout.strip(), "200 agent-1")
        self.assertEqual(len(self.admin.events("agent-1", "login")), 1)
        self.assertEqual(len(self.admin.events("agent-1", "logout")), 1, "leaving the with block logs out")

    def test_sixteen_threads_refresh_once_per_token_lifetime(self):
        name = self.new_agent("py-threads")
        client = self.client(name)
        lifetimes = 3  # the run ends when the fourth token appears: three refreshes expected
        # each token is kept until it has min(30 s, 10%) of its lifetime left, counted from when
        # it was requested, with expires_in taken as one second too long (whole-second rounding)
        kept_at_least = (support.ACCESS_TTL - 1) * 0.9
        seen, errors, lock, stop = [], [], threading.Lock(), threading.Event()

        def use_the_client():
            try:
                while not stop.is_set():
                    asked_at = time.time()
                    token = client.authorization_header()[len("Bearer "):]
                    if jwt_claims(token)["exp"] <= asked_at:
                        errors.append("an expired token was handed out")
                    with lock:
                        if token not in seen:
                            seen.append(token)
                            if len(seen) == lifetimes + 1:
                                stop.set()
                    stop.wait(0.01)
            except Exception as e:  # reported below, with the others
                errors.append(repr(e))
                stop.set()

        started = time.monotonic()  # before the login is sent: no later than the client's own clock
        client.access_token()
        threads = [threading.Thread(target=use_the_client) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(lifetimes * support.ACCESS_TTL * 5 + 30)
        self.assertFalse(any(t.is_alive() for t in threads), "the threads did not finish")
        self.assertEqual(errors, [])
        self.assertEqual(len(seen), lifetimes + 1)
        self.assertGreaterEqual(time.monotonic() - started, lifetimes * kept_at_least,
                                "no token was replaced before its refresh was due")
        self.assertEqual(self.server.refresh_counts(name), [(lifetimes, False)],
                         "one session, refreshed exactly once per token lifetime")
        self.assertEqual(len(self.admin.events(name, "login")), 1)
        self.assertEqual(self.admin.events(name, "refresh_reuse"), [])

    def test_a_revoked_session_recovers_by_logging_in(self):
        name = self.new_agent("py-revoked")
        client = self.client(name)
        self.assertEqual(client.request("GET", self.server.url + "/me").status, 200)
        self.assertEqual(self.admin.revoke(name), 1)
        me = client.request("GET", self.server.url + "/me")  # 401, refresh refused, login, 200
        self.assertEqual(me.status, 200)
        self.assertEqual(me.json()["sub"], name)
        self.assertEqual(self.server.refresh_counts(name), [(0, True), (0, False)])
        self.assertEqual(len(self.admin.events(name, "login")), 2)

    def test_a_throttled_login_waits_out_retry_after(self):
        name = self.new_agent("py-throttled")
        self.fail_five_logins(name)
        client = self.client(name)
        started = time.monotonic()
        self.assertEqual(client.request("GET", self.server.url + "/me").status, 200)
        self.assertGreaterEqual(time.monotonic() - started, 1.0, "the first answer was 429, Retry-After: 1")
        self.assertEqual(len(self.admin.events(name, "throttled")), 1)

    def test_a_retry_after_longer_than_the_caller_waits_is_raised_with_its_value(self):
        name = self.new_agent("py-impatient")
        self.fail_five_logins(name)
        client = self.client(name, max_retry_after=0)
        with self.assertRaises(ServerUnavailable) as raised:
            client.access_token()
        self.assertEqual((raised.exception.status, raised.exception.error), (429, "too_many_requests"))
        self.assertEqual(raised.exception.retry_after, 1.0)

    def fail_five_logins(self, name):
        wrong = self.client(name, secret="not the secret of " + name)
        for _ in range(5):
            with self.assertRaises(BadCredentials) as raised:
                wrong.access_token()
            self.assertEqual(raised.exception.error, "invalid_client")

    def test_client_credentials_mode_leaves_no_session_and_renews_with_a_new_grant(self):
        name = self.new_agent("py-cc")
        client = self.client(name, client_credentials=True)
        me = client.request("GET", self.server.url + "/me")
        self.assertEqual((me.status, me.json()["sub"]), (200, name))
        first = client.access_token()
        self.assertNotIn("sid", jwt_claims(first))
        renewed = support.wait_for(lambda: client.access_token() != first, what="a renewed token")
        self.assertTrue(renewed)
        self.assertEqual(self.server.refresh_counts(name), [], "client_credentials starts no session")

    def test_a_token_for_a_resource_has_it_as_audience(self):
        name = self.new_agent("py-resource")
        client = self.client(name, resource=support.RESOURCE, scopes="read")
        claims = jwt_claims(client.access_token())
        self.assertEqual((claims["aud"], claims["scope"]), (support.RESOURCE, "read"))

    def test_close_logs_out_and_the_client_refuses_further_use(self):
        name = self.new_agent("py-close")
        client = self.client(name)
        client.access_token()
        client.close()
        self.assertEqual(self.server.refresh_counts(name), [(0, True)])
        with self.assertRaises(RuntimeError):
            client.access_token()
        client.close()  # idempotent

    def test_secrets_and_tokens_stay_out_of_repr_errors_and_logs(self):
        name = self.new_agent("py-quiet")
        with self.assertLogs("agent_auth", "DEBUG") as logs:
            client = self.client(name)
            client.request("GET", self.server.url + "/me")
            tokens = client._tokens
            self.admin.revoke(name)
            client.request("GET", self.server.url + "/me")
            wrong = self.client(name, secret="a wrong secret for " + name)
            with self.assertRaises(BadCredentials) as raised:
                wrong.access_token()
            shown = [repr(client), repr(vars(client)), repr(wrong), str(raised.exception)] + logs.output
            client.close()
        for secret in (PASSWORD, "a wrong secret for " + name, tokens.access_token, tokens.refresh_token):
            for text in shown:
                self.assertNotIn(secret, text)
        self.assertIn("secret=****", repr(client))

    def test_the_secret_comes_from_a_file_or_the_environment(self):
        name = self.new_agent("py-secret-file")
        path = os.path.join(tempfile.mkdtemp(), "secret")
        with open(path, "w") as f:
            f.write(PASSWORD + "\n")
        self.assertEqual(self.client(name, secret=None, secret_file=path).request(
            "GET", self.server.url + "/me").status, 200)
        os.environ["PY_TEST_AGENT_SECRET"] = PASSWORD
        self.addCleanup(os.environ.pop, "PY_TEST_AGENT_SECRET")
        self.assertEqual(self.client(name, secret=None, secret_env="PY_TEST_AGENT_SECRET").request(
            "GET", self.server.url + "/me").status, 200)
        with self.assertRaisesRegex(ValueError, "set PY_TEST_NO_SUCH_VARIABLE"):
            AgentAuthClient(server=self.server.url, username=name, secret_env="PY_TEST_NO_SUCH_VARIABLE")

    def test_a_wrong_server_url_is_a_protocol_error(self):
        client = AgentAuthClient(server=self.server.url + "/no-such-prefix", username="anyone",
                                 secret="whatever secret")
        with self.assertRaises(ProtocolError) as raised:
            client.access_token()
        self.assertEqual(raised.exception.status, 404)


if __name__ == "__main__":
    unittest.main()
