package agentauth.client;

import agentauth.client.InvalidTokenException.Reason;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * A JWS in compact serialization (RFC 7515 §7.1) split into its parts: the header decoded,
 * the payload and signature decoded on demand. Nothing in it is checked or trusted yet; a
 * malformed part is an {@link InvalidTokenException} with the reason the caller chose (an
 * access token and a DPoP proof fail differently) and a message that never quotes the input.
 */
final class CompactJws {
    private final byte[] bytes;
    private final int dot1;
    private final int dot2;
    private final Reason reason;
    private final String what;
    private final Map<String, Object> header;

    private CompactJws(byte[] bytes, int dot1, int dot2, Reason reason, String what) {
        this.bytes = bytes;
        this.dot1 = dot1;
        this.dot2 = dot2;
        this.reason = reason;
        this.what = what;
        this.header = json(0, dot1, "header");
    }

    /** @param what the name of the thing for messages, e.g. "the token" */
    static CompactJws parse(byte[] bytes, Reason reason, String what) {
        int dot1 = indexOf(bytes, 0);
        int dot2 = dot1 < 0 ? -1 : indexOf(bytes, dot1 + 1);
        if (dot2 < 0 || indexOf(bytes, dot2 + 1) >= 0) {
            throw new InvalidTokenException(reason, what + " is not three dot-separated parts (a JWS in compact form)");
        }
        return new CompactJws(bytes, dot1, dot2, reason, what);
    }

    Map<String, Object> header() {
        return header;
    }

    Map<String, Object> payload() {
        return json(dot1 + 1, dot2, "payload");
    }

    /** Whether the signature verifies over header.payload with this key (ES256). */
    boolean signedBy(Es256Key key) {
        return key.verify(bytes, dot2, decode(dot2 + 1, bytes.length, "signature"));
    }

    /** An exception for a failed check, with this JWS's reason. */
    InvalidTokenException invalid(String message) {
        return new InvalidTokenException(reason, message);
    }

    private Map<String, Object> json(int from, int to, String part) {
        try {
            return JsonReader.object(decode(from, to, part));
        } catch (JsonReader.MalformedJsonException e) {
            throw invalid(what + "'s " + part + " is not a JSON object");
        }
    }

    private byte[] decode(int from, int to, String part) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '=') { // RFC 7515 §2: base64url without padding, one encoding per JWS
                throw invalid(what + "'s " + part + " is not unpadded base64url");
            }
        }
        try {
            return Base64.getUrlDecoder().decode(Arrays.copyOfRange(bytes, from, to));
        } catch (IllegalArgumentException e) {
            throw invalid(what + "'s " + part + " is not base64url");
        }
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '.') {
                return i;
            }
        }
        return -1;
    }
}
