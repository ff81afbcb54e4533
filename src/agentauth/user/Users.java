package agentauth.user;

import agentauth.error.AuthError;
import agentauth.store.AgentPolicy;
import agentauth.store.AuditLog;
import agentauth.store.Database;
import agentauth.store.RevocationStore;
import agentauth.store.SessionStore;
import agentauth.store.User;
import agentauth.store.UserStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Managing users: the one code path for the admin API and the command line, so both get the
 * same validation, the same last-admin guard, the same family revocation and the same audit.
 * Every change happens in one transaction with its audit event and the families it ends.
 */
public final class Users {
    /** A partial update; null fields stay as they are. */
    public record Patch(String password, List<String> scopes, Boolean enabled, PolicyPatch policy) {
        public Patch(String password, List<String> scopes, Boolean enabled) {
            this(password, scopes, enabled, PolicyPatch.NONE);
        }

        /** True when the patch changes nothing. */
        public boolean isEmpty() {
            return password == null && scopes == null && enabled == null && (policy == null || policy.isEmpty());
        }
    }

    /** Who asks for a change, for the audit log: an admin's name or "cli", and the client address. */
    public record Actor(String name, String address) {
        public static final Actor CLI = new Actor("cli", null);
    }

    private final Database db;
    private final UserStore store;
    private final SessionStore families;
    private final AuditLog audit;
    private final RevocationStore revocations;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final agentauth.metrics.Events events;
    private final PolicyRules rules;

    /**
     * @param rules  what an agent's policy may say on this server
     * @param events told of every kill, once it committed
     */
    public Users(Database db, UserStore store, SessionStore families, AuditLog audit, RevocationStore revocations,
                 PasswordHasher hasher, PolicyRules rules, Clock clock, agentauth.metrics.Events events) {
        this.rules = rules;
        this.events = events;
        this.db = db;
        this.store = store;
        this.families = families;
        this.audit = audit;
        this.revocations = revocations;
        this.hasher = hasher;
        this.clock = clock;
    }

    public List<Account> list() {
        return store.list().stream().map(Account::of).toList();
    }

    /** True when the database holds at least one user (first start creates the admin otherwise). */
    public boolean any() {
        return !store.isEmpty();
    }

    public Account get(String name) {
        return store.find(name).map(Account::of).orElseThrow(() -> notFound(name));
    }

    public Optional<Account> find(String name) {
        return store.find(name).map(Account::of);
    }

    /** A user with the server's default policy and no owner (the first admin, made by the server itself). */
    public Account create(String name, String password, List<String> scopes, boolean enabled, Actor actor) {
        return create(name, password, scopes, enabled, AgentPolicy.NONE, false, actor);
    }

    /** A user with its own policy (contract C): an owner is needed under {@code --require-owner}. */
    public Account create(String name, String password, List<String> scopes, boolean enabled, AgentPolicy policy, Actor actor) {
        return create(name, password, scopes, enabled, policy, true, actor);
    }

    private Account create(String name, String password, List<String> scopes, boolean enabled, AgentPolicy policy,
                           boolean ownerRequired, Actor actor) {
        Rules.username(name);
        List<String> validScopes = Rules.scopes(scopes);
        AgentPolicy validPolicy = rules.check(policy);
        if (ownerRequired) rules.ownerRequired(validPolicy);
        String hash = hasher.hash(Rules.password(password)); // hash outside the write lock: it is slow
        Instant now = clock.instant();
        return db.write(c -> {
            User u = store.insert(c, name, hash, validScopes, enabled, now)
                .orElseThrow(() -> new AuthError.Conflict("A user named '" + name + "' already exists (names ignore case)."));
            if (!validPolicy.equals(AgentPolicy.NONE)) store.updatePolicy(c, u.id(), validPolicy);
            audit.record(c, now, "user_created", u.username(), actor.name(), actor.address(),
                String.join(", ", created(validScopes, enabled, validPolicy)));
            return Account.of(store.findById(c, u.id()).orElseThrow());
        });
    }

