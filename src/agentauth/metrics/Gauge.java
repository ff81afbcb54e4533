package agentauth.metrics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gauge family read at scrape time from the state it reports (keys, pool, lists), so it can
 * never drift from it. A reading that fails (the database is down) leaves the family without
 * samples for that scrape instead of failing the scrape.
 */
public final class Gauge implements Family {
    private static final Logger log = LoggerFactory.getLogger(Gauge.class);
    private final String name;
    private final String help;
    private final List<String> labelNames;
    private final Supplier<Map<List<String>, Double>> read;

    /** A labelled gauge: {@code read} maps label values (fixed ones only) to the value. */
    public Gauge(String name, String help, List<String> labelNames, Supplier<Map<List<String>, Double>> read) {
        this.name = name;
        this.help = help;
        this.labelNames = List.copyOf(labelNames);
        this.read = read;
    }

    /** A gauge without labels. */
    public static Gauge of(String name, String help, DoubleSupplier read) {
        return new Gauge(name, help, List.of(), () -> Map.of(List.of(), read.getAsDouble()));
    }

    @Override
    public void write(TextFormat out) {
        Map<List<String>, Double> values;
        try {
            values = new TreeMap<>((a, b) -> String.join("\u0000", a).compareTo(String.join("\u0000", b)));
            values.putAll(read.get());
        } catch (RuntimeException e) {
            log.debug("metric {} could not be read: {}", name, e.toString());
            values = Map.of();
        }
        out.family(name, "gauge", help);
        for (var e : values.entrySet()) out.sample(name, labelNames, e.getKey(), e.getValue());
    }
}
