package agentauth.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the command talks to a person at a terminal. {@code console} is there when standard
 * input and output both are a terminal (Java 17's rule); {@code input} says standard input is
 * one, which alone is enough to know that reading it would wait for typing.
 */
record Terminal(Console console, boolean input) {
    /** Not a terminal: standard input is whatever stream the caller gave. */
    static final Terminal NONE = new Terminal(null, false);

    /** The process's own standard input and output. */
    static Terminal detect() {
        Console console = System.console();
        return new Terminal(console, console != null || stdinIsTerminal());
    }

    /** Linux names the terminal behind file descriptor 0; elsewhere only the console tells. */
    private static boolean stdinIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
