"""The real agent-auth jar on a loopback port for the Python client's tests, and its admin API.

The jar comes from AGENT_AUTH_JAR (run_tests.sh sets it). Each server gets a temporary SQLite
file, an access TTL of 3 s (so tests see several token lifetimes quickly) and a throttle delay
of 1 s. Servers die with the test process (PR_SET_PDEATHSIG) and are stopped at exit.
"""

import atexit
import base64
import ctypes
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
MODULE_DIR = os.path.dirname(HERE)
sys.path.insert(0, MODULE_DIR)

ADMIN_PASSWORD = "admin-password-for-python-tests"
ACCESS_TTL = 3
RESOURCE = "https://api.example.test/tools"  # a service the servers issue tokens for (--resource)
_LISTENING = re.compile(r"agent-auth listening on \S+ \(issuer (http://127\.0\.0\.1:(\d+))\)")


def jar_path():
    jar = os.environ.get("AGENT_AUTH_JAR")
    if not jar or not os.path.isfile(jar):
        raise RuntimeError("set AGENT_AUTH_JAR to the path of agent-auth.jar (run_tests.sh does)")
    return jar


def _die_with_parent():
    """Linux: the jar gets SIGTERM if the test process dies, so no server outlives its test."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class JarServer:
    """One `java -jar agent-auth.jar` process; restartable on the same database and port."""

    def __init__(self, db=None, extra_flags=()):
        self.db = db or os.path.join(tempfile.mkdtemp(prefix="agent-auth-py-"), "agent-auth.db")
        self.extra_flags = list(extra_flags)
        self.port = 0
        self.url = None
        self.process = None
        self.output = []

    def start(self, deadline_s=180):  # as the Java tests' JarProcess: a loaded CI machine starts a JVM slowly
        env = {k: v for k, v in os.environ.items() if not k.startswith("AGENT_AUTH_")}
        env["AGENT_AUTH_ADMIN_PASSWORD"] = ADMIN_PASSWORD
        command = ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar_path(),
                   "--host", "127.0.0.1", "--port", str(self.port), "--db", self.db,
                   "--access-ttl", "%ds" % ACCESS_TTL, "--throttle-delay", "1s", "--resource", RESOURCE] + self.extra_flags
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, env=env, preexec_fn=_die_with_parent)
        listening = threading.Event()
        threading.Thread(target=self._read_output, args=(self.process, listening), daemon=True).start()
        end = time.monotonic() + deadline_s
        while not listening.wait(0.1):
            if self.process.poll() is not None or time.monotonic() > end:
                self.stop()
                raise RuntimeError("agent-auth did not start:\n" + "\n".join(self.output[-20:]))
        atexit.register(self.stop)
        return self

    def _read_output(self, process, listening):
        for raw in process.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            self.output.append(line)
            match = _LISTENING.search(line)
            if match:
                self.url, self.port = match.group(1), int(match.group(2))
                listening.set()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def refresh_counts(self, username):
        """(refreshes, revoked) of each of the user's sessions, oldest first, as the server's
        tables record them: every rotation stores one refresh token with a parent."""
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=10)
        try:
            rows = con.execute(
                "SELECT (SELECT COUNT(*) FROM refresh_tokens t WHERE t.family_id = f.id AND t.parent_hash IS NOT NULL),"
                " f.revoked_at IS NOT NULL FROM families f JOIN users u ON u.id = f.user_id"
                " WHERE u.username = ? ORDER BY f.created_at, f.rowid", (username,)).fetchall()
        finally:
            con.close()
        return [(count, bool(revoked)) for count, revoked in rows]


_shared = None


def shared_server():
    """One server for every test that needs no server of its own (started on first use)."""
    global _shared
    if _shared is None:
        _shared = JarServer().start()
    return _shared


def http_json(method, url, body=None, token=None):
    """(status, headers, parsed JSON or None) of a plain urllib exchange, for setup and checks."""
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode("utf-8"), "application/json"
    if token is not None:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, answer, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        status, answer, raw = e.code, e.headers, e.read()
        e.close()
    return status, answer, (json.loads(raw) if raw else None)


class Admin:
    """The admin API of a server, through a fresh admin login per call (tokens live 3 s)."""

    def __init__(self, server):
        self.server = server

    def call(self, method, path, body=None):
        # A stall on a loaded machine can outlast the token (3 s from a whole-second iat, so 2 s
        # at worst): a 401 for a token that has expired by now logs in again. Any other answer,
        # a 401 for a live token included, is returned; the bound only stops a server that hands
        # out dead tokens.
        for _ in range(10):
            status, _, doc = http_json("POST", self.server.url + "/login",
                                       {"username": "admin", "password": ADMIN_PASSWORD})
            if status != 200:
                raise AssertionError("admin login failed: %s %s" % (status, doc))
            answer = http_json(method, self.server.url + path, body, doc["access_token"])
            if answer[0] != 401 or jwt_claims(doc["access_token"])["exp"] > time.time():
                break
        return answer

    def create_user(self, username, password, scopes=()):
        status, _, doc = self.call("POST", "/admin/api/users", {
            "username": username, "password": password, "scopes": list(scopes), "enabled": True})
        if status != 201:
            raise AssertionError("creating %s failed: %s %s" % (username, status, doc))

    def revoke(self, username):
        status, _, doc = self.call("POST", "/admin/api/users/%s/revoke" % username)
        if status != 200:
            raise AssertionError("revoking %s failed: %s %s" % (username, status, doc))
        return doc["revoked"]

    def events(self, username, event_type):
        status, _, doc = self.call("GET", "/admin/api/audit?user=%s&type=%s&limit=100" % (username, event_type))
        if status != 200:
            raise AssertionError("reading the audit log failed: %s %s" % (status, doc))
        return doc["events"]


def jwt_claims(token):
    """The claims of a JWT, unverified (the tests only read what the server issued)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def wait_for(condition, deadline_s=30, what="a condition"):
    """Polls until condition() is truthy and returns its value; fails after a generous deadline."""
    end = time.monotonic() + deadline_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)
