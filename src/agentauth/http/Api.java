package agentauth.http;

import agentauth.audit.AuditTrail;
import agentauth.revocation.RevocationList;
import agentauth.session.Sessions;
import agentauth.throttle.Throttle;
import agentauth.token.AccessTokens;
import agentauth.token.Entitlements;
import agentauth.token.KeyRotation;
import agentauth.token.SigningKeys;
import agentauth.user.Authenticator;
import agentauth.user.Users;
import java.util.function.BooleanSupplier;

/** The services the route table hands to handlers; built once by the composition root. */
public record Api(
        String issuer,
        Users users,
        Authenticator authenticator,
        Throttle throttle,
        KeyRotation keyRotation,
        Entitlements entitlements,
        Sessions sessions,
        AccessTokens accessTokens,
        AuditTrail audit,
        RevocationList revocations,
        ClientAddress clientAddress,
        BooleanSupplier storageHealthy,
        agentauth.dpop.DpopProofs dpop) {

    public SigningKeys signingKeys() {
        return keyRotation.keys();
    }
}
