package agentauth;

import agentauth.user.ServerScopes;
import agentauth.user.Users;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** First start on an empty database: the user admin with scope admin. */
final class Bootstrap {
    static final String PASSWORD_ENV = "AGENT_AUTH_ADMIN_PASSWORD";
    private static final Logger log = LoggerFactory.getLogger(Bootstrap.class);

    private Bootstrap() {}

    static void firstAdmin(Users users, Map<String, String> env) {
        String given = env.get(PASSWORD_ENV);
        boolean generated = given == null || given.isEmpty();
        if (users.any()) {
            // An operator who set it to recover a password would otherwise think it worked.
            if (!generated) log.warn("{} is ignored: it only sets the first admin's password on a new database;"
                + " to change a password use `java -jar agent-auth.jar users passwd admin`", PASSWORD_ENV);
            return;
        }
        String password = generated ? randomPassword() : given;
        users.create("admin", password, List.of(ServerScopes.ADMIN), true, new Users.Actor("system", null));
        // The one secret ever logged, on a line of its own, so an operator can find and copy it.
        if (generated) System.err.println("admin password: " + password);
    }

    private static String randomPassword() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
