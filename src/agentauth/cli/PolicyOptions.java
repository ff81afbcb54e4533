package agentauth.cli;

import agentauth.ConfigException;
import agentauth.Flags;
import agentauth.store.AgentPolicy;
import agentauth.user.PolicyPatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * The {@code users add|update} options that set an agent's policy (contract C). {@code default}
 * (or {@code never}, {@code none}, an empty text) puts a field back to the server's default.
 */
final class PolicyOptions {
    static final List<Flags.Flag> FLAGS = List.of(Flags.Flag.option("access-ttl", false), Flags.Flag.option("refresh-ttl", false),
        Flags.Flag.option("resource", true), Flags.Flag.option("expires-at", false), Flags.Flag.option("owner", false),
        Flags.Flag.option("description", false), Flags.Flag.option("quota-per-hour", false),
        Flags.Flag.option("quota-per-day", false), Flags.Flag.option("quota-enforce", false));

    static final String USAGE = "[--access-ttl D] [--refresh-ttl D] [--resource URL]... [--expires-at TIME|D|never]"
        + " [--owner TEXT] [--description TEXT] [--quota-per-hour N] [--quota-per-day N] [--quota-enforce true|false]";

    private PolicyOptions() {}

    /** The options' change to {@code old} (the agent's policy now; none for a new one). */
    static PolicyPatch patch(Flags.Parsed p, AgentPolicy old, Clock clock) {
        return new PolicyPatch(ttl(p, "access-ttl"), ttl(p, "refresh-ttl"), resources(p), expiresAt(p, clock),
            text(p, "owner"), text(p, "description"), quota(p, old.quota()));
    }

    private static String one(Flags.Parsed p, String name) {
        List<String> v = p.all(name);
        return v.isEmpty() ? null : v.get(0);
    }

    private static boolean reset(String v) {
        return v.equals("default") || v.equals("never") || v.equals("none");
    }

    private static Optional<Duration> ttl(Flags.Parsed p, String name) {
        String v = one(p, name);
        if (v == null) return null;
        return reset(v) ? Optional.empty() : Optional.of(duration(name, v));
    }

    private static Duration duration(String name, String v) {
        try {
            return agentauth.Config.parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--" + name + ": " + e.getMessage());
        }
    }

    private static Optional<List<String>> resources(Flags.Parsed p) {
        List<String> v = p.all("resource");
        if (v.isEmpty()) return null;
        return v.size() == 1 && reset(v.get(0)) ? Optional.empty() : Optional.of(v);
    }

    /** An ISO-8601 time, or a duration from now (30d), or never. */
    private static Optional<Instant> expiresAt(Flags.Parsed p, Clock clock) {
        String v = one(p, "expires-at");
        if (v == null) return null;
        if (reset(v)) return Optional.empty();
        try {
            return Optional.of(Instant.parse(v));
        } catch (DateTimeParseException e) {
            return Optional.of(clock.instant().plus(duration("expires-at", v)));
        }
    }

    private static Optional<String> text(Flags.Parsed p, String name) {
        String v = one(p, name);
        return v == null ? null : Optional.of(v); // blank clears it (the rules read blank as none)
    }

    /** The quota options merge into the agent's quota; both limits none: no quota. */
    private static Optional<AgentPolicy.Quota> quota(Flags.Parsed p, AgentPolicy.Quota old) {
        String hour = one(p, "quota-per-hour"), day = one(p, "quota-per-day"), enforce = one(p, "quota-enforce");
        if (hour == null && day == null && enforce == null) return null;
        Integer perHour = hour == null ? old == null ? null : old.perHour() : count("quota-per-hour", hour);
        Integer perDay = day == null ? old == null ? null : old.perDay() : count("quota-per-day", day);
        boolean enforced = enforce == null ? old == null || old.enforce() : bool(enforce);
        return perHour == null && perDay == null ? Optional.empty() : Optional.of(new AgentPolicy.Quota(perHour, perDay, enforced));
    }

    private static Integer count(String name, String v) {
        if (reset(v)) return null;
        try {
            return Integer.valueOf(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException("--" + name + " must be a whole number or none, got '" + v + "'");
        }
    }

    private static boolean bool(String v) {
        if (v.equals("true") || v.equals("false")) return Boolean.parseBoolean(v);
        throw new ConfigException("--quota-enforce must be true or false, got '" + v + "'");
    }
}
