package agentauth.token;

import agentauth.ConfigException;
import agentauth.crypto.MasterKey;
import agentauth.error.AuthError;
import agentauth.store.AuditLog;
import agentauth.store.Database;
import agentauth.store.SigningKeyStore;
import com.auth0.jwt.algorithms.Algorithm;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ES256 keys: one signs, the others stay published until the last token they signed has
 * expired plus a minute (RFC 7517 key sets; the verifier picks by kid). The state is an
 * immutable snapshot swapped on change, so the hot path (signing, JWKS, verification) takes no lock.
 */
public final class SigningKeys {
    /** How long a retired key stays published after its last token expired. */
    public static final Duration GRACE = Duration.ofMinutes(1);

    /** A key as the rest of the server sees it; the private half and algorithm only on the signing key. */
    public record Key(String kid, ECPublicKey publicKey, Algorithm signer, Algorithm verifier, Instant createdAt,
                      boolean signing, Instant tokensUntil, Instant revokedAt) {
        public Instant publishedUntil() {
            return signing || revokedAt != null ? null : tokensUntil.plus(GRACE);
        }

        boolean publishedAt(Instant now) {
            return revokedAt == null && (signing || now.isBefore(tokensUntil.plus(GRACE)));
        }
    }

    /**
     * {@code tokensUntilStored}: the bound persisted for the current key; {@code boundAtLoad}: what
     * bounded it before this process signed anything; {@code lastExp}: the latest expiry it signed.
     */
    private record State(Key current, Map<String, Key> all, Instant tokensUntilStored, Instant boundAtLoad, Instant lastExp) {}

    private final Database db;
    private final SigningKeyStore store;
    private final AuditLog audit;
    private final MasterKey masterKey;
    private final Clock clock;
    private final Duration accessTtl;
    private final Jwks jwks = new Jwks();
    private volatile State state;

    public SigningKeys(Database db, SigningKeyStore store, AuditLog audit, MasterKey masterKey, Clock clock,
                       Duration accessTtl, boolean resetUnreadable) {
        this.db = db;
        this.store = store;
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
            this.state = read();
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
        if (state.current() == null) {
            create("system", null);
            reload();
        }
    }

