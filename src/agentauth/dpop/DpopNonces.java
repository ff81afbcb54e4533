package agentauth.dpop;

import agentauth.crypto.HmacSha256;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import javax.crypto.Mac;

/**
 * Server nonces for DPoP proofs (RFC 9449 §8) that need no storage: a nonce is a time window's
 * number and an HMAC of it under a key every instance derives alike from the master key, so
 * any instance accepts any instance's nonce. Windows last {@link #WINDOW_SECONDS}; the window
 * a nonce was made in and the next are accepted (so a nonce lives 60 to 120 s), and one ahead
 * for clocks a second apart.
 */
public final class DpopNonces {
    static final long WINDOW_SECONDS = 60;
    private static final int MAC_BYTES = 16;

    private final HmacSha256 mac;
    private final Clock clock;

    public DpopNonces(byte[] key, Clock clock) {
        this.mac = HmacSha256.of(key);
        this.clock = clock;
    }

    /** The nonce of the current window. */
    public String fresh() {
        return encode(window());
    }

    /** True for a nonce of the current, the previous or the next window. */
    public boolean accepts(String nonce) {
        if (nonce == null || nonce.length() > 64) return false;
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (raw.length != 8 + MAC_BYTES) return false;
        long w = ByteBuffer.wrap(raw).getLong(), now = window();
        if (w < now - 1 || w > now + 1) return false;
        return MessageDigest.isEqual(Base64.getUrlDecoder().decode(encode(w)), raw);
    }

    private long window() {
        return Math.floorDiv(clock.instant().getEpochSecond(), WINDOW_SECONDS);
    }

    private String encode(long window) {
        byte[] w = ByteBuffer.allocate(8).putLong(window).array();
        Mac m = mac.mac();
        m.update("dpop nonce ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] tag = m.doFinal(w);
        ByteBuffer out = ByteBuffer.allocate(8 + MAC_BYTES).put(w).put(tag, 0, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
    }
}
