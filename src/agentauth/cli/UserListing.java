package agentauth.cli;

import agentauth.store.AgentPolicy;
import agentauth.user.Account;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;

/** How {@code users list} and {@code users show} print users: never a secret. */
final class UserListing {
    private UserListing() {}

    static void list(List<Account> users, PrintStream out) {
        String row = "%-32s %-8s %-20s %-20s %-20s %-24s %s%n";
        out.printf(row, "NAME", "ENABLED", "LAST LOGIN", "LAST USED", "EXPIRES", "OWNER", "SCOPES");
        for (Account u : users)
            out.printf(row, u.username(), u.enabled(), time(u.lastLoginAt()), time(u.lastUsedAt()), time(u.policy().expiresAt()),
                or(u.policy().owner()), String.join(" ", u.scopes()));
    }

    static void show(Account u, PrintStream out) {
        AgentPolicy p = u.policy();
        line(out, "name", u.username());
        line(out, "enabled", String.valueOf(u.enabled()));
        line(out, "scopes", String.join(" ", u.scopes()));
        line(out, "owner", or(p.owner()));
        line(out, "description", or(p.description()));
        line(out, "created", time(u.createdAt()));
        line(out, "last login", time(u.lastLoginAt()));
        line(out, "last used", time(u.lastUsedAt()));
        line(out, "expires at", p.expiresAt() == null ? "never" : time(p.expiresAt()));
        line(out, "access ttl", p.accessTtl() == null ? "server default" : p.accessTtl().getSeconds() + "s");
        line(out, "refresh ttl", p.refreshTtl() == null ? "server default" : p.refreshTtl().getSeconds() + "s");
        line(out, "resources", p.resources() == null ? "server default" : String.join(" ", p.resources()));
        AgentPolicy.Quota q = p.quota();
        line(out, "token quota", q == null ? "none" : (q.perHour() == null ? "-" : q.perHour()) + "/hour, "
            + (q.perDay() == null ? "-" : q.perDay()) + "/day, " + (q.enforce() ? "enforced" : "audited only"));
    }

    private static void line(PrintStream out, String name, String value) {
        out.printf("%-12s %s%n", name + ":", value.replace('\n', ' '));
    }

    private static String time(Instant t) {
        return t == null ? "-" : t.toString().substring(0, 19) + "Z";
    }

    private static String or(String s) {
        return s == null ? "-" : s.replace('\n', ' ');
    }
}
