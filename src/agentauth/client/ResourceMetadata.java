package agentauth.client;

import agentauth.client.InvalidTokenException.Reason;
import java.net.URI;
import java.util.List;

/**
 * A protected resource's RFC 9728 metadata, and the {@code WWW-Authenticate} challenges that
 * point clients at it (RFC 9728 §5.1, RFC 6750 §3, RFC 9449 §7.1), so that a client such as an
 * MCP client can discover the authorization server from a 401. Immutable.
 */
final class ResourceMetadata {
    private static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

    private final URI resource; // null: no metadata (the audience is not a URL and none was set)
    private final String issuer;
    private final List<String> scopes;

    ResourceMetadata(URI resource, String issuer, List<String> scopes) {
        this.resource = resource;
        this.issuer = issuer;
        this.scopes = List.copyOf(scopes);
    }

    /** RFC 9728 §2; {@code bearer_methods_supported} header only (RFC 6750 §2.1). */
    String json() {
        requireResource();
        StringBuilder json = new StringBuilder("{\"resource\":").append(quoted(resource.toString()))
                .append(",\"authorization_servers\":[").append(quoted(issuer)).append(']');
        if (!scopes.isEmpty()) {
            json.append(",\"scopes_supported\":[");
            for (int i = 0; i < scopes.size(); i++) {
                json.append(i == 0 ? "" : ",").append(quoted(scopes.get(i)));
            }
            json.append(']');
        }
        return json.append(",\"bearer_methods_supported\":[\"header\"]")
                .append(",\"dpop_signing_alg_values_supported\":[\"ES256\"]}").toString();
    }

    /** RFC 9728 §3.1: the well-known path goes between the host and the resource's path. */
    URI url() {
        requireResource();
        String path = resource.getRawPath() == null || resource.getRawPath().equals("/") ? "" : resource.getRawPath();
        return URI.create(resource.getScheme() + "://" + resource.getRawAuthority() + WELL_KNOWN + path);
    }

    /**
     * The challenge for a failure: a DPoP one for a proof that failed or a bound token sent as
     * Bearer, else a Bearer one; with no error code when the request had no token (RFC 6750
     * §3.1), with the scope for {@code insufficient_scope}.
     */
    String challenge(AgentAuthException failure) {
        boolean dpop = failure instanceof InvalidTokenException e
                && (e.reason() == Reason.DPOP_PROOF || e.reason() == Reason.DPOP_BOUND_AS_BEARER);
        StringBuilder c = new StringBuilder(dpop ? "DPoP" : "Bearer");
        String separator = " ";
        boolean noToken = failure == null
                || failure instanceof InvalidTokenException e && e.reason() == Reason.NO_TOKEN;
        if (!noToken && failure.error() != null) {
            c.append(" error=").append(quoted(failure.error()))
                    .append(", error_description=").append(quoted(failure.getMessage()));
            separator = ", ";
            if (failure instanceof InsufficientScopeException e) {
                c.append(", scope=").append(quoted(e.scope()));
            }
        }
        if (dpop) {
            c.append(separator).append("algs=\"ES256\"");
            separator = ", ";
        }
        if (resource != null) {
            c.append(separator).append("resource_metadata=").append(quoted(url().toString()));
        }
        return c.toString();
    }

    private void requireResource() {
        if (resource == null) {
            throw new IllegalStateException("set TokenVerifierBuilder.resource(url): the audience is not a URL");
        }
    }

    /** A JSON string, which is also a valid HTTP quoted-string for these ASCII values. */
    private static String quoted(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                q.append('\\').append(ch);
            } else if (ch >= 0x20 && ch < 0x7F) {
                q.append(ch);
            } else {
                q.append(' '); // a header value holds no control or non-ASCII characters
            }
        }
        return q.append('"').toString();
    }
}
