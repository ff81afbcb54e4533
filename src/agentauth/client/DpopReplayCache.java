package agentauth.client;

import java.time.Instant;

/**
 * Where a {@link TokenVerifier} records the DPoP proofs it accepted, so that each is accepted
 * once (RFC 9449 §11.1). The default keeps them in this process; replicas of a service behind
 * one load balancer need one shared store (a proof replayed to another replica is otherwise
 * accepted there), for which a service implements this interface over its own (Redis, a
 * database table with a unique key...).
 *
 * <p>Implementations must be thread-safe and must not forget an entry before its
 * {@code expiresAt}.
 */
public interface DpopReplayCache {
    /**
     * Records the proof and says whether it is the first time.
     *
     * @param keyThumbprint the RFC 7638 thumbprint of the proof's key
     * @param jti the proof's {@code jti} (at most 128 characters)
     * @param expiresAt when the proof can no longer be accepted anyway; the entry may go then
     * @return true if (thumbprint, jti) was not recorded before; false for a replay
     * @throws ServerUnavailableException the store cannot say (the proof is then refused)
     */
    boolean firstUse(String keyThumbprint, String jti, Instant expiresAt);

    /**
     * A cache in this process's memory, holding at most {@code maxEntries} live proofs: when
     * that many are live, new proofs are refused with {@link ServerUnavailableException} rather
     * than forgetting a live one (which would let it be replayed).
     *
     * @param maxEntries at least 1; 100,000 live proofs cover 1,500 requests/s with the
     *     default 65 s a proof lives
     * @return the cache
     */
    static DpopReplayCache inMemory(int maxEntries) {
        return new InMemoryDpopReplayCache(maxEntries);
    }
}
