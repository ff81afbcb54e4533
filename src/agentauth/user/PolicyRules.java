package agentauth.user;

import agentauth.error.AuthError;
import agentauth.store.AgentPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What an agent's policy may say (contract C): TTLs from 60 s to the server's maximum, resources
 * the server serves, a bounded owner and description, a sensible quota. A bad value is a 400
 * {@code invalid_request} naming the field; nothing is changed.
 */
public final class PolicyRules {
    /** The least TTL an agent may be given: shorter would have it refreshing all the time. */
    public static final Duration MIN_TTL = Duration.ofSeconds(60);
    public static final int MAX_OWNER = 256, MAX_DESCRIPTION = 1024, MAX_RESOURCES = 64, MAX_QUOTA = 100_000_000;

    /**
     * The server's side: its issuer and {@code --resource}s, the TTL maxima (shared settings that
     * may change while it runs), and whether every agent needs an owner.
     */
    public record Limits(String issuer, List<String> resources, Duration maxAccessTtl, Duration maxRefreshTtl,
                         boolean requireOwner) {
        public Limits {
            resources = List.copyOf(resources);
        }

        /** The same limits with the shared settings' new values. */
        public Limits with(List<String> resources, Duration maxAccessTtl, Duration maxRefreshTtl) {
            return new Limits(issuer, resources, maxAccessTtl, maxRefreshTtl, requireOwner);
        }
    }

    private volatile Limits limits;

    public PolicyRules(Limits limits) {
        this.limits = limits;
    }

    public Limits limits() {
        return limits;
    }

    /** A shared setting changed. */
    public void limits(Limits limits) {
        this.limits = limits;
    }

    /** The policy, normalized (resources without duplicates, blank texts as none), or 400 naming the bad field. */
    public AgentPolicy check(AgentPolicy p) {
        Limits l = limits;
        ttl("access_ttl", p.accessTtl(), l.maxAccessTtl());
        ttl("refresh_ttl", p.refreshTtl(), l.maxRefreshTtl());
        quota(p.quota());
        return new AgentPolicy(p.accessTtl(), p.refreshTtl(), resources(p.resources(), l), p.expiresAt(),
            text("owner", p.owner(), MAX_OWNER, false), text("description", p.description(), MAX_DESCRIPTION, true), p.quota());
    }

    /** Under {@code --require-owner}: an agent without an owner is refused. */
    public void ownerRequired(AgentPolicy p) {
        if (limits.requireOwner() && p.owner() == null)
            throw new AuthError.InvalidRequest("owner is required on this server (--require-owner): name the person accountable.");
    }

    /** The access TTL a token of this agent gets: its own (capped by the maximum now in force) or the server's. */
    public Duration accessTtl(AgentPolicy p, Duration serverDefault) {
        return p.accessTtl() == null ? serverDefault : min(p.accessTtl(), limits.maxAccessTtl());
    }

    /** The refresh TTL a new session of this agent gets. */
    public Duration refreshTtl(AgentPolicy p, Duration serverDefault) {
        return p.refreshTtl() == null ? serverDefault : min(p.refreshTtl(), limits.maxRefreshTtl());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void ttl(String field, Duration d, Duration max) {
        if (d == null) return;
        if (d.getNano() != 0 || d.compareTo(MIN_TTL) < 0 || d.compareTo(max) > 0)
            throw new AuthError.InvalidRequest(field + " must be a whole number of seconds from " + MIN_TTL.getSeconds()
                + " to " + max.getSeconds() + " (the server's maximum), or null for the server's default.");
    }

    private static List<String> resources(List<String> given, Limits l) {
        if (given == null) return null;
        List<String> out = new ArrayList<>(new LinkedHashSet<>(given));
        if (out.size() > MAX_RESOURCES) throw new AuthError.InvalidRequest("resources may list at most " + MAX_RESOURCES + " entries.");
        for (String r : out)
            if (r == null || !(r.equals(l.issuer()) || l.resources().contains(r)))
                throw new AuthError.InvalidRequest("resources must each be this server's issuer or one of its --resource URLs.");
        return out;
    }

    private static void quota(AgentPolicy.Quota q) {
        if (q == null) return;
        if (q.perHour() == null && q.perDay() == null)
            throw new AuthError.InvalidRequest("token_quota needs per_hour or per_day (or is null for no quota).");
        for (Integer n : new Integer[] {q.perHour(), q.perDay()})
            if (n != null && (n < 1 || n > MAX_QUOTA))
                throw new AuthError.InvalidRequest("token_quota per_hour and per_day must be whole numbers from 1 to " + MAX_QUOTA + ".");
    }

    /** A text field: at most {@code max} characters, no control characters (a description may break lines); blank is none. */
    private static String text(String field, String s, int max, boolean lines) {
        if (s == null || s.isBlank()) return null;
        if (s.length() > max) throw new AuthError.InvalidRequest(field + " must be at most " + max + " characters.");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (Character.isISOControl(ch) && !(lines && (ch == '\n' || ch == '\t')))
                throw new AuthError.InvalidRequest(field + " must not contain control characters.");
        }
        return s.strip();
    }
}
