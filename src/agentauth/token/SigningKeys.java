package agentauth.token;

import agentauth.ConfigException;
import agentauth.crypto.MasterKey;
import agentauth.error.AuthError;
import agentauth.store.AuditLog;
import agentauth.store.Database;
import agentauth.store.RevocationStore;
import agentauth.store.SigningKeyStore;
import agentauth.token.KeySet.Key;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ES256 keys (RFC 7517 key sets; the verifier picks by kid) and their life: see
 * {@link KeySet} for the states, {@link KeyRotation} for the schedule. Memory holds the rows as
 * last read ({@link #reload}, every few seconds and after every change here, and only after it
 * committed), so several instances on one database serve and sign alike.
 */
public final class SigningKeys {
    /** How long a retired key stays published after its last token expired. */
    public static final Duration GRACE = KeySet.GRACE;

    /** A key as the admin API shows it. */
    public record View(String kid, String state, Instant createdAt, Instant activatesAt, Instant retiresAt,
                       Instant publishedUntil, Instant revokedAt) {}

    private final Database db;
    private final SigningKeyStore store;
    private final RevocationStore revocations;
    private final AuditLog audit;
    private final MasterKey masterKey;
    private final Clock clock;
    private volatile Duration accessTtl;
    private final Jwks jwks = new Jwks();
    private final Map<String, Key> decrypted = new HashMap<>(); // by kid, so a reload decrypts a key once; guarded by this
    private volatile KeySet keys = new KeySet(List.of());
    /** The signing key and when a read that began at that System.nanoTime() found it unrevoked. */
    private record Confirmed(String kid, long readStartedNanos) {}
    private volatile Confirmed confirmed;
    private final Map<String, Instant> storedBound = new java.util.concurrent.ConcurrentHashMap<>(); // what the database holds
    private final Map<String, Instant> lastExp = new java.util.concurrent.ConcurrentHashMap<>();     // what this process signed
    private final Map<String, Instant> boundAtLoad = new java.util.concurrent.ConcurrentHashMap<>(); // before it signed

    public SigningKeys(Database db, SigningKeyStore store, RevocationStore revocations, AuditLog audit, MasterKey masterKey,
                       Clock clock, Duration accessTtl) {
        this.db = db;
        this.store = store;
        this.revocations = revocations;
        this.audit = audit;
        this.masterKey = masterKey;
        this.clock = clock;
        this.accessTtl = accessTtl;
    }

    /**
     * Loads the keys, and on a first start makes the first one. Runs once, in the start-up
     * transaction that holds the lock across instances, so instances starting together on one
     * database make one key, not one each. {@code resetUnreadable}: discard keys the master key
     * cannot open (audited) instead of refusing to start.
     */
    public void start(boolean resetUnreadable) {
        try {
            keys = read();
        } catch (GeneralSecurityException e) {
            if (!resetUnreadable)
                throw new ConfigException("the master key from " + masterKey.source() + " cannot open the signing keys in "
                    + db.describe() + " (wrong AGENT_AUTH_MASTER_KEY or key file?); start with --reset-signing-keys to "
                    + "discard them, which invalidates every issued access token");
            db.write(c -> {
                store.deleteAll(c);
                audit.record(c, clock.instant(), "key_revoked", null, "system", null,
                    "signing keys discarded by --reset-signing-keys: the master key could not open them");
                return null;
            });
            start(false);
            return;
        }
        if (keys.current(clock.instant()) == null) {
            KeyMaker.Made first = KeyMaker.make(masterKey);
            Instant now = clock.instant();
            db.write(c -> {
                store.insert(c, first.row(now, now));
                store.markSigning(c, first.kid());
                audit.record(c, now, "key_rotated", null, "system", null, "first signing key " + first.kid());
                return null;
            });
            reload();
        }
    }

    /** A shared setting changed: the headroom of a key's recorded bound follows the access TTL. */
    public void accessTtl(Duration ttl) {
        this.accessTtl = ttl;
    }

    /** Reads the keys again (every instance, every few seconds: keys made elsewhere, revocations). */
    public void reload() {
        long started = System.nanoTime();
        try {
            keys = read();
            Key signing = keys.current(clock.instant());
            if (signing != null) confirmed = new Confirmed(signing.kid(), started);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a signing key in the database cannot be opened with the master key", e);
        }
    }

    private synchronized KeySet read() throws GeneralSecurityException {
        List<Key> all = new ArrayList<>();
        for (SigningKeyStore.Row row : store.all()) {
            Key known = decrypted.get(row.kid());
            boolean same = known != null && known.retiredAt() == null && row.retiredAt() == null && known.revokedAt() == null
                && row.revokedAt() == null && known.activatesAt().equals(row.activatesAt());
            Key key = same ? withBound(known, row.tokensUntil()) : open(row);
            if (key.signer() != null) decrypted.put(key.kid(), key);
            else decrypted.remove(key.kid());
            storedBound.merge(key.kid(), row.tokensUntil(), (a, b) -> a.isAfter(b) ? a : b);
            boundAtLoad.putIfAbsent(key.kid(), row.tokensUntil());
            all.add(key);
        }
        return new KeySet(all);
    }

    private Key open(SigningKeyStore.Row row) throws GeneralSecurityException {
        ECPublicKey pub = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(row.publicKey()));
        com.auth0.jwt.algorithms.Algorithm signer = null;
        if (row.hasPrivateKey() && row.revokedAt() == null) {
            byte[] pkcs8 = masterKey.decrypt(row.sealedPrivateKey(), row.kid().getBytes(StandardCharsets.UTF_8));
            ECPrivateKey priv = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            signer = Algorithms.es256(pub, priv);
        }
        return new Key(row.kid(), pub, signer, Algorithms.es256(pub, null), row.createdAt(), row.activatesAt(),
            row.tokensUntil(), row.retiredAt(), row.revokedAt());
    }

    private static Key withBound(Key k, Instant tokensUntil) {
        return new Key(k.kid(), k.publicKey(), k.signer(), k.verifier(), k.createdAt(), k.activatesAt(), tokensUntil,
            k.retiredAt(), k.revokedAt());
    }

    KeySet keySet() {
        return keys;
    }

    Clock clock() {
        return clock;
    }

    /**
     * How old the last sight of the signing key in the database may be when it signs. On
     * PostgreSQL another instance may revoke it (a leak); that instance lists the revoked kid only
     * {@link #REVOKE_SETTLE} after its commit, by which time every instance has read the key again
     * and signs with its replacement (contract F), at the cost of one lookup per second, not one
     * per token.
     */
    public static final Duration SIGNER_FRESHNESS = Duration.ofSeconds(1);
    /** How long a revoke waits between replacing the key and listing it: two freshness periods. */
    public static final Duration REVOKE_SETTLE = SIGNER_FRESHNESS.multipliedBy(2);

    /**
     * The key that signs now. On PostgreSQL, when its last sight is older than
     * {@link #SIGNER_FRESHNESS}, its row is read first (one lookup by primary key), and a revoked
     * one sends this instance to the key that replaced it. On SQLite this process made every
     * change itself, and memory follows each commit.
     */
    public Key current() {
        Key k = signer();
        if (!db.sharedByInstances()) return k;
        long started = System.nanoTime();
        Confirmed seen = confirmed;
        if (seen != null && seen.kid().equals(k.kid()) && started - seen.readStartedNanos() < SIGNER_FRESHNESS.toNanos()) return k;
        if (!db.read(c -> store.revokedOrGone(c, k.kid()))) {
            confirmed = new Confirmed(k.kid(), started);
            return k;
        }
        reload();
        return signer();
    }

    private Key signer() {
        Key k = keys.current(clock.instant());
        if (k == null) throw new AuthError.TemporarilyUnavailable("No signing key is ready; try again shortly.", 1, null);
        return k;
    }

    /** The public key for {@code kid} if it is published now, else null. */
    public Key verificationKey(String kid) {
        KeySet set = keys;
        Key k = set.get(kid);
        return k != null && set.published(k, clock.instant()) ? k : null;
    }

    /** The JWKS document, pre-serialized, with its ETag and the seconds it stays as it is. */
    public Jwks.Document jwks(Instant nextScheduledChange) {
        return jwks.document(clock.instant(), keys, nextScheduledChange);
    }

    /**
     * Records that {@code key} signed a token expiring at {@code exp}. Stored with one access TTL of
     * headroom, so this writes about once per TTL, not once per token, and a restart with a shorter
     * TTL cannot unpublish a key early. Memory follows only the commit: inside a write that may
     * still roll back (a refresh with a retry window signs in its transaction), it must never
     * claim a bound the database lacks.
     */
    public void noteIssued(Key key, Instant exp) {
        lastExp.merge(key.kid(), exp, (a, b) -> a.isAfter(b) ? a : b);
        Instant stored = storedBound.get(key.kid());
        if (stored != null && !exp.isAfter(stored)) return; // the common case
        Instant until = exp.plus(accessTtl);
        db.write(c -> {
            store.extendTokensUntil(c, key.kid(), until);
            return null;
        });
        db.afterCommit(() -> storedBound.merge(key.kid(), until, (a, b) -> a.isAfter(b) ? a : b));
    }

    /**
     * The exact bound of {@code kid}'s tokens as this process knows them: the latest expiry it
     * signed, and at least the bound the database held when this process first read the key
     * (tokens an earlier process signed); null when this process never signed with it.
     */
    Instant exactBound(String kid) {
        Instant last = lastExp.get(kid), loaded = boundAtLoad.get(kid);
        if (last == null) return null;
        return loaded != null && loaded.isAfter(last) ? loaded : last;
    }

    Database database() {
        return db;
    }

    SigningKeyStore store() {
        return store;
    }

    AuditLog audit() {
        return audit;
    }

    MasterKey masterKey() {
        return masterKey;
    }

    RevocationStore revocations() {
        return revocations;
    }

    /** Every key, newest activation first, for the admin API. */
    public List<View> list(Instant retirementOfCurrent) {
        Instant now = clock.instant();
        KeySet set = keys;
        List<View> out = new ArrayList<>();
        for (Key k : set.all()) {
            KeySet.State state = set.state(k, now);
            Instant retires = state == KeySet.State.CURRENT ? retirementOfCurrent : k.retiredAt();
            Instant publishedUntil = state == KeySet.State.RETIRING || state == KeySet.State.GONE ? k.tokensUntil().plus(GRACE) : null;
            out.add(new View(k.kid(), state.name().toLowerCase(java.util.Locale.ROOT), k.createdAt(), k.activatesAt(), retires,
                publishedUntil, k.revokedAt()));
        }
        return out;
    }
}
