package agentauth.http;

import agentauth.error.AuthError;
import agentauth.token.KeyRotation;
import agentauth.token.SigningKeys;
import agentauth.user.Users;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * /admin/api/keys: list the signing keys with their state and dates, rotate (pre-publish the next
 * key, or sign with a new one at once), revoke a leaked one. See token.KeyRotation.
 */
final class AdminKeysHandler {
    /** Key ids are RFC 7638 thumbprints (base64url); anything else is not a key of ours. */
    private static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final KeyRotation keys;

    AdminKeysHandler(KeyRotation keys) {
        this.keys = keys;
    }

    void list(Context ctx, Users.Actor actor) {
        List<Map<String, Object>> out = keys.list().stream().map(AdminKeysHandler::key).toList();
        Json.write(ctx, 200, Map.of("keys", out));
    }

    /** Body (optional): {"immediate": true} signs with the new key at once instead of pre-publishing it. */
    void rotate(Context ctx, Users.Actor actor) {
        boolean immediate = false;
        if (ctx.contentLength() > 0 || ctx.header("Content-Type") != null) {
            Boolean given = Body.json(ctx).optionalBoolean("immediate");
            immediate = given != null && given;
        }
        KeyRotation.Rotated r = keys.rotate(immediate, actor.name(), actor.address());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kid", r.kid());
        body.put("activates_at", AdminJson.time(r.activatesAt()));
        Json.write(ctx, 200, body);
    }

    /** 404 for an unknown kid; revoking twice is a no-op; revoking the key that signs replaces it at once. */
    void revoke(Context ctx, Users.Actor actor) {
        String kid = ctx.pathParam("kid");
        if (!KID.matcher(kid).matches()) throw new AuthError.NotFound("There is no signing key by that id.");
        keys.revoke(kid, actor.name(), actor.address());
        ctx.status(204);
    }

    private static Map<String, Object> key(SigningKeys.View k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kid", k.kid());
        m.put("state", k.state());
        m.put("signing", k.state().equals("current"));
        m.put("created_at", AdminJson.time(k.createdAt()));
        m.put("activates_at", AdminJson.time(k.activatesAt()));
        m.put("retires_at", AdminJson.time(k.retiresAt()));
        m.put("published_until", AdminJson.time(k.publishedUntil()));
        m.put("revoked_at", AdminJson.time(k.revokedAt()));
        return m;
    }
}
