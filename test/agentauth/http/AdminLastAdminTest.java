package agentauth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The last enabled admin cannot be disabled, lose admin, or be deleted; with a second one it can. */
class AdminLastAdminTest {
    static void assertConflict(Http.Response r) {
        assertEquals(409, r.status(), r.body());
        assertEquals("conflict", r.error());
    }

    @Test
    void the_last_enabled_admin_cannot_be_disabled_demoted_or_deleted() {
        try (TestServer server = TestServer.start()) {
            Http http = new Http(server.url());
            AdminApi admin = AdminApi.login(http, "admin", TestServer.ADMIN_PASSWORD);
            assertConflict(admin.patch("/admin/api/users/admin", "{\"enabled\":false}"));
            assertConflict(admin.patch("/admin/api/users/admin", "{\"scopes\":[\"read\"]}"));
            assertConflict(admin.patch("/admin/api/users/admin", "{\"scopes\":[]}"));
            assertConflict(admin.delete("/admin/api/users/admin"));
            // a disabled admin does not count: the enabled one is still the last
            server.createUser("sleeping-admin", "sleeping-admin-secret", "admin");
            assertEquals(200, admin.patch("/admin/api/users/sleeping-admin", "{\"enabled\":false}").status());
            assertConflict(admin.delete("/admin/api/users/admin"));
            // nothing changed, and the refused calls left the admin's own token working
            Http.Response me = admin.get("/admin/api/users/admin");
            assertEquals(200, me.status());
            assertTrue(me.json().get("enabled").asBoolean());
            assertEquals("[\"admin\"]", me.json().get("scopes").toString());
        }
    }

    @Test
    void with_another_enabled_admin_each_change_is_allowed() {
        try (TestServer server = TestServer.start()) {
            Http http = new Http(server.url());
            AdminApi admin = AdminApi.login(http, "admin", TestServer.ADMIN_PASSWORD);
            for (String change : List.of("{\"enabled\":false}", "{\"scopes\":[\"read\"]}")) {
                server.createUser("second", "second-admin-secret", "admin");
                AdminApi second = AdminApi.login(http, "second", "second-admin-secret");
                assertEquals(200, admin.patch("/admin/api/users/second", change).status(), change);
                assertEquals(401, second.get("/admin/api/users").status(), "no longer an admin: " + change);
                assertEquals(204, admin.delete("/admin/api/users/second").status());
            }
            server.createUser("second", "second-admin-secret", "admin");
            AdminApi second = AdminApi.login(http, "second", "second-admin-secret");
            assertEquals(204, second.delete("/admin/api/users/admin").status(), "an admin may delete another");
            assertConflict(second.delete("/admin/api/users/second"));
        }
    }
}
