package agentauth.client;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature and claims already checked out, keyed by the SHA-256 of the whole
 * token, so a token seen again costs a hash and a map lookup instead of an ECDSA verification.
 * Bounded by two generations: when the young map fills up, it becomes the old one and the
 * previous old one is dropped (an approximate LRU without a lock on the read path). A lost
 * entry under a race only means one more full verification. Thread-safe.
 */
final class VerifiedTokenCache {
    /** What a cache hit must still check: the times, and that the key is still published. */
    record Entry(TokenClaims claims, String kid, Es256Key key, long exp, long nbf, long iat,
            List<RevocationDocument.Actor> actors) {
    }

    /** A SHA-256 digest as four longs: cheap equals and hashCode. */
    record Digest(long a, long b, long c, long d) {
        static Digest of(byte[] sha256) {
            ByteBuffer buf = ByteBuffer.wrap(sha256);
            return new Digest(buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong());
        }
    }

    private static final MessageDigest SHA256_PROTOTYPE = sha256();

    private final int generationSize;
    private volatile ConcurrentHashMap<Digest, Entry> young = new ConcurrentHashMap<>();
    private volatile ConcurrentHashMap<Digest, Entry> old = new ConcurrentHashMap<>();

    /** @param maxSize the most entries kept (0 turns the cache off) */
    VerifiedTokenCache(int maxSize) {
        this.generationSize = maxSize / 2;
    }

    /** The cache key of a token: its SHA-256. */
    static Digest digest(byte[] token) {
        MessageDigest md;
        try {
            md = (MessageDigest) SHA256_PROTOTYPE.clone(); // cheaper than getInstance
        } catch (CloneNotSupportedException e) {
            md = sha256();
        }
        return Digest.of(md.digest(token));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    Entry get(Digest digest) {
        Entry e = young.get(digest);
        if (e == null) {
            e = old.get(digest);
            if (e != null) {
                put(digest, e); // still in use: keep it through the next turnover
            }
        }
        return e;
    }

    void put(Digest digest, Entry entry) {
        if (generationSize == 0) {
            return;
        }
        ConcurrentHashMap<Digest, Entry> y = young;
        y.put(digest, entry);
        if (y.size() >= generationSize) {
            turnOver(y);
        }
    }

    void remove(Digest digest) {
        young.remove(digest);
        old.remove(digest);
    }

    /** Entries held now; for tests. */
    int size() {
        return young.size() + old.size();
    }

    private synchronized void turnOver(ConcurrentHashMap<Digest, Entry> full) {
        if (young == full) {
            old = full;
            young = new ConcurrentHashMap<>();
        }
    }
}
