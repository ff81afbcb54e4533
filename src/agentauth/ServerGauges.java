package agentauth;

import agentauth.http.Api;
import agentauth.metrics.Gauge;
import agentauth.metrics.ServerMetrics;
import agentauth.store.Database;
import agentauth.store.postgres.PostgresDatabase;
import agentauth.token.SigningKeys;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The gauges read from the server's state at each scrape: keys, the revocation list, the pool. */
final class ServerGauges {
    private static final List<String> KEY_STATES = List.of("next", "current", "retiring", "revoked");

    private ServerGauges() {}

    static void register(ServerMetrics metrics, Api api, Database db, Clock clock) {
        metrics.gauge(new Gauge("agentauth_signing_keys", "Signing keys by state: next, current, retiring, revoked.",
            List.of("state"), () -> {
                Map<List<String>, Double> counts = new LinkedHashMap<>();
                for (String s : KEY_STATES) counts.put(List.of(s), 0.0);
                for (SigningKeys.View k : api.keyRotation().list())
                    counts.computeIfPresent(List.of(k.state()), (s, n) -> n + 1); // "gone" keys wait to be deleted
                return counts;
            }));
        metrics.gauge(Gauge.of("agentauth_signing_key_age_seconds", "Seconds since the current signing key began to sign.",
            () -> api.keyRotation().list().stream().filter(k -> k.state().equals("current")).findFirst()
                .map(k -> (double) Duration.between(k.activatesAt(), clock.instant()).toSeconds()).orElse(Double.NaN)));
        metrics.gauge(Gauge.of("agentauth_revocation_list_entries",
            "Entries of the revocation list this instance serves: subjects, sessions and kids.", () -> {
                var list = api.revocations().current().list();
                return list.subjects().size() + list.families().size() + list.kids().size();
            }));
        if (db instanceof PostgresDatabase pg) {
            metrics.gauge(Gauge.of("agentauth_db_pool_active", "Database connections in use.", () -> pg.poolUse()[0]));
            metrics.gauge(Gauge.of("agentauth_db_pool_idle", "Database connections open and idle.", () -> pg.poolUse()[1]));
            metrics.gauge(Gauge.of("agentauth_db_pool_pending", "Callers waiting for a database connection.", () -> pg.poolUse()[2]));
        }
        metrics.withJvm();
    }
}
