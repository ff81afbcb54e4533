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
import java.util.Map;

/**
 * The agent endpoints of the server ({@code /login}, {@code /refresh}, {@code /logout}) as
 * plain calls; {@link AgentAuthClient} decides when to make them. Thread-safe.
 */
final class TokenEndpoints {
    private final URI server;
    private final HttpClient http;
    private final Duration timeout;
    private final Retry retry;
    private final Clock clock;
    private final Duration minValidity;

    TokenEndpoints(URI server, HttpClient http, Duration timeout, Retry retry, Clock clock,
            Duration minValidity) {
        this.server = server;
        this.http = http;
        this.timeout = timeout;
        this.retry = retry;
        this.clock = clock;
        this.minValidity = minValidity;
    }

    TokenSet login(String username, char[] secret, String scope, String resource) {
        byte[] body = new JsonWriter().field("username", username).field("password", secret)
                .field("scope", scope).field("resource", resource).toBytesAndWipe();
        try {
            Instant sentAt = clock.instant();
            HttpResponse<byte[]> response = retry.send(http, post("/login", body), "POST /login");
            int status = response.statusCode();
            if (status == 200) {
                return tokens(response, sentAt, "/login", true);
            }
            throw refused(response, "login as '" + username + "'", secret, "/login");
        } finally {
            Arrays.fill(body, (byte) 0);
        }
    }

    /** A rotated token set, or null when the server refused the refresh token (log in again). */
    TokenSet refresh(String refreshToken) {
        byte[] body = new JsonWriter().field("refresh_token", refreshToken).toBytesAndWipe();
        try {
            Instant sentAt = clock.instant();
            HttpResponse<byte[]> response = retry.send(http, post("/refresh", body), "POST /refresh");
            int status = response.statusCode();
            if (status == 200) {
                return tokens(response, sentAt, "/refresh", true);
            }
            // invalid_grant: unknown, expired, revoked or reused; any 400 means the same to us
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
        HttpRequest request = HttpRequest.newBuilder(URI.create(server + "/oauth/token"))
                .timeout(timeout)
                .header("Authorization", BasicCredentials.header(username, secret))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
                .build();
        Instant sentAt = clock.instant();
        HttpResponse<byte[]> response = retry.send(http, request, "POST /oauth/token");
        if (response.statusCode() == 200) {
            return tokens(response, sentAt, "/oauth/token", false);
        }
        throw refused(response, "client_credentials as '" + username + "'", secret, "/oauth/token");
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

    /**
     * Ends the family of the refresh token. One attempt only: it runs on close, and a family
     * that outlives a failed logout still expires at its refresh TTL.
     */
    boolean logout(String refreshToken) {
        byte[] body = new JsonWriter().field("refresh_token", refreshToken).toBytesAndWipe();
        try {
            return http.send(post("/logout", body), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 204;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            Arrays.fill(body, (byte) 0);
        }
    }

    private HttpRequest post(String path, byte[] body) {
        return HttpRequest.newBuilder(URI.create(server + path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    private TokenSet tokens(HttpResponse<byte[]> response, Instant sentAt, String path, boolean withRefreshToken) {
        Map<String, Object> json;
        try {
            json = JsonReader.object(response.body());
        } catch (JsonReader.MalformedJsonException e) {
            // not chained: a parser message may quote the body, and the body holds tokens
            throw new AuthProtocolException("the token response of " + path + " is not JSON", 200);
        }
        String access = text(json, "access_token");
        String refresh = text(json, "refresh_token");
        Number expiresIn = JsonReader.number(json, "expires_in");
        Number refreshExpiresIn = JsonReader.number(json, "refresh_expires_in");
        String type = text(json, "token_type");
        if (access == null || (withRefreshToken && refresh == null) || !(expiresIn instanceof Long)
                || expiresIn.longValue() <= 0 || !"bearer".equalsIgnoreCase(type)) {
            throw new AuthProtocolException("the token response of " + path + " lacks access_token, "
                    + (withRefreshToken ? "refresh_token, " : "") + "token_type Bearer or a positive expires_in", 200);
        }
        Duration lifetime = Duration.ofSeconds(expiresIn.longValue());
        Instant refreshExpiresAt = refreshExpiresIn instanceof Long seconds ? sentAt.plusSeconds(seconds) : null;
        return new TokenSet(access, refresh, sentAt.plus(lifetime),
                TokenSet.refreshAt(sentAt, lifetime, minValidity), refreshExpiresAt, text(json, "scope"));
    }

    private static String text(Map<String, Object> json, String field) {
        String value = JsonReader.string(json, field);
        return value == null || value.isEmpty() ? null : value;
    }

    private static AuthProtocolException unexpected(int status, String path) {
        return new AuthProtocolException("POST " + path + " answered unexpected status " + status
                + " (is the server URL right?)", status);
    }
}
