package agentauth.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GETs the issuer's public JSON documents for a verifier: its RFC 8414 metadata (once), the
 * JWKS, the revocation list. Failures are typed: 429, 5xx and network errors are
 * {@link ServerUnavailableException}, anything else unexpected {@link AuthProtocolException}.
 * Thread-safe.
 */
final class IssuerDocuments {
    private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age\\s*=\\s*\"?(\\d{1,10})");

    /** A 200 with its parsed body, or a 304 (body null). */
    record Document(int status, Map<String, Object> json, HttpResponse<byte[]> response) {
        /** The response's {@code Cache-Control: max-age}, if it has one. */
        Optional<Duration> maxAge() {
            Matcher m = MAX_AGE.matcher(String.join(",", response.headers().allValues("Cache-Control")));
            return m.find() ? Optional.of(Duration.ofSeconds(Long.parseLong(m.group(1)))) : Optional.empty();
        }

        Optional<String> etag() {
            return response.headers().firstValue("ETag");
        }
    }

    private final URI issuer; // discovery base, or null when document URLs were given
    private final HttpClient http;
    private final Duration timeout;
    private volatile Map<String, Object> metadata;

    IssuerDocuments(URI issuer, HttpClient http, Duration timeout) {
        this.issuer = issuer;
        this.http = http;
        this.timeout = timeout;
    }

    /**
     * RFC 8414 §3: fetched once; it must name the issuer we expect (§3.3). Empty when the
     * verifier was given document URLs instead of an issuer to discover.
     */
    Optional<Map<String, Object>> metadata() {
        if (issuer == null) {
            return Optional.empty();
        }
        Map<String, Object> m = metadata;
        if (m == null) {
            URI uri = URI.create(issuer + "/.well-known/oauth-authorization-server");
            m = get(uri, "the server metadata", null).json();
            if (!issuer.toString().equals(JsonReader.string(m, "issuer"))) {
                throw new AuthProtocolException("the metadata at " + uri + " does not name issuer " + issuer, 200);
            }
            metadata = m;
        }
        return Optional.of(m);
    }

    /** A URL the metadata names under {@code member}, or empty when it names none. */
    Optional<URI> discovered(String member) {
        return metadata().map(m -> JsonReader.string(m, member)).map(url -> Urls.absolute(url, member));
    }

    /** GETs a JSON object; with {@code etag}, asks {@code If-None-Match} and may get a 304. */
    Document get(URI uri, String what, String etag) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
        if (etag != null) {
            request.header("If-None-Match", etag);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ServerUnavailableException("cannot fetch " + what + " at " + uri + ": " + e, null, null, e);
        } catch (InterruptedException e) {
            throw Retry.interrupted(what);
        }
        int status = response.statusCode();
        if (status == 304 && etag != null) {
            return new Document(304, null, response);
        }
        if (status == 429 || status >= 500) {
            throw new ServerUnavailableException(what + " at " + uri + " answered " + status, null, null, null);
        }
        if (status != 200) {
            throw new AuthProtocolException(what + " at " + uri + " answered " + status, status);
        }
        try {
            return new Document(200, JsonReader.object(response.body()), response);
        } catch (JsonReader.MalformedJsonException e) {
            throw new AuthProtocolException(what + " at " + uri + " is not a JSON object", 200);
        }
    }
}
