package agentauth.client;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An agent's session with an agent-auth server: hands out a valid access token at any moment.
 *
 * <pre>{@code
 * try (AgentAuthClient auth = AgentAuthClient.builder()
 *         .server("https://auth.example.com").username("agent-1").secret(secretChars)
 *         .scopes("read").build()) {
 *     HttpResponse<String> r = auth.send(HttpRequest.newBuilder(URI.create("https://api.example.com/x")),
 *             HttpResponse.BodyHandlers.ofString());
 * }
 * }</pre>
 *
 * <p>It logs in lazily on the first request for a token ({@code POST /login}), refreshes ahead
 * of expiry ({@code POST /refresh}, keeping the new refresh token the server rotates to each
 * time), and logs in again if the server refuses the refresh token (revoked, reused, expired
 * family). A token handed out is valid for at least the safety margin: by default min(30 s,
 * 10% of the token's lifetime), see {@link AgentAuthClientBuilder#minValidity}.
 *
 * <p><b>Thread-safety:</b> all methods may be called from any number of threads. However many
 * threads need a new token at once, at most one login or refresh is on the wire; the others
 * wait for its result (or its exception). Calls with a still-valid token do not block.
 *
 * <p><b>Not checked:</b> the client does not verify the access token's signature or claims
 * (it is opaque to the agent; the service it is sent to verifies it), and does not track
 * revocation until a refresh is refused or a service answers 401.
 *
 * <p>The secret, refresh token and access token never appear in {@link #toString()} or in any
 * exception message.
 */
public final class AgentAuthClient implements Closeable {
    private final Session session;
    private final HttpClient http;
    private final String description;
    private final DpopKey dpop;       // null: Bearer only
    private final DpopNonces nonces;
    private final Clock clock;

    AgentAuthClient(Session session, HttpClient http, String description, DpopKey dpop, DpopNonces nonces, Clock clock) {
        this.session = session;
        this.http = http;
        this.description = description;
        this.dpop = dpop;
        this.nonces = nonces;
        this.clock = clock;
    }

    /**
     * Starts building a client.
     *
     * @return a new builder
     */
    public static AgentAuthClientBuilder builder() {
        return new AgentAuthClientBuilder();
    }

    /**
     * An access token valid for at least the safety margin, logging in or refreshing first if
     * needed (blocking the calling thread while that happens).
     *
     * @return the access token (a JWT; treat it as opaque and secret)
     * @throws BadCredentialsException the server refused the name, secret, scopes or resource
     * @throws ServerUnavailableException no answer within the configured attempts, or the
     *     thread was interrupted while waiting
     * @throws AuthProtocolException the server answered something unexpected
     * @throws IllegalStateException the client was closed
     */
    public String accessToken() {
        return session.current(null).accessToken();
    }

    /**
     * A new access token from the {@code client_credentials} grant (RFC 6749 §4.4: {@code POST
     * /oauth/token}, the name and secret in HTTP Basic), with this client's scopes and resource.
     * It is apart from the client's session: no refresh token, no session left on the server,
     * nothing cached, a new token on every call. For one-shot use such as a command line; an
     * agent that keeps running should call {@link #accessToken()}.
     *
     * @return the access token (a JWT; treat it as opaque and secret)
     * @throws BadCredentialsException the server refused the name, secret, scopes or resource
     * @throws ServerUnavailableException no answer within the configured attempts, or the
     *     thread was interrupted while waiting
     * @throws AuthProtocolException the server answered something unexpected; its
     *     {@link AuthProtocolException#status()} is 404 when the server has no {@code /oauth/token}
     * @throws IllegalStateException the client was closed
     */
    public String clientCredentialsToken() {
        return session.clientCredentials().accessToken();
    }

    /**
     * {@code "Bearer " + accessToken()}, ready for an {@code Authorization} header.
     *
     * @return the header value
     * @throws AgentAuthException as {@link #accessToken()}
     * @throws IllegalStateException the client was closed, or its token is DPoP-bound (which
     *     needs a proof per request: use {@link #authorizationHeaders} or {@link #send})
     */
    public String authorizationHeader() {
        TokenSet tokens = session.current(null);
        if (tokens.dpopBound()) {
            throw new IllegalStateException("the access token is DPoP-bound: use authorizationHeaders(method, url)");
        }
        return "Bearer " + tokens.accessToken();
    }

    /**
     * The headers that authorize one request to a service, for any HTTP library:
     * {@code Authorization: Bearer <token>}, or with a DPoP-bound token {@code Authorization:
     * DPoP <token>} and a fresh {@code DPoP} proof for this method and URL (RFC 9449 §7). Ask
     * again for every request: a proof is good for one request only.
     *
     * @param method the request's method, e.g. {@code GET}
     * @param url the request's URL (its query is left out of the proof)
     * @return header names to values, in order
     * @throws AgentAuthException as {@link #accessToken()}
     * @throws IllegalStateException the client was closed
     */
    public Map<String, String> authorizationHeaders(String method, URI url) {
        return headers(method, url, session.current(null));
    }

    private Map<String, String> headers(String method, URI url, TokenSet tokens) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (!tokens.dpopBound()) {
            headers.put("Authorization", "Bearer " + tokens.accessToken());
            return headers;
        }
        headers.put("Authorization", "DPoP " + tokens.accessToken());
        headers.put("DPoP", dpop.proof(method, url, tokens.accessToken(), nonces.get(url), clock.instant().getEpochSecond()));
        return headers;
    }

    /**
     * Sends a request to a service with the {@code Authorization} header set (and with a
     * DPoP-bound token, a fresh {@code DPoP} proof). If the service answers 401 (the token was
     * revoked, or the service's clock disagrees), gets a new token and sends once more; the
     * second answer is returned whatever it is. A 401 asking for a DPoP nonce
     * ({@code use_dpop_nonce}, RFC 9449 §9) is first answered by sending once more with it.
     * A 401 body that is discarded is closed, if it is a stream. Other statuses are returned as
     * they are: this method does not retry 429, 5xx or network errors of the service, which may
     * not be safe to repeat.
     *
     * @param request the request; its body publisher must be re-readable (all of
     *     {@link HttpRequest.BodyPublishers} except {@code ofInputStream} are)
     * @param handler how to read the response body
     * @param <T> the body type
     * @return the service's response
     * @throws IOException sending to the service failed
     * @throws InterruptedException the thread was interrupted while sending
     * @throws AgentAuthException getting a token failed, as {@link #accessToken()}
     * @throws IllegalStateException the client was closed
     */
    public <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        TokenSet used = session.current(null);
        HttpResponse<T> response = http.send(authorized(request, used), handler);
        if (response.statusCode() == 401 && used.dpopBound() && nonces.resourceServerAsked(response)) {
            discard(response);
            response = http.send(authorized(request, used), handler);
        }
        if (response.statusCode() != 401) {
            return response;
        }
        discard(response);
        return http.send(authorized(request, session.current(used.accessToken())), handler);
    }

    private HttpRequest authorized(HttpRequest.Builder request, TokenSet tokens) {
        HttpRequest target = request.build(); // the method and URL the proof must name
        headers(target.method(), target.uri(), tokens).forEach(request::setHeader);
        return request.build();
    }

    private static void discard(HttpResponse<?> response) {
        if (response.body() instanceof AutoCloseable body) {
            try {
                body.close();
            } catch (Exception ignored) {
                // discarding the body of a response we are about to replace
            }
        }
    }

    /**
     * Logs out ({@code POST /logout}, ending the refresh family on the server, one attempt,
     * failures ignored since the family also expires on its own) and wipes the secret and the
     * tokens from memory. Waits for a login or refresh in flight, so its family is ended too.
     * Idempotent. Afterwards {@link #accessToken()}, {@link #authorizationHeader()} and
     * {@link #send} throw {@link IllegalStateException}.
     */
    @Override
    public void close() {
        session.close();
    }

    /** Names the server and user; the secret and tokens are masked. */
    @Override
    public String toString() {
        TokenSet t = session.peek();
        return "AgentAuthClient[" + description
                + ", token=" + (t == null ? "none" : "**** valid until " + t.expiresAt()) + "]";
    }
}
