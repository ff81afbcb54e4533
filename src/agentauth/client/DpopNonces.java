package agentauth.client;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last {@code DPoP-Nonce} each server handed out (RFC 9449 §8 for the auth server, §9 for
 * resource servers), by origin, to put in the next proof sent there. Thread-safe; bounded,
 * since an agent may call any number of services.
 */
final class DpopNonces {
    private static final int MOST_ORIGINS = 256;
    private static final int LONGEST_NONCE = 512;

    private final Map<String, String> byOrigin = new ConcurrentHashMap<>();

    String get(URI uri) {
        return byOrigin.get(origin(uri));
    }

    /** Keeps the response's {@code DPoP-Nonce}, if it carries a well-formed one. */
    void remember(HttpResponse<?> response) {
        String nonce = response.headers().firstValue("DPoP-Nonce").orElse(null);
        // RFC 9449 §8.1: nonce = 1*NQCHAR
        if (nonce == null || nonce.isEmpty() || nonce.length() > LONGEST_NONCE
                || !nonce.chars().allMatch(c -> c >= 0x21 && c <= 0x7E && c != '"' && c != '\\')) {
            return;
        }
        if (byOrigin.size() >= MOST_ORIGINS) {
            byOrigin.clear(); // nonces are cheap to get again: one more round trip per server
        }
        byOrigin.put(origin(response.uri()), nonce);
    }

    /** RFC 9449 §8: the auth server wants a nonce (400 use_dpop_nonce); the nonce is kept. */
    boolean authServerAsked(HttpResponse<byte[]> response) {
        return response.statusCode() == 400 && "use_dpop_nonce".equals(OAuthError.of(response.body()).code())
                && kept(response);
    }

    /** RFC 9449 §9: a resource server wants a nonce (401, error use_dpop_nonce); the nonce is kept. */
    boolean resourceServerAsked(HttpResponse<?> response) {
        return response.statusCode() == 401 && response.headers().allValues("WWW-Authenticate").stream()
                .anyMatch(v -> v.contains("use_dpop_nonce")) && kept(response);
    }

    private boolean kept(HttpResponse<?> response) {
        String before = get(response.uri());
        remember(response);
        String after = get(response.uri());
        return after != null && !after.equals(before);
    }

    private static String origin(URI uri) {
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + uri.getPort();
    }
}
