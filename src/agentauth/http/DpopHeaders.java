package agentauth.http;

import agentauth.dpop.DpopProofs;
import io.javalin.http.Context;
import java.util.Collections;
import java.util.List;

/** The HTTP side of DPoP (RFC 9449): the request's DPoP headers in, the server's nonce out. */
final class DpopHeaders {
    /** Set on a request whose refusal is challenged with the DPoP scheme (RFC 9449 §7.1). */
    static final String CHALLENGE = "agentauth.dpop-challenge";

    private DpopHeaders() {}

    /** Every DPoP header of the request, so that two are refused rather than one picked. */
    static List<String> of(Context ctx) {
        return Collections.list(ctx.req().getHeaders("DPoP"));
    }

    /** The proof at a token endpoint: its key's thumbprint, or null when none came (see {@link DpopProofs#atTokenEndpoint}). */
    static String atTokenEndpoint(Context ctx, DpopProofs dpop) {
        return dpop.atTokenEndpoint(of(ctx), ctx.method().name(), ctx.path());
    }

    /** RFC 9449 §8.2: a token response carries the nonce the next proof is to hold, when nonces are on. */
    static void nonce(Context ctx, DpopProofs dpop) {
        String nonce = dpop.freshNonce();
        if (nonce != null) ctx.header("DPoP-Nonce", nonce);
    }
}
