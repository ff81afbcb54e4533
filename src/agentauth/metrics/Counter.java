package agentauth.metrics;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** A counter family: one monotonically growing count per combination of label values. */
public final class Counter implements Family {
    private final String name;
    private final String help;
    private final Series<LongAdder> series;

    /** {@code name} ends in {@code _total}, as the format's conventions ask of counters. */
    public Counter(String name, String help, String... labelNames) {
        if (!name.endsWith("_total")) throw new IllegalArgumentException("a counter's name ends in _total: " + name);
        this.name = name;
        this.help = help;
        this.series = new Series<>(name, List.of(labelNames), LongAdder::new);
    }

    public void inc(String... labelValues) {
        LongAdder a = series.get(labelValues);
        if (a != null) a.increment();
    }

    /** Shows this series at 0 before its first event, so dashboards and alerts see it exist. */
    public Counter preset(String... labelValues) {
        series.get(labelValues);
        return this;
    }

    /** The current count of one series (0 when it never counted): for tests and gauges. */
    public long value(String... labelValues) {
        LongAdder a = series.get(labelValues);
        return a == null ? 0 : a.sum();
    }

    @Override
    public void write(TextFormat out) {
        out.family(name, "counter", help);
        for (var e : series.sorted()) out.sample(name, series.labelNames(), e.getKey(), e.getValue().sum());
    }
}
