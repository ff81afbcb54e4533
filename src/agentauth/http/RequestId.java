package agentauth.http;

import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The request id (contract G): the client's {@code X-Request-Id} when it is a plain token of at
 * most 64 characters, so a proxy's id follows the request through; else a fresh one. Nothing
 * else from the header reaches a log line or a response.
 */
final class RequestId {
    static final String HEADER = "X-Request-Id";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private RequestId() {}

    static String accept(String given) {
        return given != null && ACCEPTED.matcher(given).matches() ? given : fresh();
    }

    /** 96 random bits: unique enough to find one request's lines, and no secret. */
    static String fresh() {
        byte[] b = new byte[12];
        ThreadLocalRandom.current().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
