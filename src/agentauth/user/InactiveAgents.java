package agentauth.user;

import agentauth.store.AuditLog;
import agentauth.store.Database;
import agentauth.store.RevocationStore;
import agentauth.store.SessionStore;
import agentauth.store.User;
import agentauth.store.UserStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --disable-inactive-after} (contract C): disables agents that were issued no token for
 * that long (never used: counted from their creation; an admin's change to the agent, such as
 * enabling it again, starts the period anew), as a disable by an admin would (sessions
 * ended, live tokens killed), audited {@code user_inactive_disabled} by {@code system}. Holders
 * of {@code admin} are exempt: locking every admin out of an idle server would need the CLI to
 * undo. Runs on one instance at a time.
 */
public final class InactiveAgents {
    private final Database db;
    private final UserStore users;
    private final SessionStore families;
    private final AuditLog audit;
    private final RevocationStore revocations;
    private final Clock clock;

    public InactiveAgents(Database db, UserStore users, SessionStore families, AuditLog audit, RevocationStore revocations,
                          Clock clock) {
        this.db = db;
        this.users = users;
        this.families = families;
        this.audit = audit;
        this.revocations = revocations;
        this.clock = clock;
    }

    /** Disables the agents unused for {@code after}; returns their names (none when another instance holds the job). */
    public List<String> disable(Duration after) {
        Instant now = clock.instant(), cutoff = now.minus(after);
        return db.write(c -> {
            List<String> disabled = new ArrayList<>();
            if (!db.tryLockAcrossInstances(c, "inactive")) return disabled;
            for (User u : users.unusedSince(c, cutoff)) {
                if (u.hasScope(ServerScopes.ADMIN)) continue;
                disable(c, u, u.lastUsedAt() != null ? u.lastUsedAt() : u.createdAt(), after, now);
                disabled.add(u.username());
            }
            return disabled;
        });
    }

    private void disable(Connection c, User u, Instant lastUse, Duration after, Instant now) throws SQLException {
        User off = u.disabled(now);
        users.update(c, off);
        int ended = families.revokeAllForUser(c, u.id(), now);
        revocations.subject(c, u.uid(), off.gen(), now);
        audit.record(c, now, "user_inactive_disabled", u.username(), "system", null, "no token issued since "
            + java.time.format.DateTimeFormatter.ISO_INSTANT.format(lastUse.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
            + " (--disable-inactive-after " + after.getSeconds() + "s); sessions ended: " + ended);
    }
}
