package agentauth.client;

import java.net.URI;
import java.net.URISyntaxException;

/** Validation of the URLs the builders take, failing fast with a message naming the setting. */
final class Urls {
    private Urls() {
    }

    /**
     * An absolute http(s) URL without query, fragment or trailing slash, so endpoint paths can
     * be appended to it (keeping any path prefix the server is mounted under).
     */
    static URI base(String url, String setting) {
        URI uri = absolute(url, setting);
        String s = uri.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s);
    }

    static URI absolute(String url, String setting) {
        if (url == null) {
            throw new IllegalArgumentException(setting + " is required");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(setting + " is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) || uri.getHost() == null) {
            throw new IllegalArgumentException(setting + " must be an absolute http or https URL");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(setting + " must not have a query, fragment or user info");
        }
        return uri;
    }
}
