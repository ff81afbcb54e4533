"""Client for agent-auth: gives an agent a valid access token at any moment.

One module, standard library only (Python 3.9+); DPoP (RFC 9449) also needs ``cryptography``.
With the secret in ``AGENT_AUTH_PASSWORD``::

    with AgentAuthClient(server="https://auth.example.com", username="agent-1") as auth:
        response = auth.request("GET", "https://api.example.com/things")

See :class:`AgentAuthClient` for what it does; the README next to this file for more.
"""

import collections
import copy
import email.utils
import hashlib
import http.client
import json
import logging
import os
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from base64 import urlsafe_b64encode

try:  # DPoP only: the standard library has no ECDSA, and P-256 must not be written by hand
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
except ImportError:
    ec = None

__all__ = ["AgentAuthClient", "Response", "AgentAuthError", "BadCredentials",
           "ServerUnavailable", "ProtocolError", "discover", "Discovery", "DiscoveryError"]

DEFAULT_SECRET_ENV = "AGENT_AUTH_PASSWORD"

log = logging.getLogger("agent_auth")

_SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5B\x5D-\x7E]+")  # RFC 6749 §3.3
_ERROR_CODE = re.compile(r"[a-z_]{1,64}")


# --- Errors -----------------------------------------------------------------------------------

class AgentAuthError(Exception):
    """Root of the errors raised while getting a token. Messages are safe to log.

    ``error`` is the OAuth error code the server answered (``invalid_client``...) or None;
    ``status`` is the HTTP status or None when there was no answer.
    """

    def __init__(self, message, error=None, status=None):
        super().__init__(message)
        self.error = error
        self.status = status


class BadCredentials(AgentAuthError):
    """The server refused the name, secret, scopes or resource: fix the configuration."""


class ServerUnavailable(AgentAuthError):
    """No usable answer within the attempts: network failure, 5xx, or throttled (429/503).

    ``retry_after`` is the wait in seconds the server asked for, or None. Trying again later
    may succeed.
    """

    def __init__(self, message, error=None, status=None, retry_after=None):
        super().__init__(message, error, status)
        self.retry_after = retry_after


class ProtocolError(AgentAuthError):
    """The server answered something this client does not understand (is the URL right?)."""


class DiscoveryError(AgentAuthError):
    """:func:`discover` found no usable answer: the service is not a protected resource, its
    metadata is invalid, or it names none of the servers this agent holds credentials for."""


# --- Small pieces -----------------------------------------------------------------------------

class _Secret:
    """Holds a secret so that repr(), vars() and debuggers show only stars."""
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return "****"


def _b64url(data):
    return urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _compact_json(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _error_code(body):
    """The OAuth ``error`` of an error body, or None; nothing else is read from it."""
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    code = doc.get("error") if isinstance(doc, dict) else None
    return code if isinstance(code, str) and _ERROR_CODE.fullmatch(code) else None


def _retry_after(value):
    """RFC 9110 §10.2.3: delay-seconds or an HTTP-date, as seconds; None if absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        at = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, at.timestamp() - time.time())


def _origin(url):
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower() + "://" + parts.netloc.lower()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are answered, never followed: they must not carry a secret or token elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)
_NETWORK_ERRORS = (OSError, http.client.HTTPException)  # URLError and timeouts are OSErrors


def _http(method, url, body, headers, timeout):
    """One HTTP exchange: (status, headers, body) for every status; raises on network errors."""
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as answer:  # a 3xx, 4xx or 5xx is an answer, not a failure
        try:
            return answer.code, answer.headers, answer.read()
        finally:
            answer.close()


# --- DPoP (RFC 9449) --------------------------------------------------------------------------

def _jwk_thumbprint(jwk):
    """RFC 7638 §3: SHA-256 of the required members, sorted, without whitespace."""
    required = {k: jwk[k] for k in ("crv", "kty", "x", "y")}
    canonical = json.dumps(required, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode("ascii")).digest())


def _htu(url):
    """RFC 9449 §4.2: the target URI without query and fragment."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", "", ""))


