"""A server stopped mid-run: the client says ServerUnavailable, and recovers when it is back."""

import unittest

import support
from support import Admin, JarServer

from agent_auth import AgentAuthClient, ServerUnavailable

PASSWORD = "correct horse battery staple"


class ServerRestartTest(unittest.TestCase):
    def setUp(self):
        self.server = JarServer().start()
        self.addCleanup(self.server.stop)

    def test_a_stopped_server_gives_server_unavailable_and_the_session_resumes_when_it_is_back(self):
        Admin(self.server).create_user("py-restart", PASSWORD, ["read"])
        client = AgentAuthClient(server=self.server.url, username="py-restart", secret=PASSWORD, max_attempts=2)
        self.addCleanup(client.close)
        self.assertEqual(client.request("GET", self.server.url + "/me").status, 200)
        self.server.stop()

        def refresh_fails():
            try:
                client.access_token()  # the cached token until its refresh is due
                return None
            except ServerUnavailable as e:
                return e

        failure = support.wait_for(refresh_fails, deadline_s=support.ACCESS_TTL * 10,
                                   what="the refresh against the stopped server to fail")
        self.assertIsNone(failure.status)
        self.assertIsNone(failure.retry_after)
        self.assertIn("cannot reach POST /refresh", str(failure))

        self.server.start()  # same database, same port
        me = client.request("GET", self.server.url + "/me")
        self.assertEqual((me.status, me.json()["sub"]), (200, "py-restart"))
        self.assertEqual(self.server.refresh_counts("py-restart"), [(1, False)],
                         "the session resumed with a refresh, not a new login")


if __name__ == "__main__":
    unittest.main()
