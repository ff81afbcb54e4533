package agentauth.user;

import agentauth.store.AgentPolicy;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** How a policy change reads in the audit log, and which changes must kill live tokens. */
final class PolicyAudit {
    private PolicyAudit() {}

    /** The fields that changed, as "name=value" (a description only as "description changed": it may be long). */
    static List<String> changes(AgentPolicy old, AgentPolicy now) {
        List<String> parts = new ArrayList<>();
        if (!Objects.equals(old.accessTtl(), now.accessTtl())) parts.add("access_ttl=" + seconds(now.accessTtl()));
        if (!Objects.equals(old.refreshTtl(), now.refreshTtl())) parts.add("refresh_ttl=" + seconds(now.refreshTtl()));
        if (!Objects.equals(old.resources(), now.resources()))
            parts.add("resources=" + (now.resources() == null ? "default" : String.join(" ", now.resources())));
        if (!Objects.equals(old.expiresAt(), now.expiresAt()))
            parts.add("expires_at=" + (now.expiresAt() == null ? "never" : DateTimeFormatter.ISO_INSTANT.format(now.expiresAt())));
        if (!Objects.equals(old.owner(), now.owner())) parts.add("owner=" + (now.owner() == null ? "none" : now.owner()));
        if (!Objects.equals(old.description(), now.description())) parts.add("description changed");
        if (!Objects.equals(old.quota(), now.quota())) parts.add("token_quota=" + quota(now.quota()));
        return parts;
    }

    /**
     * Contract B: narrowing the resources kills the agent's live tokens (a default list allows
     * every resource the server serves, so any list is narrower than none).
     */
    static boolean resourcesNarrowed(AgentPolicy old, AgentPolicy now) {
        if (now.resources() == null) return false;
        return old.resources() == null || !now.resources().containsAll(old.resources());
    }

    private static String seconds(java.time.Duration d) {
        return d == null ? "default" : d.getSeconds() + "s";
    }

    private static String quota(AgentPolicy.Quota q) {
        if (q == null) return "none";
        return (q.perHour() == null ? "-" : q.perHour()) + "/h " + (q.perDay() == null ? "-" : q.perDay()) + "/d"
            + (q.enforce() ? "" : " (not enforced)");
    }
}
