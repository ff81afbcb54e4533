package agentauth.session;

import agentauth.crypto.Aead;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The retry window's stored copy of a refresh answer: AES-256-GCM under a key derived from the
 * presented refresh token with HKDF-SHA256 (RFC 5869), the family id as associated data. The
 * database holds only the token's SHA-256, which cannot open it: only the token's holder can.
 */
final class RetryCopy {
    private static final byte[] INFO = "agent-auth refresh retry copy v1".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The answer as stored: the access token's expiry instead of a countdown. */
    record Answer(String accessToken, Instant accessExpiresAt, String refreshToken, List<String> scope) {}

    private RetryCopy() {}

    static byte[] seal(String presentedToken, String familyId, Answer a) {
        ObjectNode n = JSON.createObjectNode();
        n.put("access_token", a.accessToken());
        n.put("access_exp", a.accessExpiresAt().getEpochSecond());
        n.put("refresh_token", a.refreshToken());
        n.put("scope", String.join(" ", a.scope()));
        try {
            return aead(presentedToken).encrypt(JSON.writeValueAsBytes(n), familyId.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The stored answer, or null if it does not open with this token (it always should). */
    static Answer open(String presentedToken, String familyId, byte[] sealed) {
        try {
            byte[] plain = aead(presentedToken).decrypt(sealed, familyId.getBytes(StandardCharsets.UTF_8));
            JsonNode n = JSON.readTree(plain);
            String scope = n.path("scope").asText();
            return new Answer(n.path("access_token").asText(), Instant.ofEpochSecond(n.path("access_exp").asLong()),
                n.path("refresh_token").asText(), scope.isEmpty() ? List.of() : List.of(scope.split(" ")));
        } catch (GeneralSecurityException | IOException e) {
            return null;
        }
    }

    private static Aead aead(String token) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(token.getBytes(StandardCharsets.UTF_8), null, INFO));
        byte[] key = new byte[32];
        hkdf.generateBytes(key, 0, key.length);
        return new Aead(key);
    }
}
