package agentauth.http;

import agentauth.error.AuthError;
import agentauth.audit.AuditTrail;
import agentauth.user.Users;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GET /admin/api/audit: events newest first, a page at a time. The cursor {@code next} is the
 * id of the last event on the page, given back as {@code before}; ids only grow, so paging never
 * repeats or skips an event even while new ones are written.
 */
final class AdminAuditHandler {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final AuditTrail audit;

    AdminAuditHandler(AuditTrail audit) {
        this.audit = audit;
    }

    void list(Context ctx, Users.Actor actor) {
        String limitParam = single(ctx, "limit");
        String beforeParam = single(ctx, "before");
        String user = single(ctx, "user");
        String type = single(ctx, "type");
        int limit = limitParam == null ? DEFAULT_LIMIT : limit(limitParam);
        Long before = beforeParam == null ? null : cursor(beforeParam);
        if (type != null && !AuditTrail.isType(type))
            throw new AuthError.InvalidRequest("type must be one of the audit event types.");
        AuditTrail.Page page = audit.page(limit, before, user, type);
        List<Map<String, Object>> events = page.events().stream().map(AdminAuditHandler::event).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("events", events);
        body.put("next", page.next() == null ? null : page.next().toString());
        Json.write(ctx, 200, body);
    }

    private static Map<String, Object> event(AuditTrail.Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("time", AdminJson.time(e.time()));
        m.put("type", e.type());
        m.put("user", e.user());
        m.put("actor", e.actor());
        m.put("address", e.address());
        m.put("detail", e.detail());
        m.put("instance", e.instance());
        return m;
    }

    /** A query parameter given at most once; empty counts as absent. */
    private static String single(Context ctx, String name) {
        List<String> values = ctx.queryParams(name);
        if (values.size() > 1) throw new AuthError.InvalidRequest("The parameter '" + name + "' appears twice.");
        return values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
    }

    private static int limit(String s) {
        try {
            int n = Integer.parseInt(s);
            if (n >= 1 && n <= MAX_LIMIT) return n;
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new AuthError.InvalidRequest("limit must be a whole number from 1 to " + MAX_LIMIT + ".");
    }

    private static long cursor(String s) {
        try {
            long n = Long.parseLong(s);
            if (n > 0) return n;
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new AuthError.InvalidRequest("before must be the 'next' cursor of a previous page.");
    }
}
