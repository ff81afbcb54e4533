package agentauth.user;

import agentauth.Config;
import de.mkammerer.argon2.Argon2;
import de.mkammerer.argon2.Argon2Factory;
import java.util.Arrays;

/**
 * Argon2id in the standard encoded form ($argon2id$v=19$m=..,t=..,p=..$salt$hash), so parameters
 * can be raised later. Work is bounded: at most {@code concurrency} hashes run at once (each takes
 * its m KiB of memory) and at most {@code queue} wait; beyond that 503, so a login flood neither
 * exhausts memory nor starves the endpoints that need no hashing.
 */
public final class PasswordHasher {
    private final Argon2 argon2;
    private final Config.Hashing params;
    private final HashGate gate;
    private final String dummyHash;

    public PasswordHasher(Config.Hashing params) {
        NativeArgon2.useBundled();
        this.argon2 = Argon2Factory.create(Argon2Factory.Argon2Types.ARGON2id, 16, 32);
        this.params = params;
        this.gate = new HashGate(params.concurrency(), params.queue());
        // Verified for unknown names so they cost what a real user costs; always the current parameters.
        this.dummyHash = argon2.hash(params.iterations(), params.memoryKib(), params.parallelism(),
            "agent-auth dummy secret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Hashes a secret and wipes the caller's copy. */
    public String hash(byte[] secret) {
        try {
            return gate.run(false, () -> argon2.hash(params.iterations(), params.memoryKib(), params.parallelism(), secret));
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** Checks a secret against an encoded hash (or the dummy hash when {@code encoded} is null). */
    public boolean verify(String encoded, byte[] secret) {
        return verify(encoded, secret, false);
    }

    /** @param priority the caller recently succeeded from its address: it skips the flood's queue */
    public boolean verify(String encoded, byte[] secret, boolean priority) {
        String target = encoded == null ? dummyHash : encoded;
        boolean ok = gate.run(priority, () -> argon2.verify(target, secret));
        return ok && encoded != null;
    }

    /** True when {@code encoded} was made with weaker parameters than the configured ones. */
    public boolean needsRehash(String encoded) {
        int[] mtp = parameters(encoded);
        if (mtp == null) return true;
        return mtp[0] < params.memoryKib() || mtp[1] < params.iterations() || mtp[2] < params.parallelism();
    }

    /** m, t and p of an encoded hash, or null if it is not one. */
    static int[] parameters(String encoded) {
        String[] parts = encoded.split("\\$");
        if (parts.length < 6 || !parts[1].equals("argon2id")) return null;
        int[] out = new int[3];
        for (String kv : parts[3].split(",")) {
            String[] p = kv.split("=");
            if (p.length != 2) return null;
            int v;
            try { v = Integer.parseInt(p[1]); } catch (NumberFormatException e) { return null; }
            switch (p[0]) {
                case "m" -> out[0] = v;
                case "t" -> out[1] = v;
                case "p" -> out[2] = v;
                default -> { return null; }
            }
        }
        return out;
    }
}
