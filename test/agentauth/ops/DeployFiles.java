package agentauth.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading docs/deploy/ and the README's JVM settings, for DeployFilesTest. */
final class DeployFiles {
    static final Path DIR = Path.of("docs", "deploy");
    private static final Set<String> INSTRUCTIONS = Set.of("FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY",
        "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL");

    /** One Dockerfile instruction: its keyword and the rest of its (joined) line. */
    record Instruction(String keyword, String args) {}

    private DeployFiles() {}

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JVM options of the README's command for a long-running service (-X... before -jar). */
    static List<String> readmeJvmFlags() {
        Matcher m = Pattern.compile("java (-Xms[^\\n]*(?:\\\\\\n[^\\n]*)*) -jar agent-auth\\.jar").matcher(read(Path.of("README.md")));
        if (!m.find()) throw new AssertionError("the README's JVM settings were not found");
        List<String> flags = new ArrayList<>(Arrays.asList(m.group(1).replace("\\\n", " ").trim().split("\\s+")));
        if (flags.size() < 5) throw new AssertionError("too few JVM settings in the README: " + flags);
        return flags;
    }

    /** A unit file's settings, section.key to values in order (a key may repeat). */
    static Map<String, List<String>> unit(Path p) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String section = null;
        for (String line : read(p).split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) continue;
            if (l.startsWith("[")) {
                section = l.substring(1, l.length() - 1);
                continue;
            }
            int eq = l.indexOf('=');
            if (section == null || eq < 0) throw new AssertionError(p + ": not a setting: " + line);
            out.computeIfAbsent(section + "." + l.substring(0, eq), k -> new ArrayList<>()).add(l.substring(eq + 1));
        }
        return out;
    }

    /**
     * The Dockerfile's instructions: comments and blank lines dropped, backslash continuations
     * joined; every keyword must be one Docker knows, and FROM comes first (after ARG).
     */
    static List<Instruction> dockerfile(Path p) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : read(p).split("\n")) {
            if (pending.length() == 0 && (line.isBlank() || line.strip().startsWith("#"))) continue;
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            String full = pending.append(line).toString().strip();
            pending.setLength(0);
            String[] kv = full.split("\\s+", 2);
            if (!INSTRUCTIONS.contains(kv[0])) throw new AssertionError("unknown instruction: " + full);
            if (kv.length < 2) throw new AssertionError("an instruction without arguments: " + full);
            out.add(new Instruction(kv[0], kv[1]));
        }
        if (pending.length() > 0) throw new AssertionError("the Dockerfile ends inside a continued line");
        for (Instruction i : out) {
            if (i.keyword().equals("FROM")) break;
            if (!i.keyword().equals("ARG")) throw new AssertionError("an instruction before FROM: " + i);
        }
        return out;
    }

    /** An exec-form argument list (a JSON array of strings), or an error. */
    static List<String> execForm(String args) {
        try {
            List<String> list = Arrays.asList(new ObjectMapper().readValue(args, String[].class));
            if (list.isEmpty()) throw new AssertionError("an empty exec form");
            return list;
        } catch (IOException e) {
            throw new AssertionError("not a JSON array of strings: " + args);
        }
    }
}
