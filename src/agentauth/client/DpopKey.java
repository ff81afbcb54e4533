package agentauth.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * The agent's DPoP key (RFC 9449): a P-256 key pair that never leaves the process (or the
 * owner-only file it was loaded from), and the proofs it signs. Thread-safe.
 */
final class DpopKey {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PrivateKey privateKey;
    private final Es256Key publicKey;

    private DpopKey(PrivateKey privateKey, Es256Key publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** A new key, in memory only. */
    static DpopKey generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            var pair = generator.generateKeyPair();
            ECPublicKey pub = (ECPublicKey) pair.getPublic();
            return new DpopKey(pair.getPrivate(), Es256Key.of(bytes32(pub.getW().getAffineX()), bytes32(pub.getW().getAffineY())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make a P-256 key", e);
        }
    }

    /**
     * The key in {@code file} (a private JWK: kty EC, crv P-256, x, y, d), or a new one written
     * there, readable by its owner only, if the file does not exist.
     *
     * @throws IllegalArgumentException the file holds no such key, or its x, y and d disagree
     * @throws UncheckedIOException the file cannot be read or written
     */
    static DpopKey loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                return load(Files.readAllBytes(file));
            }
            DpopKey key = generate();
            key.save(file);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the DPoP key file " + file, e);
        }
    }

    String thumbprint() {
        return publicKey.thumbprint();
    }

    /**
     * A fresh proof (RFC 9449 §4.2) for one request.
     *
     * @param htu the request's URL; its query and fragment are left out
     * @param accessToken the token the request presents (its hash becomes {@code ath}), or null
     * @param nonce the server's last {@code DPoP-Nonce}, or null
     */
    String proof(String htm, URI htu, String accessToken, String nonce, long nowSeconds) {
        byte[] jti = new byte[16];
        RANDOM.nextBytes(jti);
        JsonWriter claims = new JsonWriter().field("jti", B64.encodeToString(jti)).field("htm", htm)
                .field("htu", Urls.htu(htu)).field("iat", nowSeconds);
        if (accessToken != null) {
            claims.field("ath", DpopProofCheck.ath(accessToken));
        }
        claims.field("nonce", nonce);
        String header = new JsonWriter().field("typ", "dpop+jwt").field("alg", "ES256")
                .field("jwk", publicKey.jwk()).toJson();
        String input = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(claims.toBytesAndWipe());
        return input + "." + B64.encodeToString(sign(input.getBytes(StandardCharsets.US_ASCII)));
    }

    private byte[] sign(byte[] input) {
        try {
            Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
            signer.initSign(privateKey, RANDOM);
            signer.update(input);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot sign with ES256", e);
        }
    }

    private static DpopKey load(byte[] json) {
        byte[] d = null;
        try {
            Map<String, Object> jwk = JsonReader.object(json);
            String dText = JsonReader.string(jwk, "d");
            Es256Key publicKey = Es256Key.fromJwk(jwk);
            if (dText == null) {
                throw new IllegalArgumentException("the DPoP key file holds no private key (d)");
            }
            d = Base64.getUrlDecoder().decode(dText);
            PrivateKey privateKey = KeyFactory.getInstance("EC")
                    .generatePrivate(new ECPrivateKeySpec(new BigInteger(1, d), JdkEs256.P256));
            DpopKey key = new DpopKey(privateKey, publicKey);
            byte[] probe = "dpop key check".getBytes(StandardCharsets.US_ASCII);
            if (!publicKey.verify(probe, probe.length, key.sign(probe))) {
                throw new IllegalArgumentException("the DPoP key file's d does not match its x and y");
            }
            return key;
        } catch (JsonReader.MalformedJsonException | GeneralSecurityException e) {
            throw new IllegalArgumentException("the DPoP key file is not a P-256 private JWK");
        } finally {
            Arrays.fill(json, (byte) 0);
            if (d != null) {
                Arrays.fill(d, (byte) 0);
            }
        }
    }

    /** Written to a temporary file with owner-only permissions, then moved into place. */
    private void save(Path file) throws IOException {
        byte[] d = bytes32(((ECPrivateKey) privateKey).getS());
        byte[] dBase64 = B64.encode(d);
        char[] dChars = new char[dBase64.length];
        for (int i = 0; i < dBase64.length; i++) {
            dChars[i] = (char) dBase64[i];
        }
        JsonWriter jwk = new JsonWriter().field("kty", "EC").field("crv", "P-256").field("x", publicKey.jwkX())
                .field("y", publicKey.jwkY()).field("d", dChars);
        Arrays.fill(d, (byte) 0);
        Arrays.fill(dBase64, (byte) 0);
        Arrays.fill(dChars, '\0');
        byte[] bytes = jwk.toBytesAndWipe();
        Path dir = file.toAbsolutePath().getParent();
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, ".dpop-key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            tmp = Files.createTempFile(dir, ".dpop-key", ".tmp");
        }
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file);
            }
        } finally {
            Arrays.fill(bytes, (byte) 0);
            Files.deleteIfExists(tmp);
        }
    }

    private static byte[] bytes32(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, out, 32 - n, n);
        return out;
    }
}
