package agentauth.client;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One version of the issuer's revocation list ({@code GET /revocations}, agent-auth's kill
 * switch): {@code subjects} maps a user's {@code uid} to the lowest credential generation
 * still alive, {@code families} lists sessions ended for cause, {@code kids} revoked signing
 * keys. Immutable and thread-safe.
 *
 * @param version grows with every change; an older document never replaces a newer one
 * @param etag the ETag it came with, for the next conditional request, or null
 * @param maxAgeSeconds the document's {@code max_age}, or null
 */
record RevocationDocument(long version, String etag, Long maxAgeSeconds, Map<String, Long> subjects,
        Set<String> families, Set<String> kids) {

    /** Before the first fetch: kills nothing. */
    static final RevocationDocument EMPTY = new RevocationDocument(-1, null, null, Map.of(), Set.of(), Set.of());

    /** An actor of the token's {@code act} chain (RFC 8693 §4.1), by its uid and generation. */
    record Actor(String uid, Long gen) {
    }

    /** @throws AuthProtocolException the document does not have the documented shape */
    static RevocationDocument parse(Map<String, Object> json, String etag, String where) {
        if (!(json.get("version") instanceof Long version) || version < 0) {
            throw malformed(where, "version");
        }
        Map<String, Long> subjects = new HashMap<>();
        Map<String, Object> s = JsonReader.asObject(json.getOrDefault("subjects", Map.of()));
        if (s == null) {
            throw malformed(where, "subjects");
        }
        for (Map.Entry<String, Object> e : s.entrySet()) {
            if (!(e.getValue() instanceof Long gen) || gen < 0) {
                throw malformed(where, "subjects");
            }
            subjects.put(e.getKey(), gen);
        }
        Long maxAge = json.get("max_age") instanceof Long m ? m : null;
        return new RevocationDocument(version, etag, maxAge, Map.copyOf(subjects),
                strings(json.get("families"), where, "families"), strings(json.get("kids"), where, "kids"));
    }

    /**
     * Why this list kills the token, or null if it does not. The rule compares generations and
     * ids, never times (CONTRACT Round 2 B), so a token minted just after a change lives.
     */
    String killed(TokenClaims claims, String kid, List<Actor> actors) {
        if (kids.contains(kid)) {
            return "the token's signing key was revoked";
        }
        if (claims.sid() != null && families.contains(claims.sid())) {
            return "the token's session was ended";
        }
        if (claims.uid() != null && claims.gen() != null && below(claims.uid(), claims.gen())) {
            return "the token predates a change to its user (disabled, new secret, revoked or killed)";
        }
        for (Actor actor : actors) {
            if (actor.uid() == null || actor.gen() == null) {
                return "the token's act claim names an actor without uid and gen, which the revocation list cannot check";
            }
            if (below(actor.uid(), actor.gen())) {
                return "the token's actor was disabled, revoked or killed";
            }
        }
        return null;
    }

    private boolean below(String uid, long gen) {
        Long lowestLive = subjects.get(uid);
        return lowestLive != null && gen < lowestLive;
    }

    private static Set<String> strings(Object value, String where, String member) {
        if (value == null) {
            return Set.of();
        }
        if (!(value instanceof List<?> list)) {
            throw malformed(where, member);
        }
        Set<String> set = new HashSet<>();
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw malformed(where, member);
            }
            set.add(s);
        }
        return Set.copyOf(set);
    }

    private static AuthProtocolException malformed(String where, String member) {
        return new AuthProtocolException("the revocation list at " + where + " has no valid " + member, 200);
    }
}
