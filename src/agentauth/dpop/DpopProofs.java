package agentauth.dpop;

import agentauth.Config;
import agentauth.client.DpopProofCheck;
import agentauth.error.AuthError;
import agentauth.metrics.Events;
import agentauth.store.DpopProofStore;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;

/**
 * The server's side of DPoP (RFC 9449, contract D): checks the proofs that come to its token
 * endpoints and its own resources with {@link DpopProofCheck} (the checks the client library's
 * verifier makes), against {@code htu} = the issuer's URL and the route's path (never the Host
 * header, so it works behind a proxy), recording each accepted proof in the database shared by
 * every instance. Thread-safe; the settings change at runtime (shared settings).
 */
public final class DpopProofs {
    private final String issuer;
    private final DpopProofStore store;
    private final DpopNonces nonces;
    private final Clock clock;
    private final Events events;
    private volatile Config.Dpop settings;
    private volatile DpopProofCheck check;

    public DpopProofs(Config.Dpop settings, String issuer, DpopProofStore store, DpopNonces nonces, Clock clock, Events events) {
        this.issuer = issuer;
        this.store = store;
        this.nonces = nonces;
        this.clock = clock;
        this.events = events;
        settings(settings);
    }

    /** A shared setting changed: proofs are checked by these from now on. */
    public void settings(Config.Dpop settings) {
        this.settings = settings;
        // Proofs are recorded here (record), not by the check: in the transaction of what they authorize when there is one
        this.check = new DpopProofCheck(settings.iatWindow(), (jkt, jti, until) -> {
            throw new IllegalStateException("recorded by DpopProofs.record");
        }, clock);
    }

    public Config.DpopMode mode() {
        return settings.mode();
    }

    /**
     * The proof at a token endpoint: its key's thumbprint, or null when none came or DPoP is
     * off (which ignores proofs). Whether a missing proof is refused is decided later, after the
     * secret verified ({@link #require}).
     *
     * @param headers every {@code DPoP} header of the request
     * @throws AuthError.InvalidDpopProof a proof came and fails a check
     * @throws AuthError.UseDpopNonce nonces are required and the proof has none or an old one
     */
    public String atTokenEndpoint(List<String> headers, String method, String path) {
        DpopProofCheck.Proof proof = unrecorded(headers, method, path);
        if (proof == null) return null;
        record(proof);
        return proof.thumbprint();
    }

    /**
     * As {@link #atTokenEndpoint}, but the proof is not recorded yet: the caller records it with
     * {@link #record(Connection, DpopProofCheck.Proof)} in the transaction of what it authorizes
     * (a login, a rotation), which spares a write of its own on the hottest path.
     *
     * @return the checked proof, or null when none came or DPoP is off
     */
    public DpopProofCheck.Proof unrecorded(List<String> headers, String method, String path) {
        Config.Dpop s = settings;
        if (s.mode() == Config.DpopMode.OFF || headers.isEmpty()) return null;
        return verify(headers, method, path, null, null, s.nonceRequired());
    }

    /** Records a checked proof in the caller's transaction; refused (and so rolled back) when it was used before. */
    public void record(Connection c, DpopProofCheck.Proof proof) throws SQLException {
        if (!store.firstUse(c, proof.thumbprint(), proof.jti(), proof.recordUntil(), clock.instant()))
            throw refused("replay", "The DPoP proof was used before (replay).");
    }

    private void record(DpopProofCheck.Proof proof) {
        if (!store.firstUse(proof.thumbprint(), proof.jti(), proof.recordUntil(), clock.instant()))
            throw refused("replay", "The DPoP proof was used before (replay).");
    }

    /**
     * After the secret verified: a token request without a proof is refused under
     * {@code --dpop required} or for an agent that must use DPoP.
     */
    public void require(String jkt, boolean agentRequiresDpop) {
        if (jkt != null) return;
        Config.DpopMode mode = settings.mode();
        if (mode == Config.DpopMode.REQUIRED || agentRequiresDpop && mode != Config.DpopMode.OFF) {
            events.dpopRejected("missing");
            throw new AuthError.InvalidDpopProof(agentRequiresDpop
                ? "This agent must use DPoP: send a DPoP proof with the request."
                : "This server requires DPoP: send a DPoP proof with the request.");
        }
    }

    /**
     * A request to one of the server's own resources with a token bound to {@code jkt}: the proof
     * must be from that key and carry the token's hash ({@code ath}). Refusals are 401.
     */
    public void atResource(List<String> headers, String method, String path, String token, String jkt) {
        try {
            record(verify(headers, method, path, token, jkt, false));
        } catch (AuthError.InvalidDpopProof e) {
            throw e.atResource();
        }
    }

    /** The nonce to hand out with a token response, or null when nonces are off. */
    public String freshNonce() {
        return settings.nonceRequired() ? nonces.fresh() : null;
    }

    private DpopProofCheck.Proof verify(List<String> headers, String method, String path, String token, String jkt,
                                        boolean nonceRequired) {
        if (headers.size() > 1) throw refused("malformed", "The request has more than one DPoP header.");
        String htu;
        try {
            htu = DpopProofCheck.htu(URI.create(issuer + path));
        } catch (IllegalArgumentException e) {
            throw refused("htu", "The request's path cannot be a DPoP htu.");
        }
        try {
            return check.checkUnrecorded(headers.isEmpty() ? null : headers.get(0), method, htu, token, jkt,
                nonceRequired ? this::checkNonce : null);
        } catch (DpopProofCheck.Refused e) {
            throw refused(e.check(), capitalized(e.getMessage()) + ".");
        }
    }

    private void checkNonce(String nonce) {
        if (!nonces.accepts(nonce)) {
            events.dpopRejected("nonce");
            throw new AuthError.UseDpopNonce(nonces.fresh());
        }
    }

    private AuthError.InvalidDpopProof refused(String reason, String description) {
        events.dpopRejected(reason);
        return new AuthError.InvalidDpopProof(description);
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