class _DPoPKey:
    """A P-256 key made in memory for this process, and the proofs it signs. Thread-safe.

    Keeps the latest ``DPoP-Nonce`` each origin sent (RFC 9449 §8 and §9) for the next proof.
    """

    def __init__(self):
        self._key = ec.generate_private_key(ec.SECP256R1())
        numbers = self._key.public_key().public_numbers()
        self.jwk = {"kty": "EC", "crv": "P-256",
                    "x": _b64url(numbers.x.to_bytes(32, "big")),
                    "y": _b64url(numbers.y.to_bytes(32, "big"))}
        self.thumbprint = _jwk_thumbprint(self.jwk)
        header = {"typ": "dpop+jwt", "alg": "ES256", "jwk": self.jwk}
        self._header = _b64url(_compact_json(header).encode("utf-8"))
        self._nonces = {}
        self._lock = threading.Lock()

    def remember_nonce(self, url, nonce):
        if nonce:
            with self._lock:
                self._nonces[_origin(url)] = nonce

    def proof(self, method, url, access_token=None):
        """A fresh proof for one request; ``access_token`` adds ``ath`` (for resource calls)."""
        claims = {"jti": secrets.token_urlsafe(24), "htm": method.upper(), "htu": _htu(url),
                  "iat": int(time.time())}
        if access_token is not None:
            claims["ath"] = _b64url(hashlib.sha256(access_token.encode("ascii")).digest())
        with self._lock:
            nonce = self._nonces.get(_origin(url))
        if nonce is not None:
            claims["nonce"] = nonce
        signing_input = self._header + "." + _b64url(_compact_json(claims).encode("utf-8"))
        der = self._key.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)  # JWS ES256 wants r || s, 32 bytes each (RFC 7518 §3.4)
        return signing_input + "." + _b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))

    def __repr__(self):
        return "_DPoPKey(jkt=%s)" % self.thumbprint


# --- Tokens and the auth server ---------------------------------------------------------------

class _Tokens(collections.namedtuple("_Tokens", "access_token refresh_token scheme expires_at "
                                                "refresh_at refresh_expires_at")):
    """One token response; deadlines on the monotonic clock, counted from when it was requested.
    ``scheme`` is "Bearer", or "DPoP" for a token bound to our key."""
    __slots__ = ()

    def usable(self, now):
        return now < self.refresh_at

    def refreshable(self, now):
        return self.refresh_token is not None and (
            self.refresh_expires_at is None or now < self.refresh_expires_at)

    def __repr__(self):
        return "_Tokens(****, %s, expires in %.1f s)" % (self.scheme, self.expires_at - time.monotonic())


