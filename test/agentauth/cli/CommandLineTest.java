package agentauth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.JarProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar's own command line: --version, --help, and what a bad setting says. */
class CommandLineTest {
    @TempDir
    Path dir;

    @Test
    void version_prints_the_version_and_commit_written_into_the_jar() throws Exception {
        // The resource as build.sh writes it, ahead of the jar on the class path.
        Files.createDirectories(dir.resolve("agentauth"));
        Files.writeString(dir.resolve(Version.RESOURCE), "version=1.4.2\ncommit=0123456789abcdef0123456789abcdef01234567\n");
        List<String> command = new ArrayList<>(Cli.command());
        int jar = command.indexOf("-jar");
        command.set(jar, "-cp");
        command.set(jar + 1, dir + java.io.File.pathSeparator + JarProcess.jar());
        command.addAll(List.of("agentauth.Main", "--version"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertEquals("agent-auth 1.4.2 (commit 0123456789abcdef0123456789abcdef01234567)\n", out);
    }

    @Test
    void the_built_jar_names_the_commit_it_was_built_from() throws Exception {
        Cli.Result r = Cli.run(Map.of(), "", "--version");
        assertEquals(0, r.code(), r.toString());
        // build.sh writes what git says; a build outside a git checkout would say "unknown"
        Process git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
        String head = new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertEquals(0, git.waitFor(), head);
        assertTrue(Pattern.matches("agent-auth \\S+ \\(commit " + head + "\\)\n", r.out()), r.out() + " vs HEAD " + head);
    }

    @Test
    void help_shows_the_duration_syntax() {
        Cli.Result r = Cli.run(Map.of(), "", "--help");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("Durations: a number and a unit, ms, s, m, h or d (500ms, 90s, 15m, 12h, 30d)"), r.out());
    }

    @Test
    void a_bad_setting_from_the_environment_names_the_variable() {
        Cli.Result r = Cli.run(Map.of("AGENT_AUTH_ACCESS_TTL", "soon"), "", "--port", "0", "--db", dir.resolve("t.db").toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals(List.of("agent-auth: AGENT_AUTH_ACCESS_TTL: 'soon' is not a duration like 500ms, 90s, 15m, 12h or 30d"),
            r.errLines());
    }
}
