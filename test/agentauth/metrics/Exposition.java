package agentauth.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4, written from its rules, so the tests need
 * no Prometheus: every line is a HELP, a TYPE, another comment or a sample; names and label
 * names follow their grammar, label values use only the three escapes; each family's TYPE comes
 * before its samples, once, and its samples form one group; no series twice; histograms have
 * increasing bounds, cumulative counts, a +Inf bucket equal to _count, and a _sum. Anything else
 * fails with the line and why.
 */
final class Exposition {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern FLOAT = Pattern.compile("[+-]?(Inf|NaN|(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?)");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One sample: its name, its labels in order, its value. */
    record Sample(String name, Map<String, String> labels, double value) {
        String key() {
            return name + labels;
        }
    }

    final Map<String, String> types = new LinkedHashMap<>();
    final Map<String, String> helps = new HashMap<>();
    final List<Sample> samples = new ArrayList<>();

    static Exposition parse(String text) {
        Exposition e = new Exposition();
        e.read(text);
        e.checkHistograms();
        return e;
    }

    /** The value of the series {@code name} with exactly these labels (name, value, ...), or null. */
    Double value(String name, String... labels) {
        Map<String, String> want = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) want.put(labels[i], labels[i + 1]);
        for (Sample s : samples) if (s.name.equals(name) && s.labels.equals(want)) return s.value;
        return null;
    }

    int seriesCount() {
        return samples.size();
    }

    private void read(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) throw new AssertionError("the last line does not end with a line feed");
        Set<String> seen = new HashSet<>(), finished = new HashSet<>();
        String current = null; // the family whose group of samples is open
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length - 1; n++) {
            String line = lines[n];
            String where = "line " + (n + 1) + " '" + line + "': ";
            if (line.indexOf('\r') >= 0) throw new AssertionError(where + "carriage return");
            if (line.isEmpty()) continue;
            if (line.startsWith("#")) {
                String[] p = line.split(" ", 4);
                if (p.length >= 3 && (p[1].equals("HELP") || p[1].equals("TYPE"))) {
                    String name = p[2];
                    if (!NAME.matcher(name).matches()) throw new AssertionError(where + "bad metric name");
                    if (finished.contains(name) || name.equals(current))
                        throw new AssertionError(where + "metadata after the family's samples");
                    if (p[1].equals("TYPE")) {
                        if (p.length != 4 || !TYPES.contains(p[3])) throw new AssertionError(where + "bad type");
                        if (types.put(name, p[3]) != null) throw new AssertionError(where + "second TYPE");
                    } else {
                        if (helps.put(name, p.length == 4 ? p[3] : "") != null) throw new AssertionError(where + "second HELP");
                        checkHelp(where, p.length == 4 ? p[3] : "");
                    }
                }
                continue;
            }
            Sample s = sample(where, line);
            String family = family(s.name);
            if (!family.equals(current)) {
                if (current != null) finished.add(current);
                if (finished.contains(family)) throw new AssertionError(where + "the samples of " + family + " are not one group");
                current = family;
            }
            if (!seen.add(s.key())) throw new AssertionError(where + "the same series twice");
            samples.add(s);
        }
    }

    /** The family a sample belongs to: a histogram's or summary's suffixes name their family. */
    private String family(String name) {
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (!name.endsWith(suffix)) continue;
            String base = name.substring(0, name.length() - suffix.length());
            String type = types.get(base);
            if ("histogram".equals(type) || ("summary".equals(type) && !suffix.equals("_bucket"))) return base;
        }
        return name;
    }

    private static void checkHelp(String where, String help) {
        for (int i = 0; i < help.length(); i++) {
            if (help.charAt(i) != '\\') continue;
            if (i + 1 >= help.length() || "\\n".indexOf(help.charAt(i + 1)) < 0) throw new AssertionError(where + "bad escape in HELP");
            i++;
        }
    }

    private Sample sample(String where, String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') i++;
        String name = line.substring(0, i);
        if (!NAME.matcher(name).matches()) throw new AssertionError(where + "bad metric name");
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                if (eq < 0) throw new AssertionError(where + "label without '='");
                String label = line.substring(i, eq);
                if (!LABEL.matcher(label).matches() || label.startsWith("__")) throw new AssertionError(where + "bad label name " + label);
                if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') throw new AssertionError(where + "label value not quoted");
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                for (; ; j++) {
                    if (j >= line.length()) throw new AssertionError(where + "unterminated label value");
                    char c = line.charAt(j);
                    if (c == '"') break;
                    if (c == '\\') {
                        char e = j + 1 < line.length() ? line.charAt(++j) : ' ';
                        if (e == 'n') v.append('\n');
                        else if (e == '\\' || e == '"') v.append(e);
                        else throw new AssertionError(where + "bad escape in a label value");
                    } else v.append(c);
                }
                if (labels.put(label, v.toString()) != null) throw new AssertionError(where + "label " + label + " twice");
                i = j + 1;
                if (i < line.length() && line.charAt(i) == ',') i++;
                else if (i >= line.length() || line.charAt(i) != '}') throw new AssertionError(where + "expected ',' or '}'");
            }
            i++;
        }
        if (i >= line.length() || line.charAt(i) != ' ') throw new AssertionError(where + "no space before the value");
        String[] rest = line.substring(i + 1).split(" ", -1);
        if (rest.length > 2 || !FLOAT.matcher(rest[0]).matches()) throw new AssertionError(where + "bad value");
        if (rest.length == 2 && !rest[1].matches("-?\\d+")) throw new AssertionError(where + "bad timestamp");
        if (!types.containsKey(family(name))) throw new AssertionError(where + "a sample before its family's TYPE");
        return new Sample(name, labels, Double.parseDouble(rest[0].replace("Inf", "Infinity")));
    }

    /** Each histogram series: bounds increase, counts accumulate, +Inf equals _count, _sum exists. */
    private void checkHistograms() {
        for (var t : types.entrySet()) {
            if (!t.getValue().equals("histogram")) continue;
            String base = t.getKey();
            Map<Map<String, String>, List<double[]>> buckets = new LinkedHashMap<>();
            for (Sample s : samples) {
                if (!s.name.equals(base + "_bucket")) continue;
                Map<String, String> rest = new LinkedHashMap<>(s.labels);
                String le = rest.remove("le");
                if (le == null) throw new AssertionError(base + ": a bucket without le");
                buckets.computeIfAbsent(rest, k -> new ArrayList<>())
                    .add(new double[] {Double.parseDouble(le.replace("Inf", "Infinity")), s.value});
            }
            for (var b : buckets.entrySet()) {
                List<double[]> l = b.getValue();
                for (int k = 1; k < l.size(); k++) {
                    if (!(l.get(k)[0] > l.get(k - 1)[0])) throw new AssertionError(base + b.getKey() + ": bounds do not increase");
                    if (l.get(k)[1] < l.get(k - 1)[1]) throw new AssertionError(base + b.getKey() + ": counts are not cumulative");
                }
                double[] last = l.get(l.size() - 1);
                if (!Double.isInfinite(last[0])) throw new AssertionError(base + b.getKey() + ": no +Inf bucket");
                Double count = valueOf(base + "_count", b.getKey()), sum = valueOf(base + "_sum", b.getKey());
                if (count == null || count != last[1]) throw new AssertionError(base + b.getKey() + ": _count is not the +Inf bucket");
                if (sum == null) throw new AssertionError(base + b.getKey() + ": no _sum");
            }
        }
    }

    private Double valueOf(String name, Map<String, String> labels) {
        for (Sample s : samples) if (s.name.equals(name) && s.labels.equals(labels)) return s.value;
        return null;
    }
}
