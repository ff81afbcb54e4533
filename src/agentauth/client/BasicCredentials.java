package agentauth.client;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The {@code Authorization: Basic} value of an OAuth client (RFC 6749 §2.3.1): name and secret
 * each form-encoded, joined by a colon, base64-encoded. The secret is encoded from its char
 * array through buffers wiped afterwards; only the header value itself (a String, as the HTTP
 * client needs) holds it.
 */
final class BasicCredentials {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private BasicCredentials() {
    }

    static String header(String username, char[] secret) {
        byte[] name = formEncode(username.toCharArray());
        byte[] password = formEncode(secret);
        byte[] joined = new byte[name.length + 1 + password.length];
        System.arraycopy(name, 0, joined, 0, name.length);
        joined[name.length] = ':';
        System.arraycopy(password, 0, joined, name.length + 1, password.length);
        try {
            return "Basic " + Base64.getEncoder().encodeToString(joined);
        } finally {
            Arrays.fill(password, (byte) 0);
            Arrays.fill(joined, (byte) 0);
        }
    }

    /** application/x-www-form-urlencoded, as {@link java.net.URLEncoder} does it, without a String. */
    static byte[] formEncode(char[] value) {
        ByteBuffer utf8 = StandardCharsets.UTF_8.encode(CharBuffer.wrap(value));
        byte[] out = new byte[utf8.remaining() * 3];
        int n = 0;
        while (utf8.hasRemaining()) {
            int b = utf8.get() & 0xFF;
            if (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
                    || b == '.' || b == '-' || b == '*' || b == '_') {
                out[n++] = (byte) b;
            } else if (b == ' ') {
                out[n++] = '+';
            } else {
                out[n++] = '%';
                out[n++] = (byte) HEX[b >> 4];
                out[n++] = (byte) HEX[b & 0xF];
            }
        }
        Arrays.fill(utf8.array(), (byte) 0);
        byte[] result = Arrays.copyOf(out, n);
        Arrays.fill(out, (byte) 0);
        return result;
    }
}
