package agentauth.http;

import agentauth.error.AuthError;
import agentauth.user.Account;
import agentauth.user.Authenticator;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * OAuth client authentication (RFC 6749 §2.3.1): the client is a user, and proves it with HTTP
 * Basic ({@code client_secret_basic}) or with {@code client_id} and {@code client_secret} in the
 * form ({@code client_secret_post}), never both. The secret check itself is the Authenticator's:
 * throttled, audited, and the same cost for an unknown name.
 */
final class ClientAuth {
    /** RFC 6749 §5.2: a failed Basic attempt is answered with a challenge for the same scheme. */
    static final String CHALLENGE = "Basic realm=\"agent-auth\"";

    /** What the client presented; {@code basic} says which method, for the challenge. */
    record Credentials(String id, String secret, boolean basic) {
        @Override
        public String toString() {
            return "Credentials[id=" + id + ", basic=" + basic + "]"; // never the secret
        }
    }

    private final Authenticator authenticator;
    private final ClientAddress addresses;

    ClientAuth(Authenticator authenticator, ClientAddress addresses) {
        this.authenticator = authenticator;
        this.addresses = addresses;
    }

    /**
     * The authenticated client, or invalid_client: 401 with the Basic challenge when Basic was
     * tried or nothing was presented, 400 when {@code client_secret_post} failed (RFC 6749 §5.2
     * allows either there; Spring's OAuth client reads the error code only from a 400).
     */
    Account authenticate(Context ctx, Body form) {
        Credentials c = credentials(ctx, form);
        try {
            return authenticator.authenticate(c.id(), c.secret(), addresses.of(ctx));
        } catch (AuthError.InvalidClient e) {
            if (!c.basic()) throw e.asBadRequest();
            throw challenge(ctx, true, e);
        }
    }

    static Credentials credentials(Context ctx, Body form) {
        String header = ctx.header("Authorization");
        String id = form.optionalString("client_id");
        String secret = form.optionalString("client_secret");
        if (header != null) {
            // RFC 6749 §2.3: one authentication method per request
            if (secret != null)
                throw new AuthError.InvalidRequest("Authenticate the client once: HTTP Basic or client_secret in the body, not both.");
            Credentials basic = basic(ctx, header);
            if (id != null && !id.equals(basic.id()))
                throw new AuthError.InvalidRequest("client_id in the body differs from the HTTP Basic user.");
            return basic;
        }
        if (id == null || id.isEmpty()) throw challenge(ctx, true, new AuthError.InvalidClient()); // nothing presented
        if (secret == null) throw new AuthError.InvalidClient().asBadRequest();
        return new Credentials(id, secret, false);
    }

    /** base64(urlencode(id) ":" urlencode(secret)), decoded strictly; anything else is invalid_client. */
    private static Credentials basic(Context ctx, String header) {
        if (header.length() < 7 || !header.regionMatches(true, 0, "Basic ", 0, 6))
            throw challenge(ctx, true, new AuthError.InvalidClient());
        String encoded = header.substring(6).strip();
        try {
            if (encoded.isEmpty() || encoded.length() % 4 != 0) throw new IllegalArgumentException("length");
            String pair = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(Base64.getDecoder().decode(encoded))).toString();
            int colon = pair.indexOf(':');
            if (colon < 0) throw new IllegalArgumentException("no colon");
            return new Credentials(Body.percentDecode(pair.substring(0, colon)), Body.percentDecode(pair.substring(colon + 1)), true);
        } catch (IllegalArgumentException | CharacterCodingException | AuthError.InvalidRequest e) {
            throw challenge(ctx, true, new AuthError.InvalidClient());
        }
    }

    private static AuthError challenge(Context ctx, boolean basic, AuthError e) {
        if (basic) ctx.header("WWW-Authenticate", CHALLENGE);
        return e;
    }
}
