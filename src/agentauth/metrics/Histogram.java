package agentauth.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A histogram family (classic buckets): per combination of label values, how many observations
 * fell at or below each bound, their count and their sum. An observation costs a scan of the
 * bounds and two adder increments, no lock.
 */
public final class Histogram implements Family {
    /** Request latencies: 1 ms to 10 s. */
    public static final double[] LATENCY = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final String name;
    private final String help;
    private final double[] bounds;
    private final Series<Child> series;

    public Histogram(String name, String help, double[] bounds, String... labelNames) {
        if (List.of(labelNames).contains("le")) throw new IllegalArgumentException("le is the buckets' own label");
        for (int i = 1; i < bounds.length; i++)
            if (!(bounds[i] > bounds[i - 1])) throw new IllegalArgumentException("bucket bounds must increase");
        this.name = name;
        this.help = help;
        this.bounds = bounds.clone();
        this.series = new Series<>(name, List.of(labelNames), () -> new Child(bounds.length + 1));
    }

    public void observe(double value, String... labelValues) {
        Child c = series.get(labelValues);
        if (c == null) return;
        int i = 0;
        while (i < bounds.length && value > bounds[i]) i++;
        c.buckets[i].increment(); // the last one is +Inf
        c.sum.add(value);
    }

    /** Shows this series with empty buckets before its first observation. */
    public Histogram preset(String... labelValues) {
        series.get(labelValues);
        return this;
    }

    @Override
    public void write(TextFormat out) {
        out.family(name, "histogram", help);
        List<String> labels = series.labelNames();
        for (var e : series.sorted()) {
            Child c = e.getValue();
            // _count is the +Inf bucket from the same reading, so the two always agree
            long cumulative = 0;
            for (int i = 0; i <= bounds.length; i++) {
                cumulative += c.buckets[i].sum();
                String le = i < bounds.length ? TextFormat.bound(bounds[i]) : "+Inf";
                out.sample(name + "_bucket", labels, e.getKey(), "le", le, cumulative);
            }
            out.sample(name + "_sum", labels, e.getKey(), c.sum.sum());
            out.sample(name + "_count", labels, e.getKey(), cumulative);
        }
    }

    private static final class Child {
        final LongAdder[] buckets; // per bucket, not cumulative: an observation touches one
        final DoubleAdder sum = new DoubleAdder();

        Child(int n) {
            buckets = new LongAdder[n];
            Arrays.setAll(buckets, i -> new LongAdder());
        }
    }
}
