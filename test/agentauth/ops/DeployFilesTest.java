package agentauth.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.ops.DeployFiles.Instruction;
import agentauth.support.JarProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/deploy/: the systemd units pass systemd-analyze verify and are hardened as the issue asks;
 * the Dockerfile parses and runs a JRE image as non-root with a volume; both run the README's JVM
 * settings, and their liveness commands, run for real, tell a serving server from a gone one.
 * No Docker engine here: hadolint runs when installed; the image is not built.
 */
class DeployFilesTest {
    private static final Path UNIT = DeployFiles.DIR.resolve("agent-auth.service");
    private static final Path DOCKERFILE = DeployFiles.DIR.resolve("Dockerfile");
    private static final List<Path> UNITS = List.of(UNIT, DeployFiles.DIR.resolve("agent-auth-liveness.service"),
        DeployFiles.DIR.resolve("agent-auth-liveness.timer"));

    @TempDir Path dir;

    @Test
    void the_units_pass_systemd_analyze_verify() throws Exception {
        Assumptions.assumeTrue(onPath("systemd-analyze"), "systemd-analyze not found: the units' check is skipped");
        List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify"));
        for (Path u : UNITS) command.add(u.toAbsolutePath().toString());
        Result r = run(command);
        assertEquals(0, r.code, r.output);
        assertEquals("", r.output.strip(), "systemd-analyze reports a warning (it exits 0 for most)");
    }

    @Test
    void the_unit_is_hardened_and_runs_the_readme_jvm_settings() {
        Map<String, List<String>> u = DeployFiles.unit(UNIT);
        for (var want : Map.of("Service.User", "agent-auth", "Service.ProtectSystem", "strict", "Service.NoNewPrivileges", "yes",
            "Service.StateDirectory", "agent-auth", "Service.PrivateTmp", "yes", "Service.ProtectHome", "yes",
            "Service.CapabilityBoundingSet", "", "Service.UMask", "0077").entrySet())
            assertEquals(List.of(want.getValue()), u.get(want.getKey()), want.getKey());
        String exec = u.get("Service.ExecStart").get(0);
        for (String flag : DeployFiles.readmeJvmFlags()) assertTrue(exec.contains(" " + flag + " "), "ExecStart lacks " + flag);
        assertTrue(exec.contains("--db /var/lib/agent-auth/"), "the database in the StateDirectory: " + exec);
        assertTrue(u.get("Service.ExecStartPost").get(0).contains("/health/live"), "started means live");
    }

    @Test
    void the_dockerfile_runs_a_jre_image_as_non_root_with_a_volume_and_a_liveness_check() throws Exception {
        List<Instruction> all = DeployFiles.dockerfile(DOCKERFILE);
        String from = one(all, "FROM").args();
        assertTrue(from.matches("[a-z0-9./-]+:\\d+-jre(-[a-z0-9.]+)?"), "a JRE base image, pinned to a major version: " + from);
        int user = index(all, "USER"), entry = index(all, "ENTRYPOINT");
        String who = all.get(user).args();
        assertFalse(who.equals("root") || who.startsWith("0") || who.startsWith("root:"), "not root: " + who);
        assertTrue(user < entry && user < index(all, "VOLUME"), "USER comes before what runs and the volume");
        List<String> volume = DeployFiles.execForm(one(all, "VOLUME").args());
        assertTrue(one(all, "ENV").args().contains("AGENT_AUTH_DB=" + volume.get(0) + "/"), "the database is on the volume");
        List<String> java = DeployFiles.execForm(one(all, "ENTRYPOINT").args());
        assertEquals("java", java.get(0));
        assertTrue(java.containsAll(DeployFiles.readmeJvmFlags()), "the README's JVM settings: " + java);
        assertEquals(List.of("-jar", "/opt/agent-auth/agent-auth.jar"), java.subList(java.size() - 2, java.size()));
        assertTrue(one(all, "COPY").args().endsWith(" /opt/agent-auth/agent-auth.jar"));
        String health = one(all, "HEALTHCHECK").args();
        assertTrue(health.contains(" CMD [") && health.contains("/health/live"), health);
        if (onPath("hadolint")) {
            Result lint = run(List.of("hadolint", DOCKERFILE.toString()));
            assertEquals(0, lint.code, lint.output);
        } else {
            System.err.println("hadolint not found: the Dockerfile had our parse check only");
        }
    }

    @Test
    void the_liveness_commands_pass_against_a_serving_server_and_fail_once_it_is_gone() throws Exception {
        String dockerCheck = String.join("\u0000", DeployFiles.execForm(one(DeployFiles.dockerfile(DOCKERFILE), "HEALTHCHECK")
            .args().replaceFirst("^.* CMD ", "")));
        String startGate = DeployFiles.unit(UNIT).get("Service.ExecStartPost").get(0)
            .replaceFirst("^/bin/sh -c '", "").replaceFirst("'$", "").replace("seq 120", "seq 2");
        int port;
        try (JarProcess server = JarProcess.start(dir.resolve("live.db"))) {
            port = Integer.parseInt(server.url().replaceFirst(".*:", ""));
            assertEquals(0, run(List.of(dockerCheck.replace("8080", Integer.toString(port)).split("\u0000"))).code);
            assertEquals(0, run(List.of("/bin/sh", "-c", startGate.replace("8080", Integer.toString(port)))).code);
        }
        assertNotEquals(0, run(List.of(dockerCheck.replace("8080", Integer.toString(port)).split("\u0000"))).code);
    }

    @Test
    void operations_md_shows_the_files_as_they_are() {
        String doc = DeployFiles.read(Path.of("docs", "operations.md"));
        for (Path p : List.of(UNITS.get(0), UNITS.get(1), UNITS.get(2), DOCKERFILE))
            assertTrue(doc.contains("\n" + DeployFiles.read(p) + "```\n"), p + " differs from its copy in docs/operations.md");
    }

    private static Instruction one(List<Instruction> all, String keyword) {
        List<Instruction> found = all.stream().filter(i -> i.keyword().equals(keyword)).toList();
        assertEquals(1, found.size(), "one " + keyword);
        return found.get(0);
    }

    private static int index(List<Instruction> all, String keyword) {
        return all.indexOf(one(all, keyword));
    }

    private record Result(int code, String output) {}

    private static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ran: " + command);
        return new Result(p.exitValue(), out);
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
            if (Files.isExecutable(Path.of(d, tool))) return true;
        return false;
    }
}