class _AuthServer:
    """The token endpoints of one agent-auth server, with bounded attempts. Thread-safe.

    Waits what ``Retry-After`` says on 429/503 when that is not longer than ``max_retry_after``,
    backs off with jitter on network errors and other 5xx, and gives up after ``max_attempts``.
    """

    def __init__(self, base, timeout, max_attempts, max_retry_after, min_validity, dpop):
        self.base = base
        self._timeout = timeout
        self._max_attempts = max_attempts
        self._max_retry_after = max_retry_after
        self._min_validity = min_validity
        self._dpop = dpop

    def login(self, username, secret, scope, resource):
        fields = {"username": username, "password": secret, "scope": scope, "resource": resource}
        return self._grant("/login", fields, False, "login as '%s'" % username, True)

    def client_credentials(self, username, secret, scope, resource):
        fields = {"grant_type": "client_credentials", "client_id": username, "client_secret": secret,
                  "scope": scope, "resource": resource}
        return self._grant("/oauth/token", fields, True, "client_credentials as '%s'" % username, False)

    def refresh(self, refresh_token):
        """Rotated tokens, or None when the server refused the refresh token (log in again)."""
        status, body, sent_at = self._post("/refresh", {"refresh_token": refresh_token}, False)
        if status == 200:
            return self._tokens(body, sent_at, "/refresh", True)
        if status in (400, 401):  # invalid_grant: the session ended (revoked, reused, expired)
            return None
        raise self._unexpected(status, "/refresh")

    def logout(self, refresh_token):
        """Ends the session: one attempt, failures ignored (the session also expires by itself)."""
        url = self.base + "/logout"
        headers = {"Content-Type": "application/json"}
        if self._dpop is not None:
            headers["DPoP"] = self._dpop.proof("POST", url)
        try:
            status = _http("POST", url, _compact_json({"refresh_token": refresh_token}).encode("utf-8"),
                           headers, self._timeout)[0]
            return status == 204
        except _NETWORK_ERRORS:
            return False

    def _grant(self, path, fields, form, what, expect_refresh):
        status, body, sent_at = self._post(path, fields, form)
        if status == 200:
            return self._tokens(body, sent_at, path, expect_refresh)
        if status in (400, 401):
            error = _error_code(body)
            raise BadCredentials("%s refused: %s" % (what, error or "status %d" % status), error, status)
        raise self._unexpected(status, path)

    def _post(self, path, fields, form):
        """POSTs until an answer that is neither 429, 5xx nor a network failure.

        Returns (status, body, sent_at): when the answered attempt was sent, on the monotonic
        clock, so that a token's deadlines never count the waits before it."""
        url = self.base + path
        fields = {k: v for k, v in fields.items() if v is not None}
        if form:
            body, content_type = urllib.parse.urlencode(fields).encode("ascii"), "application/x-www-form-urlencoded"
        else:
            body, content_type = _compact_json(fields).encode("utf-8"), "application/json"
        attempt, nonce_retried = 0, False
        while True:
            attempt += 1
            headers = {"Content-Type": content_type, "Accept": "application/json"}
            if self._dpop is not None:  # a fresh proof per attempt: a jti is good once
                headers["DPoP"] = self._dpop.proof("POST", url)
            sent_at = time.monotonic()
            try:
                status, answer, data = _http("POST", url, body, headers, self._timeout)
            except _NETWORK_ERRORS as e:
                failure = ServerUnavailable("cannot reach POST %s: %s" % (path, getattr(e, "reason", e)))
                wait = self._backoff(attempt)
            else:
                error = _error_code(data) if status >= 400 else None
                if self._dpop is not None:
                    self._dpop.remember_nonce(url, answer.get("DPoP-Nonce"))
                    if error == "use_dpop_nonce" and not nonce_retried and answer.get("DPoP-Nonce"):
                        nonce_retried, attempt = True, attempt - 1  # RFC 9449 §8: once, with its nonce
                        continue
                if status != 429 and status < 500:
                    return status, data, sent_at
                retry_after = _retry_after(answer.get("Retry-After")) if status in (429, 503) else None
                failure = ServerUnavailable("POST %s answered %d%s" % (path, status, " " + error if error else ""),
                                            error, status, retry_after)
                if retry_after is not None and retry_after > self._max_retry_after:
                    raise failure  # longer than we may block the caller: let it decide
                wait = retry_after if retry_after is not None else self._backoff(attempt)
            if attempt >= self._max_attempts:
                raise failure
            log.debug("POST %s: %s; attempt %d of %d in %.1f s", path, failure, attempt + 1,
                      self._max_attempts, wait)
            time.sleep(wait)

    @staticmethod
    def _backoff(attempt):
        """Equal jitter from 0.2 s doubling to 5 s: half fixed, half random, so retries spread out."""
        cap = min(0.2 * 2 ** (attempt - 1), 5.0)
        return cap / 2 + secrets.SystemRandom().uniform(0, cap / 2)

    def _tokens(self, body, sent_at, path, expect_refresh):
        try:
            doc = json.loads(body)
        except ValueError:
            doc = None  # not chained or quoted: the body holds tokens
        doc = doc if isinstance(doc, dict) else {}
        access, refresh = doc.get("access_token"), doc.get("refresh_token")
        expires_in, token_type = doc.get("expires_in"), doc.get("token_type")
        schemes = {"bearer": "Bearer", "dpop": "DPoP"} if self._dpop is not None else {"bearer": "Bearer"}
        scheme = schemes.get(token_type.lower()) if isinstance(token_type, str) else None
        if (not isinstance(access, str) or not access or scheme is None
                or not isinstance(expires_in, int) or isinstance(expires_in, bool) or expires_in <= 0
                or (expect_refresh and (not isinstance(refresh, str) or not refresh))):
            raise ProtocolError("the token response of %s lacks access_token, a known token_type, "
                                "a positive expires_in or refresh_token" % path, status=200)
        # expires_in is whole seconds, maybe rounded up (agent-auth's exp is iat + TTL, iat
        # truncated to the second): the token may end up to one second sooner than it says
        lifetime = expires_in - 1 if expires_in > 1 else expires_in / 2
        margin = self._min_validity if self._min_validity is not None else min(30.0, lifetime / 10)
        margin = min(margin, lifetime / 2)  # a short-lived token is still used at all
        refresh_expires_in = doc.get("refresh_expires_in")
        refresh_expires_at = (sent_at + refresh_expires_in
                              if isinstance(refresh_expires_in, int) and refresh else None)
        return _Tokens(access, refresh if expect_refresh else None, scheme, sent_at + lifetime,
                       sent_at + lifetime - margin, refresh_expires_at)

    @staticmethod
    def _unexpected(status, path):
        return ProtocolError("POST %s answered unexpected status %d (is the server URL right?)"
                             % (path, status), status=status)


