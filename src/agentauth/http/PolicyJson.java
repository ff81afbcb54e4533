package agentauth.http;

import agentauth.error.AuthError;
import agentauth.store.AgentPolicy;
import agentauth.user.Account;
import agentauth.user.PolicyPatch;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An agent's policy in the admin API (contract C): read from a create or patch body, where a
 * field set to null goes back to the server's default and an absent one stays; written into a
 * user. Types are checked here (400 naming the field); ranges by {@code user.PolicyRules}.
 */
final class PolicyJson {
    private PolicyJson() {}

    static PolicyPatch patch(Body body) {
        return new PolicyPatch(seconds(body, "access_ttl"), seconds(body, "refresh_ttl"), resources(body),
            time(body, "expires_at"), text(body, "owner"), text(body, "description"), quota(body));
    }

    /** The policy fields of a user, and its last use. */
    static void put(Map<String, Object> m, Account u) {
        AgentPolicy p = u.policy();
        m.put("access_ttl", p.accessTtl() == null ? null : p.accessTtl().getSeconds());
        m.put("refresh_ttl", p.refreshTtl() == null ? null : p.refreshTtl().getSeconds());
        m.put("resources", p.resources());
        m.put("expires_at", AdminJson.time(p.expiresAt()));
        m.put("owner", p.owner());
        m.put("description", p.description());
        m.put("token_quota", quota(p.quota()));
        m.put("last_used_at", AdminJson.time(u.lastUsedAt()));
    }

    private static Map<String, Object> quota(AgentPolicy.Quota q) {
        if (q == null) return null;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("per_hour", q.perHour());
        m.put("per_day", q.perDay());
        m.put("enforce", q.enforce());
        return m;
    }

    private static Optional<Duration> seconds(Body body, String field) {
        JsonNode v = body.node(field);
        if (v == null) return null;
        if (v.isNull()) return Optional.empty();
        if (!v.isIntegralNumber() || !v.canConvertToLong())
            throw new AuthError.InvalidRequest(field + " must be a whole number of seconds, or null for the server's default.");
        return Optional.of(Duration.ofSeconds(v.longValue()));
    }

    private static Optional<Instant> time(Body body, String field) {
        JsonNode v = body.node(field);
        if (v == null) return null;
        if (v.isNull()) return Optional.empty();
        try {
            if (v.isTextual()) return Optional.of(Instant.parse(v.textValue()));
        } catch (DateTimeParseException e) {
            // answered below
        }
        throw new AuthError.InvalidRequest(field + " must be an ISO-8601 UTC time such as 2027-01-31T17:00:00Z, or null.");
    }

    private static Optional<String> text(Body body, String field) {
        JsonNode v = body.node(field);
        if (v == null) return null;
        if (v.isNull()) return Optional.empty();
        if (!v.isTextual()) throw new AuthError.InvalidRequest(field + " must be a string, or null.");
        return Optional.of(v.textValue());
    }

    private static Optional<List<String>> resources(Body body) {
        JsonNode v = body.node("resources");
        if (v == null) return null;
        if (v.isNull()) return Optional.empty();
        List<String> out = new ArrayList<>();
        if (v.isArray()) for (JsonNode item : v) out.add(item.isTextual() ? item.textValue() : null);
        if (!v.isArray() || out.contains(null))
            throw new AuthError.InvalidRequest("resources must be an array of URLs, or null for every resource the server serves.");
        return Optional.of(out);
    }

    private static Optional<AgentPolicy.Quota> quota(Body body) {
        JsonNode v = body.node("token_quota");
        if (v == null) return null;
        if (v.isNull()) return Optional.empty();
        if (!v.isObject()) throw new AuthError.InvalidRequest("token_quota must be an object {per_hour, per_day, enforce}, or null.");
        JsonNode enforce = v.get("enforce");
        if (enforce != null && !enforce.isNull() && !enforce.isBoolean())
            throw new AuthError.InvalidRequest("token_quota enforce must be true or false.");
        return Optional.of(new AgentPolicy.Quota(count(v, "per_hour"), count(v, "per_day"),
            enforce == null || enforce.isNull() || enforce.booleanValue()));
    }

    private static Integer count(JsonNode quota, String field) {
        JsonNode n = quota.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isIntegralNumber() || !n.canConvertToInt())
            throw new AuthError.InvalidRequest("token_quota " + field + " must be a whole number, or null.");
        return n.intValue();
    }
}
