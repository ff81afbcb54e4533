package agentauth.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

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

    /**
     * RFC 9449 §4.3: a URL as DPoP's {@code htu} compares it, without query and fragment and
     * normalized as RFC 3986 §6.2.2-6.2.3 says: scheme and host in lower case, the scheme's
     * default port dropped, an empty path as "/", percent-encodings in upper case with those of
     * unreserved characters decoded, dot segments removed.
     */
    static String htu(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        if (port == 80 && scheme.equals("http") || port == 443 && scheme.equals("https")) {
            port = -1;
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (port < 0 ? "" : ":" + port)
                + removeDotSegments(normalizePercentEncoding(path));
    }

    private static String normalizePercentEncoding(String path) {
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < path.length()) {
                int v = Integer.parseInt(path.substring(i + 1, i + 3), 16); // URI validated the hex
                char decoded = (char) v;
                if (Character.isLetterOrDigit(decoded) && v < 0x80 || "-._~".indexOf(decoded) >= 0) {
                    out.append(decoded);
                } else {
                    out.append('%').append(path.substring(i + 1, i + 3).toUpperCase(Locale.ROOT));
                }
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** RFC 3986 §5.2.4. */
    private static String removeDotSegments(String path) {
        StringBuilder in = new StringBuilder(path);
        StringBuilder out = new StringBuilder();
        while (in.length() > 0) {
            String s = in.toString();
            if (s.startsWith("../") || s.startsWith("./")) {
                in.delete(0, s.indexOf('/') + 1);
            } else if (s.startsWith("/./") || s.equals("/.")) {
                in.replace(0, s.equals("/.") ? 2 : 3, "/");
            } else if (s.startsWith("/../") || s.equals("/..")) {
                in.replace(0, s.equals("/..") ? 3 : 4, "/");
                int last = out.lastIndexOf("/");
                out.setLength(Math.max(last, 0));
            } else if (s.equals(".") || s.equals("..")) {
                in.setLength(0);
            } else {
                int next = s.indexOf('/', 1);
                int end = next < 0 ? s.length() : next;
                out.append(s, 0, end);
                in.delete(0, end);
            }
        }
        return out.toString();
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
