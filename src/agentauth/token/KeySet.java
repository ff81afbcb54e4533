package agentauth.token;

import com.auth0.jwt.algorithms.Algorithm;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The signing keys at one moment, immutable (swapped whole on change, so signing, JWKS and
 * verification take no lock). A key's state follows from its times (contract F): {@code next}
 * until it activates (published, not signing), {@code current} while it is the activated key of
 * latest activation (signs), {@code retiring} after that (published until its last token expired
 * plus a minute, private part destroyed), {@code revoked} (dropped at once). Every instance
 * computes the same current key from the same rows, so none signs with a key a verifier cannot
 * have seen.
 */
public final class KeySet {
    /** How long a retired key stays published after its last token expired. */
    static final Duration GRACE = Duration.ofMinutes(1);

    enum State { NEXT, CURRENT, RETIRING, REVOKED, GONE }

    /** A key as the rest of the server sees it; {@code signer} only while its private part exists. */
    public record Key(String kid, ECPublicKey publicKey, Algorithm signer, Algorithm verifier, Instant createdAt,
               Instant activatesAt, Instant tokensUntil, Instant retiredAt, Instant revokedAt) {}

    private final List<Key> byActivation; // latest activation first
    private final Map<String, Key> byKid;

    KeySet(List<Key> keys) {
        List<Key> sorted = new ArrayList<>(keys);
        sorted.sort(Comparator.comparing(Key::activatesAt).thenComparing(Key::kid).reversed());
        this.byActivation = List.copyOf(sorted);
        Map<String, Key> m = new LinkedHashMap<>();
        for (Key k : sorted) m.put(k.kid(), k);
        this.byKid = Map.copyOf(m);
    }

    /** The key that signs at {@code now}: the activated, unrevoked one of latest activation. */
    Key current(Instant now) {
        for (Key k : byActivation)
            if (k.revokedAt() == null && !k.activatesAt().isAfter(now) && k.signer() != null) return k;
        return null;
    }

    /** A key not yet active (the newest if several). */
    Key next(Instant now) {
        for (Key k : byActivation) if (k.revokedAt() == null && k.activatesAt().isAfter(now)) return k;
        return null;
    }

    State state(Key k, Instant now) {
        if (k.revokedAt() != null) return State.REVOKED;
        if (k.activatesAt().isAfter(now)) return State.NEXT;
        if (k == current(now)) return State.CURRENT;
        return now.isBefore(k.tokensUntil().plus(GRACE)) ? State.RETIRING : State.GONE;
    }

    boolean published(Key k, Instant now) {
        State s = state(k, now);
        return s == State.NEXT || s == State.CURRENT || s == State.RETIRING;
    }

    Key get(String kid) {
        return kid == null ? null : byKid.get(kid);
    }

    List<Key> all() {
        return byActivation;
    }

    /** When the published set next changes by itself (a retiring key drops out), or null. */
    Instant nextDrop(Instant now) {
        Instant next = null;
        for (Key k : byActivation) {
            if (state(k, now) != State.RETIRING) continue;
            Instant drop = k.tokensUntil().plus(GRACE);
            if (next == null || drop.isBefore(next)) next = drop;
        }
        return next;
    }
}
