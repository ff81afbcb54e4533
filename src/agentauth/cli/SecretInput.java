package agentauth.cli;

import agentauth.ConfigException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Where {@code users add} and {@code users passwd} get a secret: the variable
 * {@code AGENT_AUTH_PASSWORD} or the first line of standard input, never a flag (flags show in
 * {@code ps} and shell history). Given both, the command refuses rather than pick one silently:
 * the operator meant one of them, and a stored secret nobody knows is a lock-out found later.
 */
final class SecretInput {
    static final String ENV = "AGENT_AUTH_PASSWORD";

    private SecretInput() {}

    static String read(Map<String, String> env, InputStream in, Terminal terminal) {
        String fromEnv = env.get(ENV);
        boolean envGiven = fromEnv != null && !fromEnv.isEmpty();
        // A terminal is not a second source: nobody typed anything, and reading it would wait.
        if (envGiven && terminal.input()) return fromEnv;
        String line = firstLine(in);
        boolean stdinGiven = line != null && !line.isEmpty();
        if (envGiven && stdinGiven)
            throw new ConfigException("two secrets given, by " + ENV + " and on standard input: give only one"
                + " (unset " + ENV + " or do not pipe a secret)");
        if (envGiven) return fromEnv;
        if (!stdinGiven) throw new ConfigException("no secret: set " + ENV + " or pipe it on standard input");
        return line;
    }

    /** The first line, or null at once when standard input is empty or closed. */
    private static String firstLine(InputStream in) {
        try {
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            throw new ConfigException("cannot read the secret from standard input: " + e.getMessage());
        }
    }
}
