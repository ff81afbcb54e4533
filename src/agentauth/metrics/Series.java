package agentauth.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The children of a labelled family, one per combination of label values. Callers pass only
 * fixed values; should a bug pass a client's input anyway, the family stops growing at
 * {@link #LIMIT} series (the extra observations are dropped, once logged) instead of taking the
 * server's memory and the monitoring system with it.
 */
final class Series<T> {
    static final int LIMIT = 2_000;
    private static final Logger log = LoggerFactory.getLogger(Series.class);

    private final String family;
    private final List<String> labelNames;
    private final Supplier<T> create;
    private final Map<List<String>, T> children = new ConcurrentHashMap<>();
    private volatile boolean warned;

    Series(String family, List<String> labelNames, Supplier<T> create) {
        this.family = family;
        this.labelNames = List.copyOf(labelNames);
        this.create = create;
    }

    List<String> labelNames() {
        return labelNames;
    }

    /** The child for these values, made on first use; null past the limit. */
    T get(String... values) {
        if (values.length != labelNames.size())
            throw new IllegalArgumentException(family + " takes " + labelNames.size() + " label values");
        List<String> key = List.of(values);
        T child = children.get(key);
        if (child != null) return child;
        if (children.size() >= LIMIT) {
            if (!warned) {
                warned = true;
                log.warn("metric {} reached {} series: new label values are dropped (a bug: labels take fixed values)",
                    family, LIMIT);
            }
            return null;
        }
        return children.computeIfAbsent(key, k -> create.get());
    }

    /** The children sorted by their label values, so scrapes list them in a stable order. */
    List<Map.Entry<List<String>, T>> sorted() {
        List<Map.Entry<List<String>, T>> all = new ArrayList<>(children.entrySet());
        all.sort(Comparator.comparing(e -> String.join("\u0000", e.getKey())));
        return all;
    }
}
