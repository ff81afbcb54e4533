package agentauth.crypto;

import agentauth.ConfigException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The key that encrypts signing keys at rest (AES-256-GCM). From AGENT_AUTH_MASTER_KEY
 * (base64url of 32 bytes) or, when that is unset, a key file beside the database, created
 * owner-only on first start. A copy of the database without it reveals no private key.
 */
public final class MasterKey {
    public static final String ENV = "AGENT_AUTH_MASTER_KEY";
    private static final byte[] CHECK = "agent-auth master key check v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Aead aead;
    private final byte[] key;
    private final String source;

    private MasterKey(byte[] key, String source) {
        this.aead = new Aead(key);
        this.key = key.clone();
        this.source = source;
    }

    /** The key file used when the variable is unset: {@code <db>.master-key}. */
    public static Path fileFor(Path db) {
        return db.toAbsolutePath().resolveSibling(db.getFileName() + ".master-key");
    }

    /**
     * Loads the master key. {@code db}: the SQLite file the key file sits beside, or null on
     * PostgreSQL, where only the variable will do (instances on other machines cannot share a
     * key file). {@code mayCreate}: no signing key exists yet, so a missing key file may be
     * created; otherwise a missing key is an error that names what is missing.
     */
    public static MasterKey load(Map<String, String> env, Path db, boolean mayCreate) {
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) return new MasterKey(decode(fromEnv.trim(), ENV), ENV);
        if (db == null)
            throw new ConfigException("PostgreSQL needs " + ENV + " (base64url of 32 bytes, the same for every "
                + "instance): instances on other machines cannot share a key file");
        Path file = fileFor(db);
        if (Files.exists(file)) {
            try {
                return new MasterKey(decode(Files.readString(file).trim(), file.toString()), file.toString());
            } catch (IOException e) {
                throw new ConfigException("cannot read the master key file " + file + ": " + e.getMessage());
            }
        }
        if (!mayCreate)
            throw new ConfigException("the signing keys in " + db + " are encrypted, but neither " + ENV
                + " is set nor the key file " + file + " exists (restore it, or start with --reset-signing-keys)");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        // Written whole to a temporary file, then linked into place: a crash or a second process
        // never sees a half-written key file, and linking fails rather than replace another key.
        Path tmp = null;
        try {
            tmp = createOwnerOnly(file.resolveSibling(file.getFileName() + ".tmp-" + Long.toHexString(System.nanoTime())));
            Files.writeString(tmp, Base64.getUrlEncoder().withoutPadding().encodeToString(key) + "\n");
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.createLink(file, tmp);
        } catch (FileAlreadyExistsException e) {
            return load(env, db, false); // another process won the race: use its key
        } catch (IOException | UnsupportedOperationException e) {
            throw cannotWrite(file, e instanceof IOException io ? io : new IOException(e.getMessage()));
        } finally {
            if (tmp != null) try { Files.deleteIfExists(tmp); } catch (IOException e) { /* left behind, it is owner-only like the key file itself */ }
        }
        return new MasterKey(key, file.toString());
    }

    private static Path createOwnerOnly(Path path) throws IOException {
        try {
            return Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            return Files.createFile(path); // not POSIX (Windows): the folder's permissions apply
        }
    }

    private static ConfigException cannotWrite(Path file, IOException e) {
        return new ConfigException("cannot create the master key file " + file + ": " + e.getMessage());
    }

    private static byte[] decode(String text, String where) {
        byte[] key;
        try {
            key = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + " is not base64url");
        }
        if (key.length != 32) throw new ConfigException(where + " must hold 32 bytes (base64url), it holds " + key.length);
        return key;
    }

    /**
     * A value only this key opens, kept in the database, so that an instance started with another
     * key refuses to start instead of minting keys the others cannot open.
     */
    public String check() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(aead.encrypt(CHECK, CHECK));
    }

    /** True when {@code check} was made by this key. */
    public boolean opens(String check) {
        try {
            return java.security.MessageDigest.isEqual(CHECK, aead.decrypt(Base64.getUrlDecoder().decode(check), CHECK));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * A key for one purpose, derived with HKDF-SHA256 (RFC 5869): every instance with this master
     * key derives the same one, and it reveals nothing of the master key or of another purpose's key.
     */
    public byte[] derive(String purpose) {
        org.bouncycastle.crypto.generators.HKDFBytesGenerator hkdf =
            new org.bouncycastle.crypto.generators.HKDFBytesGenerator(new org.bouncycastle.crypto.digests.SHA256Digest());
        hkdf.init(new org.bouncycastle.crypto.params.HKDFParameters(key, null,
            ("agent-auth " + purpose).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        byte[] out = new byte[32];
        hkdf.generateBytes(out, 0, out.length);
        return out;
    }

    /** Where the key came from (a variable name or file path), for messages; never the key. */
    public String source() {
        return source;
    }

    public byte[] encrypt(byte[] plain, byte[] associatedData) {
        return aead.encrypt(plain, associatedData);
    }

    /** @throws GeneralSecurityException when this key did not encrypt it */
    public byte[] decrypt(byte[] sealed, byte[] associatedData) throws GeneralSecurityException {
        return aead.decrypt(sealed, associatedData);
    }

    @Override
    public String toString() {
        return "MasterKey[from " + source + "]";
    }
}
