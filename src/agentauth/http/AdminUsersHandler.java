package agentauth.http;

import agentauth.error.AuthError;
import agentauth.store.AgentPolicy;
import agentauth.user.Account;
import agentauth.user.Rules;
import agentauth.throttle.Throttle;
import agentauth.user.Users;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * /admin/api/users: list, create, read, patch, delete, end sessions, clear the throttle. The rules
 * (validation, last-admin guard, family revocation, audit) live in {@link Users}, shared with the
 * command line; this class only maps HTTP to it.
 */
final class AdminUsersHandler {
    private final Users users;
    private final Throttle throttle;

    AdminUsersHandler(Users users, Throttle throttle) {
        this.users = users;
        this.throttle = throttle;
    }

    void list(Context ctx, Users.Actor actor) {
        List<Map<String, Object>> out = users.list().stream().map(AdminJson::user).toList();
        Json.write(ctx, 200, Map.of("users", out));
    }

    void create(Context ctx, Users.Actor actor) {
        Body body = Body.json(ctx);
        String username = body.string("username");
        String password = body.string("password");
        List<String> scopes = body.optionalStringList("scopes");
        Boolean enabled = body.optionalBoolean("enabled");
        AgentPolicy policy = PolicyJson.patch(body).applyTo(AgentPolicy.NONE);
        Boolean dpopRequired = body.optionalBoolean("dpop_required");
        Account u = users.create(username, password, scopes == null ? List.of() : scopes, enabled == null || enabled, policy, actor);
        if (Boolean.TRUE.equals(dpopRequired)) u = users.dpopRequired(u.username(), true, actor);
        Json.write(ctx, 201, AdminJson.user(u));
    }

    void get(Context ctx, Users.Actor actor) {
        Json.write(ctx, 200, AdminJson.user(users.get(name(ctx))));
    }

    /**
     * An empty patch (no field, or only nulls for password, scopes and enabled) is a no-op that
     * answers the user unchanged and audits nothing; a policy field set to null goes back to the
     * server's default.
     */
    void patch(Context ctx, Users.Actor actor) {
        String name = name(ctx);
        Body body = Body.json(ctx);
        Users.Patch patch = new Users.Patch(body.optionalString("password"), body.optionalStringList("scopes"),
            body.optionalBoolean("enabled"), PolicyJson.patch(body));
        Boolean dpopRequired = body.optionalBoolean("dpop_required");
        Account u = patch.isEmpty() ? users.get(name) : users.update(name, patch, actor, false);
        if (dpopRequired != null) u = users.dpopRequired(name, dpopRequired, actor); // after: a refused update changes nothing
        Json.write(ctx, 200, AdminJson.user(u));
    }

    void delete(Context ctx, Users.Actor actor) {
        users.delete(name(ctx), actor, false);
        ctx.status(204);
    }

    /** The kill switch: disabled, every session ended, every access token revoked (offline verifiers too). */
    void kill(Context ctx, Users.Actor actor) {
        Json.write(ctx, 200, Map.of("revoked", users.kill(name(ctx), actor)));
    }

    void revoke(Context ctx, Users.Actor actor) {
        int n = users.revokeSessions(name(ctx), actor);
        Json.write(ctx, 200, Map.of("revoked", n));
    }

    /**
     * The throttle is keyed by a hash of the name whether or not such a user exists, so any valid
     * name is cleared (204) and an unknown one is not revealed; an invalid name is 400.
     */
    void unthrottle(Context ctx, Users.Actor actor) {
        String name = Rules.username(ctx.pathParam("name"));
        throttle.clear(name);
        users.throttleCleared(name, actor);
        ctx.status(204);
    }

    /** The {name} of the path; one that no user can have is simply not found. */
    private static String name(Context ctx) {
        String name = ctx.pathParam("name");
        try {
            return Rules.username(name);
        } catch (AuthError.InvalidRequest e) {
            throw new AuthError.NotFound("There is no user by that name.");
        }
    }
}
