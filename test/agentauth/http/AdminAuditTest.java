package agentauth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /admin/api/audit: newest first, paged by a cursor, filtered by user and type. */
class AdminAuditTest {
    @AutoClose
    static final TestServer server = TestServer.start();
    static final Http http = new Http(server.url());
    static AdminApi admin;

    @BeforeAll
    static void signInAsAdmin() {
        admin = AdminApi.login(http, "admin", TestServer.ADMIN_PASSWORD);
    }

    /** Writes {@code n} cheap events about {@code name} (an unthrottle each). */
    static void events(String name, int n) {
        for (int i = 0; i < n; i++) assertEquals(204, admin.post("/admin/api/users/" + name + "/unthrottle").status());
    }

    /** Follows the cursor from the first page to the last; returns the event ids in order. */
    static List<Long> allPages(String query, int expectedPageSize) {
        List<Long> ids = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            Http.Response r = admin.get("/admin/api/audit?" + query + (next == null ? "" : "&before=" + next));
            assertEquals(200, r.status(), r.body());
            JsonNode page = r.json();
            next = page.get("next").isNull() ? null : page.get("next").asText();
            if (next != null) assertEquals(expectedPageSize, page.get("events").size(), "full pages until the last");
            for (JsonNode e : page.get("events")) ids.add(e.get("id").asLong());
            assertTrue(++pages < 1000, "the cursor must end");
        } while (next != null);
        return ids;
    }

    static List<Long> onePage(String query) {
        List<Long> ids = new ArrayList<>();
        JsonNode page = admin.get("/admin/api/audit?" + query).json();
        assertTrue(page.get("next").isNull());
        for (JsonNode e : page.get("events")) ids.add(e.get("id").asLong());
        return ids;
    }

    static void assertNewestFirstAndUnique(List<Long> ids) {
        for (int i = 1; i < ids.size(); i++) assertTrue(ids.get(i) < ids.get(i - 1), "newest first, once each: " + ids);
    }

    @Test
    void paging_returns_every_event_once_newest_first() {
        events("paged-user", 7);
        List<Long> paged = allPages("user=paged-user&limit=3", 3);
        assertEquals(7, paged.size());
        assertNewestFirstAndUnique(paged);
        assertEquals(onePage("user=paged-user&limit=500"), paged);

        List<Long> everything = allPages("limit=4", 4);
        assertNewestFirstAndUnique(everything);
        assertEquals(onePage("limit=500"), everything);
        assertTrue(everything.containsAll(paged));
    }

    @Test
    void events_written_while_paging_neither_repeat_nor_shift_the_pages() {
        events("moving-target", 4);
        JsonNode first = admin.get("/admin/api/audit?user=moving-target&limit=2").json();
        events("moving-target", 3); // newer than the first page: not in the rest
        JsonNode second = admin.get("/admin/api/audit?user=moving-target&limit=2&before=" + first.get("next").asText()).json();
        assertEquals(2, second.get("events").size());
        assertTrue(second.get("next").isNull(), "the four older events were two pages");
        assertTrue(second.get("events").get(0).get("id").asLong() < first.get("events").get(1).get("id").asLong());
    }

    @Test
    void an_event_has_the_contract_fields() {
        events("Shaped-Event", 1);
        JsonNode e = admin.get("/admin/api/audit?user=shaped-event&limit=1").json().get("events").get(0);
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) names.add(it.next());
        assertEquals(List.of("id", "time", "type", "user", "actor", "address", "detail", "instance"), names);
        assertTrue(e.get("time").asText().matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z"), e.toString());
        assertEquals("user_updated", e.get("type").asText());
        assertEquals("Shaped-Event", e.get("user").asText());
        assertEquals("admin", e.get("actor").asText());
        assertEquals("127.0.0.1", e.get("address").asText());
        assertEquals("throttle cleared", e.get("detail").asText());
    }

    @Test
    void filters_by_type_and_user() {
        assertEquals(201, admin.post("/admin/api/users", Http.json("username", "filtered", "password",
            "filtered-secret-1")).status());
        events("filtered", 2);
        JsonNode created = admin.get("/admin/api/audit?user=filtered&type=user_created").json().get("events");
        assertEquals(1, created.size());
        assertEquals("user_created", created.get(0).get("type").asText());
        assertEquals(3, admin.get("/admin/api/audit?user=filtered").json().get("events").size());
        for (JsonNode e : admin.get("/admin/api/audit?type=startup").json().get("events"))
            assertEquals("startup", e.get("type").asText());
        assertEquals(0, admin.get("/admin/api/audit?user=no-such-user").json().get("events").size());
    }

    @Test
    void the_default_page_is_50_events_and_500_is_the_most() {
        events("many-events", 55);
        JsonNode page = admin.get("/admin/api/audit").json();
        assertEquals(50, page.get("events").size());
        assertNotNull(page.get("next").asText());
        assertEquals(200, admin.get("/admin/api/audit?limit=500").status());
    }

    @Test
    void bad_parameters_are_400() {
        for (String q : List.of("limit=0", "limit=501", "limit=-1", "limit=abc", "limit=1.5", "before=abc", "before=0",
            "before=-5", "type=nope", "type=LOGIN", "limit=1&limit=2")) {
            Http.Response r = admin.get("/admin/api/audit?" + q);
            assertEquals(400, r.status(), q);
            assertEquals("invalid_request", r.error(), q);
        }
    }
}
