package agentauth.cli;

import agentauth.client.AgentAuthClient;
import agentauth.client.AgentAuthException;
import agentauth.client.AuthProtocolException;
import agentauth.client.BadCredentialsException;
import agentauth.client.ServerUnavailableException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code token --server URL --username NAME [--scope S]... [--resource URL]}: prints one access
 * token, for shell scripts and curl, through {@link AgentAuthClient#clientCredentialsToken()},
 * so no refresh family is left behind; a server without {@code /oauth/token} (404) gets a login
 * whose family the client's close ends at once. The secret comes from {@code AGENT_AUTH_PASSWORD}
 * or the first line of standard input, and is never printed. Bearer only: an agent that must
 * use DPoP is refused with one line. Exit codes: 0 printed, 1 refused, 2 usage, 3 server
 * unavailable or unexpected answer.
 */
public final class TokenCommand {
    static final String USAGE = "usage: token --server URL --username NAME [--scope S]... [--resource URL]"
            + "  (secret from AGENT_AUTH_PASSWORD or the first line of standard input)";

    private TokenCommand() {
    }

    /** A failure that ends the command with one line on standard error. */
    private static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        Failure(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    /** The parsed command line. */
    private record Options(String server, String username, List<String> scopes, String resource) {
    }

    /**
     * Runs the command.
     *
     * @param args the arguments after the word {@code token}
     * @param env the environment ({@code AGENT_AUTH_PASSWORD})
     * @param stdin where the secret is read from when the variable is unset
     * @param out receives the token, one line, and nothing else
     * @param err receives one line on failure, never the secret
     * @return the exit code
     */
    public static int run(String[] args, Map<String, String> env, InputStream stdin, PrintStream out, PrintStream err) {
        if (List.of(args).contains("--help")) {
            out.println(USAGE);
            return 0;
        }
        try {
            Options o = parse(args);
            out.println(token(o, secret(env, stdin)));
            return 0;
        } catch (Failure f) {
            err.println("token: " + f.getMessage());
            return f.code;
        }
    }

    private static Options parse(String[] args) throws Failure {
        String server = null;
        String username = null;
        String resource = null;
        List<String> scopes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            String value = flag.contains("=") ? flag.substring(flag.indexOf('=') + 1) : null;
            flag = value != null ? flag.substring(0, flag.indexOf('=')) : flag;
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new Failure(2, flag + " needs a value; " + USAGE);
                }
                value = args[++i];
            }
            switch (flag) {
                case "--server" -> server = value;
                case "--username" -> username = value;
                case "--resource" -> resource = value;
                case "--scope" -> scopes.addAll(List.of(value.trim().split(" +")));
                default -> throw new Failure(2, "unknown option '" + flag + "'; " + USAGE);
            }
        }
        if (server == null || username == null || username.isEmpty()) {
            throw new Failure(2, "--server and --username are required; " + USAGE);
        }
        return new Options(server, username, List.copyOf(scopes), resource);
    }

    private static char[] secret(Map<String, String> env, InputStream stdin) throws Failure {
        String secret = env.get("AGENT_AUTH_PASSWORD");
        if (secret == null || secret.isEmpty()) {
            try {
                secret = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
            } catch (IOException e) {
                secret = null;
            }
        }
        if (secret == null || secret.isEmpty()) {
            throw new Failure(2, "no secret: set AGENT_AUTH_PASSWORD or write it on standard input");
        }
        return secret.toCharArray();
    }

    /** One attempt, as a script expects: it decides itself whether and when to try again. */
    private static String token(Options o, char[] secret) throws Failure {
        AgentAuthClient client;
        try {
            client = AgentAuthClient.builder().server(o.server()).username(o.username()).secret(secret)
                    .scopes(o.scopes().toArray(String[]::new)).resource(o.resource())
                    .maxAttempts(1).requestTimeout(Duration.ofSeconds(30)).build();
        } catch (IllegalArgumentException e) {
            throw new Failure(2, e.getMessage());
        } finally {
            java.util.Arrays.fill(secret, '\0');
        }
        try (client) {
            try {
                return client.clientCredentialsToken();
            } catch (AuthProtocolException e) {
                if (e.status() != 404) {
                    throw e;
                }
                return client.accessToken(); // no /oauth/token: a login, logged out by close()
            }
        } catch (BadCredentialsException e) {
            if ("invalid_dpop_proof".equals(e.error())) {
                // RFC 9449: the agent must prove a key with every request; a shell has nowhere safe to keep one
                throw new Failure(1, "'" + o.username() + "' requires DPoP, and this command gets Bearer tokens"
                        + " only: use a client library with DPoP (AgentAuthClient...dpop())");
            }
            throw new Failure(1, "the server refused the credentials (" + e.getMessage() + ")");
        } catch (ServerUnavailableException e) {
            throw new Failure(3, "the server is unavailable (" + e.getMessage() + ")"
                    + e.retryAfter().map(d -> ", retry after " + d.toSeconds() + " s").orElse(""));
        } catch (AgentAuthException e) {
            throw new Failure(3, e.getMessage());
        }
    }
}
