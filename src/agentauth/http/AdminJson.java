package agentauth.http;

import agentauth.user.Account;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** The admin API's JSON shapes shared by its handlers: users and times. */
final class AdminJson {
    private AdminJson() {}

    /** ISO-8601 UTC with seconds precision ({@code 2026-11-29T17:00:00Z}), or null. */
    static String time(Instant t) {
        return t == null ? null : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    /** A user as the contract shows it: never the hash, nor the internal credential bookkeeping. */
    static Map<String, Object> user(Account u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("username", u.username());
        m.put("scopes", u.scopes());
        m.put("enabled", u.enabled());
        m.put("created_at", time(u.createdAt()));
        m.put("updated_at", time(u.updatedAt()));
        m.put("last_login_at", time(u.lastLoginAt()));
        PolicyJson.put(m, u);
        m.put("dpop_required", u.dpopRequired());
        return m;
    }
}
