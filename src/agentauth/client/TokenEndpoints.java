package agentauth.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The token endpoints of the server ({@code /login}, {@code /refresh}, {@code /logout},
 * {@code /oauth/token}) as plain calls; {@link AgentAuthClient} decides when to make them.
 * With a DPoP key, every request carries a fresh proof (RFC 9449 §5), and a server asking for
 * a nonce ({@code use_dpop_nonce}) gets the request once more with it. Thread-safe.
 */
final class TokenEndpoints {
    private final URI server;
    private final HttpClient http;
    private final Duration timeout;
    private final Retry retry;
    private final Clock clock;
    private final Duration minValidity;
    private final DpopKey dpop;        // null: Bearer only
    private final DpopNonces nonces;

    TokenEndpoints(URI server, HttpClient http, Duration timeout, Retry retry, Clock clock,
            Duration minValidity, DpopKey dpop, DpopNonces nonces) {
        this.server = server;
        this.http = http;
        this.timeout = timeout;
        this.retry = retry;
        this.clock = clock;
        this.minValidity = minValidity;
        this.dpop = dpop;
        this.nonces = nonces;
    }

    TokenSet login(String username, char[] secret, String scope, String resource) {
        byte[] body = new JsonWriter().field("username", username).field("password", secret)
                .field("scope", scope).field("resource", resource).toBytesAndWipe();
        try {
            Instant sentAt = clock.instant();
            HttpResponse<byte[]> response = exchange("/login", "application/json", body, null);
            if (response.statusCode() == 200) {
                return tokens(response, sentAt, "/login", true);
            }
            throw refused(response, "login as '" + username + "'", secret, "/login");
        } finally {
            Arrays.fill(body, (byte) 0);
        }
    }

    /**
     * A rotated token set, or null when the server refused the refresh token (log in again):
     * revoked, reused, expired, or bound to a DPoP key this client no longer holds.
     */
    TokenSet refresh(String refreshToken) {
        byte[] body = new JsonWriter().field("refresh_token", refreshToken).toBytesAndWipe();
        try {
            Instant sentAt = clock.instant();
            HttpResponse<byte[]> response = exchange("/refresh", "application/json", body, null);
            int status = response.statusCode();
            if (status == 200) {
                return tokens(response, sentAt, "/refresh", true);
            }
            // invalid_grant, invalid_dpop_proof: any 400 or 401 means the same to us
            if (status == 400 || status == 401) {
                return null;
            }
            throw unexpected(status, "/refresh");
        } finally {
            Arrays.fill(body, (byte) 0);
        }
    }

    /**
     * RFC 6749 §4.4 at {@code /oauth/token}, the client authenticating with HTTP Basic: an
     * access token without a refresh token, so no session is left on the server.
     */
    TokenSet clientCredentials(String username, char[] secret, String scope, String resource) {
        StringBuilder form = new StringBuilder("grant_type=client_credentials");
        if (scope != null) {
            form.append("&scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        }
        if (resource != null) {
            form.append("&resource=").append(URLEncoder.encode(resource, StandardCharsets.UTF_8));
        }
        Instant sentAt = clock.instant();
        HttpResponse<byte[]> response = exchange("/oauth/token", "application/x-www-form-urlencoded",
                form.toString().getBytes(StandardCharsets.UTF_8), BasicCredentials.header(username, secret));
        if (response.statusCode() == 200) {
            return tokens(response, sentAt, "/oauth/token", false);
        }
        throw refused(response, "client_credentials as '" + username + "'", secret, "/oauth/token");
    }

    /**
     * Ends the family of the refresh token (with a proof: a bound session needs one). One
     * attempt only: it runs on close, and a family that outlives a failed logout still expires
     * at its refresh TTL.
     */
    boolean logout(String refreshToken) {
        byte[] body = new JsonWriter().field("refresh_token", refreshToken).toBytesAndWipe();
        try {
            return http.send(request("/logout", "application/json", body, null).get(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 204;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            Arrays.fill(body, (byte) 0);
        }
    }

    /** Sends with retries; once more with the nonce if the server asks for one (RFC 9449 §8). */
    private HttpResponse<byte[]> exchange(String path, String contentType, byte[] body, String authorization) {
        Supplier<HttpRequest> request = request(path, contentType, body, authorization);
        HttpResponse<byte[]> response = retry.send(http, request, "POST " + path);
        if (dpop != null && nonces.authServerAsked(response)) {
            response = retry.send(http, request, "POST " + path);
        }
        if (dpop != null) {
            nonces.remember(response);
        }
        return response;
    }

    /** A new request each time asked, so each attempt has its own proof. */
    private Supplier<HttpRequest> request(String path, String contentType, byte[] body, String authorization) {
        URI uri = URI.create(server + path);
        return () -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Content-Type", contentType).header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            if (dpop != null) {
                b.header("DPoP", dpop.proof("POST", uri, null, nonces.get(uri), clock.instant().getEpochSecond()));
            }
            return b.build();
        };
    }

    private TokenSet tokens(HttpResponse<byte[]> response, Instant sentAt, String path, boolean withRefreshToken) {
        return TokenSet.of(response.body(), sentAt, minValidity, withRefreshToken, dpop != null, path);
    }

    /** 400 and 401 refuse the configuration; anything else is not what this server should say. */
    private static AgentAuthException refused(HttpResponse<byte[]> response, String what, char[] secret, String path) {
        int status = response.statusCode();
        if (status != 400 && status != 401) {
            return unexpected(status, path);
        }
        OAuthError error = OAuthError.of(response.body());
        return new BadCredentialsException(what + " refused: " + error.summary(status, secret), error.code());
    }

    private static AuthProtocolException unexpected(int status, String path) {
        return new AuthProtocolException("POST " + path + " answered unexpected status " + status
                + " (is the server URL right?)", status);
    }
}