    /**
     * Applies a patch. A new password or disabling ends every family of the user and refuses its
     * older access tokens; {@code force} lets the command line remove the last admin (recovery).
     */
    public Account update(String name, Patch patch, Actor actor, boolean force) {
        List<String> scopes = patch.scopes() == null ? null : Rules.scopes(patch.scopes());
        PolicyPatch policyPatch = patch.policy() == null ? PolicyPatch.NONE : patch.policy();
        // only the patch's own values are checked (before the slow hash): a stored value a lowered
        // maximum would refuse now must not block disabling the agent, say
        AgentPolicy patchValues = rules.check(policyPatch.applyTo(AgentPolicy.NONE));
        String hash = patch.password() == null ? null : hasher.hash(Rules.password(patch.password()));
        Instant now = clock.instant();
        return db.write(c -> {
            User old = store.find(c, name).orElseThrow(() -> notFound(name));
            AgentPolicy policy = policyPatch.merge(old.policy(), patchValues);
            if (policyPatch.owner() != null) rules.ownerRequired(policy);
            boolean newSecret = hash != null;
            boolean disabling = Boolean.FALSE.equals(patch.enabled()) && old.enabled();
            boolean credentialChange = newSecret || disabling;
            boolean narrowed = scopes != null && !scopes.containsAll(old.scopes())
                || PolicyAudit.resourcesNarrowed(old.policy(), policy)
                || policy.expired(now) && !old.policy().expired(now); // ended now: its tokens end too
            // Contract B: a generation bump kills the live access tokens, exactly and with no clock.
            long gen = old.gen() + (credentialChange || narrowed ? 1 : 0);
            User updated = new User(old.id(), old.uid(), gen, old.username(), newSecret ? hash : old.passwordHash(),
                scopes != null ? scopes : old.scopes(), patch.enabled() != null ? patch.enabled() : old.enabled(),
                old.createdAt(), now, old.lastLoginAt(), credentialChange ? now : old.credentialsChangedAt(),
                old.credentialVersion() + (credentialChange || scopes != null || patch.enabled() != null ? 1 : 0),
                policy, old.lastUsedAt(), old.dpopRequired());
            store.update(c, updated);
            if (!policy.equals(old.policy())) store.updatePolicy(c, old.id(), policy);
            guardLastAdmin(c, force);
            if (gen != old.gen()) listKilled(c, updated, now);
            int ended = credentialChange ? families.revokeAllForUser(c, old.id(), now) : 0;
            audit.record(c, now, "user_updated", old.username(), actor.name(), actor.address(),
                describe(old, updated, newSecret, ended));
            return Account.of(store.findById(c, old.id()).orElseThrow());
        });
    }

    /**
     * Whether the agent must use DPoP (contract D). Requiring it bumps the agent's generation
     * (its live access tokens die) and ends its sessions not bound to a key, so that no bearer
     * token or unbound refresh token outlives the change; bound sessions refresh on.
     */
    public Account dpopRequired(String name, boolean required, Actor actor) {
        Instant now = clock.instant();
        return db.write(c -> {
            User old = store.find(c, name).orElseThrow(() -> notFound(name));
            if (old.dpopRequired() == required) return Account.of(old);
            store.setDpopRequired(c, old.id(), required);
            int ended = 0;
            if (required) {
                store.bumpGen(c, old.id());
                listKilled(c, old.nextGen(), now);
                ended = families.revokeUnboundForUser(c, old.id(), now);
            }
            audit.record(c, now, "user_updated", old.username(), actor.name(), actor.address(),
                "dpop_required=" + required + (ended > 0 ? ", unbound sessions ended: " + ended : ""));
            return Account.of(store.find(c, name).orElseThrow());
        });
    }

