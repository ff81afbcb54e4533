package agentauth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import agentauth.support.Http;
import java.nio.charset.StandardCharsets;

/** The admin API as a test calls it: real HTTP with one admin's bearer token. */
final class AdminApi {
    final Http http;
    final String token;

    AdminApi(Http http, String token) {
        this.http = http;
        this.token = token;
    }

    /** Logs in as {@code name} and keeps the access token. */
    static AdminApi login(Http http, String name, String password) {
        Http.Response r = http.login(name, password);
        assertEquals(200, r.status(), r.body());
        return new AdminApi(http, r.text("access_token"));
    }

    Http.Response get(String path) {
        return http.get(path, "Authorization", Http.bearer(token));
    }

    Http.Response post(String path, String json) {
        return http.postJson(path, json, "Authorization", Http.bearer(token));
    }

    /** A POST without a body (revoke, rotate, unthrottle). */
    Http.Response post(String path) {
        return http.send("POST", path, null, null, "Authorization", Http.bearer(token));
    }

    Http.Response patch(String path, String json) {
        return http.send("PATCH", path, "application/json", json.getBytes(StandardCharsets.UTF_8),
            "Authorization", Http.bearer(token));
    }

    Http.Response delete(String path) {
        return http.send("DELETE", path, null, null, "Authorization", Http.bearer(token));
    }
}
