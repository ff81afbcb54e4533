package agentauth.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 under a random key made when this is constructed and never stored or shown: what
 * it computes means something only inside this process, for in-memory tables that must hold no
 * secrets and no names in the clear. One Mac per thread, as a Mac is not thread-safe.
 */
public final class EphemeralHmac {
    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    public EphemeralHmac() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
    }

    /** This thread's Mac, ready for update/doFinal (doFinal resets it for the next use). */
    public Mac mac() {
        return macs.get();
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no HmacSHA256", e);
        }
    }
}