# --- The client -------------------------------------------------------------------------------

class Response:
    """A service's answer to :meth:`AgentAuthClient.request`, body read in full."""
    __slots__ = ("status", "headers", "body")

    def __init__(self, status, headers, body):
        self.status = status    # int
        self.headers = headers  # http.client.HTTPMessage: case-insensitive .get(name)
        self.body = body        # bytes

    def text(self):
        return self.body.decode(self.headers.get_content_charset() or "utf-8", errors="replace")

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return "Response(status=%d, %d bytes)" % (self.status, len(self.body))


class _Flight:
    """One login or refresh on the wire; the threads that need its result wait for it."""
    __slots__ = ("done", "tokens", "error")

    def __init__(self):
        self.done = threading.Event()
        self.tokens = None
        self.error = None


class AgentAuthClient:
    """An agent's session with an agent-auth server; use it as a context manager.

    Thread-safe: however many threads need a new token at once, one login or refresh is on the
    wire and the others wait for its result (or its error); a still-valid token never blocks.

    Arguments (keyword only):
      server: the server's base URL (its issuer), e.g. ``https://auth.example.com``.
      username: the agent's name.
      secret, secret_file, secret_env: the secret as a string, from a file (one trailing newline
        dropped) or, when neither is given, from the environment variable ``secret_env``
        (default ``AGENT_AUTH_PASSWORD``). Read once, at construction.
      scopes: the scopes to ask for (a list or a space-separated string); default all the
        user's scopes.
      resource: the service the token is for (RFC 8707); default the auth server itself.
      client_credentials: get access tokens with ``grant_type=client_credentials`` at
        ``/oauth/token`` instead of a session (no refresh token: a new grant at each renewal).
      dpop: bind tokens to a P-256 key held in memory (RFC 9449); needs ``cryptography``.
      timeout: seconds per request to the auth server (default 10).
      max_attempts: attempts per call to the auth server on network errors, 429 and 5xx (4).
      max_retry_after: the longest ``Retry-After`` (seconds) waited out inside a call; a longer
        one raises :class:`ServerUnavailable` at once with ``retry_after`` (default 10).
      min_validity: seconds a handed-out token must still be valid; default min(30 s, 10% of
        its lifetime), at most half of it. The lifetime is ``expires_in`` less one second, since
        servers round it to whole seconds.

    Raises ValueError for a bad or missing setting, including ``dpop=True`` without the
    ``cryptography`` package. Nothing is sent before the first call that needs a token.

    The client does not verify the access token (it is opaque to the agent; the service it is
    sent to verifies it). Python strings cannot be wiped: :meth:`close` drops the secret and
    tokens, which the garbage collector then frees.
    """

    def __init__(self, *, server, username, secret=None, secret_file=None, secret_env=DEFAULT_SECRET_ENV,
                 scopes=None, resource=None, client_credentials=False, dpop=False, timeout=10.0,
                 max_attempts=4, max_retry_after=10.0, min_validity=None):
        base = _base_url(server)
        _require(isinstance(username, str) and username, "username is required")
        scope_list = _scope_list(scopes)
        _require(not dpop or ec is not None, "dpop=True needs the 'cryptography' package, which is not "
                 "importable here: install it (pip install cryptography, or apt install python3-cryptography)")
        _require(_seconds(timeout) and timeout > 0, "timeout must be a positive number of seconds")
        _require(isinstance(max_attempts, int) and max_attempts >= 1, "max_attempts must be at least 1")
        _require(_seconds(max_retry_after) and max_retry_after >= 0, "max_retry_after must be zero or more seconds")
        _require(min_validity is None or (_seconds(min_validity) and min_validity > 0),
                 "min_validity must be a positive number of seconds")
        self._secret = _Secret(_read_secret(secret, secret_file, secret_env))
        self._username = username
        self._scope = " ".join(scope_list) or None
        self._resource = resource
        self._client_credentials = bool(client_credentials)
        self._dpop = _DPoPKey() if dpop else None
        self._server = _AuthServer(base, float(timeout), max_attempts, float(max_retry_after),
                                   min_validity, self._dpop)
        self._lock = threading.Lock()
        self._tokens = None   # read without the lock; replaced whole, never changed in place
        self._flight = None   # guarded by _lock
        self._closed = False  # guarded by _lock

    # -- public API

    def access_token(self):
        """An access token valid for at least the safety margin, logging in or refreshing first.

        Raises BadCredentials, ServerUnavailable or ProtocolError; RuntimeError once closed.
        """
        return self._current().access_token

    def authorization_header(self):
        """``"Bearer <token>"`` (or ``"DPoP <token>"`` for a DPoP-bound token), for any HTTP library.

        A DPoP-bound token also needs a proof per request: use :meth:`headers` then.
        """
        tokens = self._current()
        return tokens.scheme + " " + tokens.access_token

    def headers(self, method, url):
        """The headers to authorize one request: ``Authorization``, plus ``DPoP`` when bound."""
        return self._auth_headers(self._current(), method, url)

    @property
    def dpop_thumbprint(self):
        """The RFC 7638 thumbprint of the DPoP key (the tokens' ``cnf.jkt``), or None."""
        return self._dpop.thumbprint if self._dpop is not None else None

    def request(self, method, url, *, data=None, json=None, headers=None, timeout=30.0):
        """Sends a request to a service with its authorization and returns the :class:`Response`.

        ``data`` (bytes or str) or ``json`` (an object, sent as JSON) is the body. If the service
        answers 401, gets a new token and sends once more, returning the second answer whatever
        it is (a DPoP nonce challenge is also answered once). Other statuses are returned as they
        are: 429, 5xx and network errors of the service (urllib's URLError, an OSError) are not
        retried, since the request may not be safe to repeat. Redirects are not followed.
        """
        if data is not None and json is not None:
            raise ValueError("give data or json, not both")
        given = {k: v for k, v in (headers or {}).items() if k.lower() not in ("authorization", "dpop")}
        if json is not None:
            data = _compact_json(json).encode("utf-8")
            if not any(k.lower() == "content-type" for k in given):
                given["Content-Type"] = "application/json"
        elif isinstance(data, str):
            data = data.encode("utf-8")
        tokens = self._current()
        response = self._send(method, url, data, given, tokens, timeout)
        if response.status == 401:
            log.info("%s %s answered 401: trying once more with a new token", method, _htu(url))
            response = self._send(method, url, data, given, self._current(tokens.access_token), timeout)
        return response

    def close(self):
        """Logs out (one attempt; the session also expires by itself) and drops secret and tokens.

        Waits for a login or refresh in flight so its session is ended too. Idempotent; later
        calls that need a token raise RuntimeError.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            flight = self._flight
        if flight is not None:
            flight.done.wait()
        last = flight.tokens if flight is not None and flight.tokens is not None else self._tokens
        with self._lock:
            self._tokens = None
            self._secret = _Secret(None)
        if last is not None and last.refresh_token is not None:
            self._server.logout(last.refresh_token)
            log.debug("logged out of %s as %s", self._server.base, self._username)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        tokens = self._tokens
        state = "none" if tokens is None else "**** valid for %.1f s" % max(0.0, tokens.expires_at - time.monotonic())
        return ("AgentAuthClient(server=%r, username=%r, secret=****, scopes=%r, resource=%r, "
                "client_credentials=%r, dpop=%r, token=%s)"
                % (self._server.base, self._username, self._scope, self._resource,
                   self._client_credentials, self._dpop is not None, state))

    # -- sending with a token

    def _auth_headers(self, tokens, method, url):
        headers = {"Authorization": tokens.scheme + " " + tokens.access_token}
        if tokens.scheme == "DPoP":
            headers["DPoP"] = self._dpop.proof(method, url, tokens.access_token)
        return headers

    def _send(self, method, url, data, given, tokens, timeout):
        for nonce_retry in (False, True):
            headers = dict(given, **self._auth_headers(tokens, method, url))
            status, answer, body = _http(method.upper(), url, data, headers, timeout)
            if tokens.scheme != "DPoP":
                break
            self._dpop.remember_nonce(url, answer.get("DPoP-Nonce"))
            # RFC 9449 §9: a resource server asks for a nonce with 401 and use_dpop_nonce
            challenge = answer.get("WWW-Authenticate") or ""
            if nonce_retry or status != 401 or not answer.get("DPoP-Nonce") or "use_dpop_nonce" not in challenge:
                break
        return Response(status, answer, body)

    # -- the tokens, renewed by one thread at a time

    def _current(self, rejected=None):
        """Tokens usable now and other than ``rejected`` (an access token a service refused)."""
        tokens = self._tokens
        if self._good(tokens, rejected):
            return tokens
        with self._lock:
            if self._closed:
                raise RuntimeError("the AgentAuthClient is closed")
            tokens = self._tokens
            if self._good(tokens, rejected):
                return tokens
            flight, leader = self._flight, self._flight is None
            if leader:
                flight = self._flight = _Flight()
        if leader:
            self._fly(flight, tokens)
        flight.done.wait()
        if flight.error is not None:
            # the leader's error, shared by every thread that waited for the same flight
            raise flight.error if leader else copy.copy(flight.error)
        return flight.tokens

    @staticmethod
    def _good(tokens, rejected):
        return tokens is not None and tokens.usable(time.monotonic()) and tokens.access_token != rejected

    def _fly(self, flight, previous):
        try:
            flight.tokens = self._obtain(previous)
        except Exception as e:
            flight.error = e
        finally:
            if flight.tokens is None and flight.error is None:  # interrupted (KeyboardInterrupt)
                flight.error = ServerUnavailable("interrupted while getting a token")
            with self._lock:
                # published before the flight clears, so a thread that sees no flight sees the tokens
                if flight.tokens is not None and not self._closed:
                    self._tokens = flight.tokens
                self._flight = None
            flight.done.set()

    def _obtain(self, previous):
        if previous is not None and previous.refreshable(time.monotonic()):
            tokens = self._server.refresh(previous.refresh_token)
            if tokens is not None:
                log.debug("refreshed the tokens of %s", self._username)
                return tokens
            log.info("%s refused the refresh token of %s (session ended): logging in again",
                     self._server.base, self._username)
        with self._lock:
            secret = self._secret.value  # close() may drop it meanwhile
        if secret is None:
            raise RuntimeError("the AgentAuthClient is closed")
        obtain = self._server.client_credentials if self._client_credentials else self._server.login
        tokens = obtain(self._username, secret, self._scope, self._resource)
        log.info("logged in to %s as %s (%s token, valid %.0f s)", self._server.base, self._username,
                 tokens.scheme, tokens.expires_at - time.monotonic())
        return tokens


# --- Discovery (RFC 9728, RFC 8414) ----------------------------------------------------------

_RESOURCE_METADATA = re.compile(r'(?:^|[\s,])resource_metadata\s*=\s*"([^"]*)"', re.I)
_CHALLENGE_SCOPE = re.compile(r'(?:^|[\s,])scope\s*=\s*"([^"]*)"', re.I)


class Discovery(collections.namedtuple("Discovery", "server resource scopes")):
    """What :func:`discover` found.

    ``server``: the agent-auth server (one of those given) that issues tokens for the service;
    ``resource``: the service's resource identifier, to pass as ``resource=`` (RFC 8707);
    ``scopes``: the scopes the service asks for (its 401's ``scope``, else its
    ``scopes_supported``), maybe empty.
    """
    __slots__ = ()


def discover(url, *, servers, method="GET", timeout=10.0):
    """Finds which of ``servers`` issues tokens for the protected service at ``url``, as an MCP
    client does: no secret is sent anywhere.

    Sends ``method url`` without a token and reads the 401's ``WWW-Authenticate: Bearer
    resource_metadata="..."`` (RFC 9728 §5.1), or when it has none, the service's well-known
    metadata URLs (§3.1, with the path, then without). The metadata's ``resource`` must be
    ``url`` or a prefix of it on the same origin. Of its ``authorization_servers``, the first that
    is in ``servers`` is chosen, and its RFC 8414 metadata must name it as ``issuer``.

    ``servers``: the server URL, or a list of them, this agent holds credentials for. A service
    may name any server, and the agent's secret must only go to one it was given (credentials
    belong to one authorization server), so one the agent does not know is never chosen.

    Raises DiscoveryError (see there), ServerUnavailable on network errors and 5xx, ValueError
    for a bad argument.
    """
    trusted = [_base_url(s) for s in ([servers] if isinstance(servers, str) else list(servers))]
    _require(trusted, "servers must name at least one server")
    parts = urllib.parse.urlsplit(url) if isinstance(url, str) else None
    _require(parts is not None and parts.scheme in ("http", "https") and parts.netloc,
             "url must be an absolute http or https URL")
    status, headers, _ = _discovery_get(url, timeout, method)
    if status != 401:
        raise DiscoveryError("%s %s answered %d without a token, not 401: is it protected?" % (method, url, status),
                             status=status)
    challenges = ", ".join(headers.get_all("WWW-Authenticate") or [])
    linked = _RESOURCE_METADATA.findall(challenges)
    doc, where = _first_document(linked[:1] or _well_known(url, "oauth-protected-resource"), timeout)
    resource = doc.get("resource")
    if not isinstance(resource, str) or not _covers(resource, url):
        raise DiscoveryError("the metadata at %s is for %r, not for %s (RFC 9728 §3.3)" % (where, resource, url))
    named = doc.get("authorization_servers")
    if not isinstance(named, list) or not all(isinstance(n, str) for n in named):
        raise DiscoveryError("the metadata at %s lists no authorization_servers" % where)
    chosen = next((n for n in named if _normalized(n) in trusted), None)
    if chosen is None:
        raise DiscoveryError("%s takes tokens from %s, none of the servers this agent may send its secret to (%s)"
                             % (resource, ", ".join(named) or "no server", ", ".join(trusted)))
    server_doc, server_where = _first_document(_well_known(chosen, "oauth-authorization-server")[:1], timeout)
    issuer = server_doc.get("issuer")
    # RFC 8414 §3.3 (else it is not that server's metadata), a trailing slash apart: URL libraries add one
    if not isinstance(issuer, str) or _normalized(issuer) != _normalized(chosen):
        raise DiscoveryError("the metadata at %s names another issuer than %s" % (server_where, chosen))
    asked = _CHALLENGE_SCOPE.findall(challenges)
    supported = doc.get("scopes_supported")
    scopes = asked[0].split() if asked else [x for x in supported or [] if isinstance(x, str)]
    return Discovery(_normalized(chosen), resource, scopes)


def _discovery_get(url, timeout, method="GET"):
    try:
        status, headers, body = _http(method, url, None, {"Accept": "application/json"}, timeout)
    except _NETWORK_ERRORS as e:
        raise ServerUnavailable("cannot reach %s: %s" % (url, getattr(e, "reason", e)))
    if status >= 500:
        raise ServerUnavailable("%s answered %d" % (url, status), status=status,
                                retry_after=_retry_after(headers.get("Retry-After")))
    return status, headers, body


def _first_document(urls, timeout):
    """The JSON object at the first of ``urls`` that answers 200, and that URL."""
    for url in urls:
        status, _, body = _discovery_get(url, timeout)
        if status == 200:
            try:
                doc = json.loads(body)
            except ValueError:
                doc = None
            if not isinstance(doc, dict):
                raise DiscoveryError("%s is not a JSON object" % url)
            return doc, url
    raise DiscoveryError("no metadata at %s" % " or ".join(urls))


def _well_known(url, name):
    """RFC 8414 §3.1 / RFC 9728 §3.1: /.well-known/<name> between the host and the path; for a
    URL with a path, also the form without it (where MCP clients look next)."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path.rstrip("/")
    root = "%s://%s/.well-known/%s" % (parts.scheme, parts.netloc, name)
    return [root + path, root] if path else [root]


