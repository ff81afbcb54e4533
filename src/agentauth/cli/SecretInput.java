package agentauth.cli;

import agentauth.ConfigException;
import agentauth.user.Rules;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where {@code users add} and {@code users passwd} get a secret: the variable
 * {@code AGENT_AUTH_PASSWORD}, the first line of standard input, or, at a terminal, a prompt that
 * hides the input and asks twice; never a flag (flags show in {@code ps} and shell history).
 * Given both the variable and standard input, the command refuses rather than pick one silently:
 * the operator meant one of them, and a stored secret nobody knows is a lock-out found later.
 */
final class SecretInput {
    static final String ENV = "AGENT_AUTH_PASSWORD";
    /**
     * With the variable set, standard input counts as a second secret only when a line (or its
     * end) arrives within this: a parent process that leaves an idle pipe open (Java's
     * ProcessBuilder does) must not hold the command forever. A piped secret is there at once.
     */
    private static final long STDIN_GRACE_MS = 2000;

    private SecretInput() {}

    /** The secret for the user {@code name}; a ConfigException says why there is none. */
    static String read(String name, Map<String, String> env, InputStream in, Terminal terminal) {
        String fromEnv = env.get(ENV);
        boolean envGiven = fromEnv != null && !fromEnv.isEmpty();
        if (terminal.input()) { // a terminal is not a second source: nobody typed anything yet
            if (envGiven) return fromEnv;
            if (terminal.console() == null) // what would be typed would show, and go to a pipe or file
                throw new ConfigException("cannot ask for the secret with the input hidden: standard output is not a"
                    + " terminal; set " + ENV + " or pipe the secret on standard input");
            return askTwice(terminal.console(), name);
        }
        String line = envGiven ? firstLineWithin(in, STDIN_GRACE_MS) : firstLine(in);
        boolean stdinGiven = line != null && !line.isEmpty();
        if (envGiven && stdinGiven)
            throw new ConfigException("two secrets given, by " + ENV + " and on standard input: give only one"
                + " (unset " + ENV + " or do not pipe a secret)");
        if (envGiven) return fromEnv;
        if (!stdinGiven) throw new ConfigException("no secret: set " + ENV + " or pipe it on standard input");
        return line;
    }

    /** Console.readPassword turns echo off before it prompts, and back on after the line. */
    private static String askTwice(Console console, String name) {
        char[] first = console.readPassword("secret for %s: ", name);
        char[] again = null;
        try {
            if (first == null || first.length == 0) throw new ConfigException("no secret given; nothing was changed");
            String secret = new String(first);
            Rules.password(secret); // a secret too short is said now, not after typing it twice
            again = console.readPassword("the same secret again: ");
            if (!Arrays.equals(first, again)) throw new ConfigException("the two secrets differ; nothing was changed");
            return secret;
        } finally {
            if (first != null) Arrays.fill(first, '\0');
            if (again != null) Arrays.fill(again, '\0');
        }
    }

    /** The first line, or null when none arrived in time; the reader is left behind, a daemon. */
    private static String firstLineWithin(InputStream in, long millis) {
        CompletableFuture<String> line = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                line.complete(firstLine(in));
            } catch (RuntimeException e) {
                line.completeExceptionally(e);
            }
        }, "stdin-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            return line.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw (RuntimeException) e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while reading standard input");
        }
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
