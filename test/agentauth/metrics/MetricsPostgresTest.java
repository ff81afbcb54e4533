package agentauth.metrics;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.TestServer;
import org.junit.jupiter.api.Test;

/** On PostgreSQL the scrape adds the connection pool's use (skipped without PostgreSQL, except under CI=true). */
class MetricsPostgresTest {
    @Test
    void the_pool_gauges_report_connections_in_use_idle_and_waited_for() {
        try (TestServer server = TestServer.startOn(Backend.POSTGRES, "--metrics-port", "0")) {
            new Http(server.url()).login("admin", TestServer.ADMIN_PASSWORD);
            Exposition e = new Scraper(server.app().metricsPort()).scrape();
            Double active = e.value("agentauth_db_pool_active"), idle = e.value("agentauth_db_pool_idle");
            assertNotNull(active, "agentauth_db_pool_active");
            assertNotNull(idle, "agentauth_db_pool_idle");
            assertNotNull(e.value("agentauth_db_pool_pending"));
            assertTrue(active + idle >= 1, "the pool holds a connection after a login: " + active + " + " + idle);
        }
    }
}
