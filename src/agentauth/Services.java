package agentauth;

import agentauth.http.ClientAddress;
import agentauth.store.AuditLog;
import agentauth.store.Database;
import agentauth.token.AccessTokens;
import agentauth.token.Entitlements;
import agentauth.session.Sessions;
import agentauth.token.SigningKeys;
import agentauth.user.Authenticator;
import agentauth.user.PasswordHasher;
import agentauth.throttle.Throttle;
import agentauth.user.Users;

/** Everything the route table hands to handlers; built once by {@link App}. */
public record Services(
        Config config,
        String issuer,
        Database database,
        AuditLog audit,
        Users users,
        PasswordHasher hasher,
        Authenticator authenticator,
        Throttle throttle,
        SigningKeys signingKeys,
        Entitlements entitlements,
        Sessions sessions,
        AccessTokens accessTokens,
        ClientAddress clientAddress) {}
