package agentauth.client;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/** {@link DpopReplayCache#inMemory}: a map of (thumbprint, jti) to expiry, swept when full. */
final class InMemoryDpopReplayCache implements DpopReplayCache {
    private final int maxEntries;
    private final ConcurrentHashMap<String, Instant> seen = new ConcurrentHashMap<>();

    InMemoryDpopReplayCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1");
        }
        this.maxEntries = maxEntries;
    }

    @Override
    public boolean firstUse(String keyThumbprint, String jti, Instant expiresAt) {
        if (seen.size() >= maxEntries) {
            sweep();
        }
        String key = keyThumbprint + ' ' + jti; // a thumbprint is base64url: it has no space
        Instant previous = seen.putIfAbsent(key, expiresAt);
        return previous == null;
    }

    private synchronized void sweep() {
        if (seen.size() < maxEntries) {
            return; // another thread swept
        }
        Instant now = Instant.now();
        seen.values().removeIf(expiry -> !expiry.isAfter(now));
        if (seen.size() >= maxEntries) {
            throw new ServerUnavailableException("the DPoP replay cache holds " + maxEntries
                    + " live proofs: refusing new ones rather than forgetting one", "temporarily_unavailable", null, null);
        }
    }
}
