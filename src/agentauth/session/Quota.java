package agentauth.session;

import agentauth.error.AuthError;
import agentauth.store.AgentPolicy;
import agentauth.store.AuditLog;
import agentauth.store.IssuanceStore;
import agentauth.user.Account;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * An agent's token quota (contract C): the access tokens issued to it in a rolling hour and day
 * (to the minute), counted in the database inside the transaction that issues, so every instance counts the same
 * tokens. Over an enforced quota the issuing transaction fails with 429 and rolls back whole:
 * nothing is consumed (no session started, no refresh token used). Unenforced, the token is
 * served and the overrun audited once a window. Concurrent requests on several instances may
 * overshoot by what they issue in the same moment (contract A).
 */
final class Quota {
    private final IssuanceStore issuances;
    private final AuditLog audit;

    Quota(IssuanceStore issuances, AuditLog audit) {
        this.issuances = issuances;
        this.audit = audit;
    }

    /** Counts one issuance to {@code user}, or throws 429 when its enforced quota is used up. */
    void take(Connection c, Account user, Instant now, String address) throws SQLException {
        AgentPolicy.Quota q = user.policy().quota();
        if (q == null) return;
        IssuanceStore.Counts n = issuances.counts(c, user.id(), now);
        boolean overHour = q.perHour() != null && n.lastHour() >= q.perHour();
        boolean overDay = q.perDay() != null && n.lastDay() >= q.perDay();
        if (overHour || overDay) {
            if (q.enforce()) throw new AuthError.TooManyRequests(retryAfter(n, overDay, overHour, now),
                "This agent's token quota is used up; try again later.");
            Duration window = overDay ? IssuanceStore.DAY : IssuanceStore.HOUR;
            Instant last = issuances.auditedAt(c, user.id());
            if (last == null || !last.isAfter(now.minus(window))) {
                issuances.markAudited(c, user.id(), now);
                audit.record(c, now, "quota_exceeded", user.username(), null, address, (overDay
                    ? "more than " + q.perDay() + " access tokens in a day" : "more than " + q.perHour() + " access tokens in an hour")
                    + "; served (quota not enforced)");
            }
        }
        issuances.record(c, user.id(), now);
    }

    /** Seconds until the oldest minute of each exceeded window leaves it: then a token may be issued again. */
    private static long retryAfter(IssuanceStore.Counts n, boolean overDay, boolean overHour, Instant now) {
        Instant free = now;
        if (overHour && n.hourFrees() != null && n.hourFrees().isAfter(free)) free = n.hourFrees();
        if (overDay && n.dayFrees() != null && n.dayFrees().isAfter(free)) free = n.dayFrees();
        return Math.max(1, (Duration.between(now, free).toMillis() + 999) / 1000);
    }
}