def _normalized(url):
    return url.rstrip("/")


def _covers(resource, url):
    """The resource is the URL or a prefix of its path on the same origin."""
    r, u = urllib.parse.urlsplit(resource), urllib.parse.urlsplit(url)
    if _origin(resource) != _origin(url) or r.query or r.fragment:
        return False
    prefix, path = r.path.rstrip("/"), u.path.rstrip("/")
    return path == prefix or path.startswith(prefix + "/")


# --- Configuration checks ---------------------------------------------------------------------

def _require(ok, message):
    if not ok:
        raise ValueError(message)


def _seconds(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _base_url(server):
    parts = urllib.parse.urlsplit(server) if isinstance(server, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError("server must be an absolute http or https URL without query or fragment")
    return server.rstrip("/")


def _scope_list(scopes):
    if scopes is None:
        return []
    scope_list = scopes.split() if isinstance(scopes, str) else list(scopes)
    for scope in scope_list:
        if not isinstance(scope, str) or not _SCOPE_TOKEN.fullmatch(scope):
            raise ValueError("each scope must be an RFC 6749 scope token")
    return scope_list


def _read_secret(secret, secret_file, secret_env):
    if secret is not None and secret_file is not None:
        raise ValueError("give secret or secret_file, not both")
    if secret is not None:
        value, source = secret, "secret"
    elif secret_file is not None:
        with open(secret_file, encoding="utf-8") as f:
            value, source = f.read(), "the file %s" % secret_file
        value = value[:-1] if value.endswith("\n") else value
        value = value[:-1] if value.endswith("\r") else value
    else:
        value, source = os.environ.get(secret_env), "the environment variable %s" % secret_env
        if value is None:
            raise ValueError("no secret: set %s, or pass secret_file= or secret_env=" % secret_env)
    if not isinstance(value, str) or not value:
        raise ValueError("the secret from %s is empty" % source)
    return value