    private State read() throws GeneralSecurityException {
        Map<String, Key> all = new LinkedHashMap<>();
        Key current = null;
        for (SigningKeyStore.Row row : store.all()) {
            ECPublicKey pub = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(row.publicKey()));
            Algorithm signer = null;
            if (row.signing() && row.revokedAt() == null) {
                byte[] pkcs8 = masterKey.decrypt(row.sealedPrivateKey(), row.kid().getBytes(StandardCharsets.UTF_8));
                ECPrivateKey priv = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                signer = Algorithms.es256(pub, priv);
            }
            Key key = new Key(row.kid(), pub, signer, Algorithms.es256(pub, null), row.createdAt(), signer != null,
                row.tokensUntil(), row.revokedAt());
            all.put(row.kid(), key);
            if (key.signing()) current = key;
        }
        Instant bound = current == null ? null : current.tokensUntil();
        return new State(current, Map.copyOf(all), bound, bound, null);
    }

    /** Stores a new signing key; the caller reloads the state once that has committed. */
    private String create(String actor, String address) {
        KeyPair pair;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            pair = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make P-256 keys", e);
        }
        ECPublicKey pub = (ECPublicKey) pair.getPublic();
        String kid = Jwks.thumbprint(pub);
        byte[] sealed = masterKey.encrypt(pair.getPrivate().getEncoded(), kid.getBytes(StandardCharsets.UTF_8));
        Instant now = clock.instant();
        State before = state;
        db.write(c -> {
            if (before != null && before.current() != null) {
                // The retiring key's exact bound: no headroom needed once it stops signing.
                Instant last = before.lastExp() == null ? before.boundAtLoad()
                    : max(before.lastExp(), before.boundAtLoad());
                store.setTokensUntil(c, before.current().kid(), last);
            }
            store.insert(c, new SigningKeyStore.Row(kid, now, pub.getEncoded(), sealed, false, now, null));
            store.makeSigning(c, kid);
            audit.record(c, now, "key_rotated", null, actor, address, "new signing key " + kid);
            return null;
        });
        return kid;
    }

    /**
     * Reads the keys again. Only after the change committed: a write commits with others and
     * can still be rolled back with them (Database.write), and memory must never hold a key or a
     * bound the database does not.
     */
    private synchronized void reload() {
        try {
            state = read();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a signing key written by this process cannot be read back", e);
        }
    }

    /** The key that signs now. */
    public Key current() {
        return state.current();
    }

    /** The public key for {@code kid} if it is published now, else null. */
    public Key verificationKey(String kid) {
        Key k = kid == null ? null : state.all().get(kid);
        return k != null && k.publishedAt(clock.instant()) ? k : null;
    }

    /** The JWKS document, pre-serialized. */
    public byte[] jwks() {
        return jwks.bytes(clock.instant(), state.all());
    }

    /**
     * Records that {@code key} signed a token expiring at {@code exp}. Stored with one access TTL of
     * headroom, so this writes about once per TTL, not once per token, and a restart with a shorter
     * TTL cannot unpublish a key early.
     */
    public void noteIssued(Key key, Instant exp) {
        State s = state;
        if (s.current() == key && s.lastExp() != null && !exp.isAfter(s.lastExp())) return; // the common case
        Instant extended = null;
        if (s.tokensUntilStored() == null || exp.isAfter(s.tokensUntilStored())) {
            // The database lock first, then this monitor: the order rotate and revoke take them in
            // too (a refresh with a retry window signs inside its write transaction). The bound
            // in memory moves only once the extension committed (the SQL keeps the larger one).
            extended = db.write(c -> {
                synchronized (this) {
                    Instant stored = state.tokensUntilStored();
                    if (state.current() != key || (stored != null && !exp.isAfter(stored))) return null;
                    Instant until = exp.plus(accessTtl);
                    store.extendTokensUntil(c, key.kid(), until);
                    return until;
                }
            });
        }
        // Inside a write that may still roll back (a refresh with a retry window signs in its
        // transaction), memory follows only the commit: it must never claim a bound the database lacks.
        Instant stored = extended;
        db.afterCommit(() -> {
            synchronized (this) {
                record(key, exp, stored);
            }
        });
    }

    /** Under this monitor: notes {@code exp}, and the stored bound when it was just extended. */
    private void record(Key key, Instant exp, Instant extended) {
        State s = state;
        if (s.current() != key) return;
        Instant stored = extended == null ? s.tokensUntilStored()
            : s.tokensUntilStored() == null ? extended : max(extended, s.tokensUntilStored());
        state = new State(s.current(), s.all(), stored, s.boundAtLoad(), s.lastExp() == null ? exp : max(exp, s.lastExp()));
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** A new key signs from now on; the old one stays published while its tokens live. */
    public String rotate(String actor, String address) {
        String kid = db.write(c -> {
            synchronized (this) {
                return create(actor, address);
            }
        });
        reload();
        return kid;
    }

    /** Drops a key from the JWKS at once (a leaked key). The signing key must be rotated out first. */
    public void revoke(String kid, String actor, String address) {
        boolean changed = db.write(c -> {
            synchronized (this) {
                Key k = state.all().get(kid);
                if (k == null) throw new AuthError.NotFound("There is no signing key '" + kid + "'.");
                if (k.signing()) throw new AuthError.Conflict("This key signs tokens now; rotate first, then revoke it.");
                Instant now = clock.instant();
                boolean did = store.revoke(c, kid, now);
                if (did) audit.record(c, now, "key_revoked", null, actor, address, "signing key " + kid + " revoked");
                return did;
            }
        });
        if (changed) reload(); // a key revoked before is already out of the JWKS
    }

    /** Every key, newest first, for the admin API. */
    public List<Key> list() {
        List<Key> keys = new ArrayList<>(state.all().values());
        keys.sort((a, b) -> b.createdAt().compareTo(a.createdAt()));
        return keys;
    }
}
