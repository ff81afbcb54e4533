package agentauth.http;

import agentauth.error.AuthError;
import agentauth.token.SigningKeys;
import agentauth.user.Users;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * /admin/api/keys: list the signing keys, rotate to a new one, revoke a leaked one. Rotation
 * keeps the old public key published while tokens it signed may live; revocation drops it at once.
 */
final class AdminKeysHandler {
    /** Key ids are RFC 7638 thumbprints (base64url); anything else is not a key of ours. */
    private static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final SigningKeys keys;

    AdminKeysHandler(SigningKeys keys) {
        this.keys = keys;
    }

    void list(Context ctx, Users.Actor actor) {
        List<Map<String, Object>> out = keys.list().stream().map(AdminKeysHandler::key).toList();
        Json.write(ctx, 200, Map.of("keys", out));
    }

    void rotate(Context ctx, Users.Actor actor) {
        String kid = keys.rotate(actor.name(), actor.address());
        Json.write(ctx, 200, Map.of("kid", kid));
    }

    /** 404 for an unknown kid, 409 for the key that signs now (rotate first); revoking twice is a no-op. */
    void revoke(Context ctx, Users.Actor actor) {
        String kid = ctx.pathParam("kid");
        if (!KID.matcher(kid).matches()) throw new AuthError.NotFound("There is no signing key by that id.");
        keys.revoke(kid, actor.name(), actor.address());
        ctx.status(204);
    }

    /** published_until is null while the key signs (no end yet) and once revoked (already gone). */
    private static Map<String, Object> key(SigningKeys.Key k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kid", k.kid());
        m.put("created_at", AdminJson.time(k.createdAt()));
        m.put("signing", k.signing());
        m.put("published_until", AdminJson.time(k.publishedUntil()));
        m.put("revoked_at", AdminJson.time(k.revokedAt()));
        return m;
    }
}