    public void delete(String name, Actor actor, boolean force) {
        Instant now = clock.instant();
        db.write(c -> {
            User u = store.find(c, name).orElseThrow(() -> notFound(name));
            store.delete(c, u.id()); // families and tokens go with it (ON DELETE CASCADE)
            guardLastAdmin(c, force);
            listKilled(c, u.nextGen(), now); // offline verifiers refuse its tokens as soon as they poll
            audit.record(c, now, "user_deleted", u.username(), actor.name(), actor.address(), null);
            return null;
        });
    }

    /** Ends every refresh family of the user; returns how many were live. */
    public int revokeSessions(String name, Actor actor) {
        Instant now = clock.instant();
        return db.write(c -> {
            User u = store.find(c, name).orElseThrow(() -> notFound(name));
            int n = families.revokeAllForUser(c, u.id(), now);
            store.bumpGen(c, u.id()); // its access tokens too, client_credentials ones included
            listKilled(c, u.nextGen(), now);
            audit.record(c, now, "revoke", u.username(), actor.name(), actor.address(), "sessions ended: " + n);
            return n;
        });
    }

    /**
     * The kill switch (contract B): disables the user, ends every session and kills every access
     * token it holds, offline verifiers included, in one transaction. Returns the sessions ended.
     */
    public int kill(String name, Actor actor) {
        Instant now = clock.instant();
        return db.write(c -> {
            User u = store.find(c, name).orElseThrow(() -> notFound(name));
            User killed = u.disabled(now);
            store.update(c, killed);
            guardLastAdmin(c, false);
            int n = families.revokeAllForUser(c, u.id(), now);
            listKilled(c, killed, now);
            audit.record(c, now, "user_killed", u.username(), actor.name(), actor.address(),
                "disabled, sessions ended: " + n + ", access tokens revoked");
            db.afterCommit(events::userKilled);
            return n;
        });
    }

    /** Every access token of {@code u} below its (new) generation dies at offline verifiers too. */
    private void listKilled(Connection c, User u, Instant now) throws SQLException {
        revocations.subject(c, u.uid(), u.gen(), now);
    }

    /**
     * Audits an admin's clearing of a name's throttle (the throttle keeps no log of its own). The
     * name need not be a user's: the throttle counts names, not users.
     */
    public void throttleCleared(String name, Actor actor) {
        Rules.username(name);
        Instant now = clock.instant();
        db.write(c -> {
            String user = store.find(c, name).map(User::username).orElse(name);
            audit.record(c, now, "user_updated", user, actor.name(), actor.address(), "throttle cleared");
            return null;
        });
    }

    private void guardLastAdmin(Connection c, boolean force) throws SQLException {
        if (!force && store.countEnabledWithScope(c, ServerScopes.ADMIN) == 0)
            throw new AuthError.Conflict("This would leave no enabled admin; create or enable another admin first.");
    }

    private static String describe(User old, User now, boolean newSecret, int ended) {
        List<String> parts = new ArrayList<>();
        if (!old.scopes().equals(now.scopes())) parts.add("scopes=" + String.join(" ", now.scopes()));
        if (old.enabled() != now.enabled()) parts.add("enabled=" + now.enabled());
        parts.addAll(PolicyAudit.changes(old.policy(), now.policy()));
        if (newSecret) parts.add("password changed");
        if (ended > 0) parts.add("sessions ended: " + ended);
        return parts.isEmpty() ? "no change" : String.join(", ", parts);
    }

    private static List<String> created(List<String> scopes, boolean enabled, AgentPolicy policy) {
        List<String> parts = new ArrayList<>(List.of("scopes=" + String.join(" ", scopes) + " enabled=" + enabled));
        parts.addAll(PolicyAudit.changes(AgentPolicy.NONE, policy));
        return parts;
    }

    private static AuthError notFound(String name) {
        return new AuthError.NotFound("There is no user named '" + name + "'.");
    }
}
