package agentauth.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exposition itself: escaping, histogram invariants and the series limit, read back strictly. */
class TextFormatTest {
    @Test
    void label_values_and_help_survive_quotes_backslashes_and_line_feeds() {
        Registry r = new Registry();
        String hostile = "a\"b\\c\nd} e=\"f\"";
        r.register(new Gauge("t_gauge", "help with \\ and\nnewline", List.of("v"), () -> Map.of(List.of(hostile), 2.5)));
        Exposition e = Exposition.parse(new String(r.scrape(), StandardCharsets.UTF_8));
        assertEquals(2.5, e.value("t_gauge", "v", hostile));
        assertEquals("help with \\\\ and\\nnewline", e.helps.get("t_gauge"));
    }

    @Test
    void a_histogram_is_cumulative_and_its_count_is_its_inf_bucket() {
        Registry r = new Registry();
        Histogram h = r.register(new Histogram("t_seconds", "h", new double[] {0.1, 1}, "route"));
        for (double v : new double[] {0.05, 0.1, 0.5, 3, 7}) h.observe(v, "/x");
        Exposition e = Exposition.parse(new String(r.scrape(), StandardCharsets.UTF_8));
        assertEquals(2.0, e.value("t_seconds_bucket", "route", "/x", "le", "0.1"), "le is inclusive");
        assertEquals(3.0, e.value("t_seconds_bucket", "route", "/x", "le", "1"));
        assertEquals(5.0, e.value("t_seconds_bucket", "route", "/x", "le", "+Inf"));
        assertEquals(5.0, e.value("t_seconds_count", "route", "/x"));
        assertEquals(10.65, e.value("t_seconds_sum", "route", "/x"), 1e-9);
    }

    @Test
    void a_family_stops_growing_at_its_limit() {
        Registry r = new Registry();
        Counter c = r.register(new Counter("t_total", "c", "k"));
        for (int i = 0; i < Series.LIMIT + 500; i++) c.inc("v" + i);
        assertEquals(Series.LIMIT, Exposition.parse(new String(r.scrape(), StandardCharsets.UTF_8)).seriesCount());
    }

    @Test
    void the_reader_refuses_what_the_format_forbids() {
        assertThrows(AssertionError.class, () -> Exposition.parse("x 1\n"), "no TYPE");
        assertThrows(AssertionError.class, () -> Exposition.parse("# TYPE x gauge\nx 1\nx 2\n"), "a series twice");
        assertThrows(AssertionError.class, () -> Exposition.parse("# TYPE x gauge\nx{a=\"\\t\"} 1\n"), "bad escape");
        assertThrows(AssertionError.class, () -> Exposition.parse("# TYPE x gauge\n# TYPE y gauge\nx 1\ny 1\nx{a=\"b\"} 1\n"),
            "two groups");
        assertThrows(AssertionError.class, () -> Exposition.parse("# TYPE x gauge\nx 1"), "no final line feed");
        assertThrows(AssertionError.class, () -> Exposition.parse("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
            + "h_sum 1\nh_count 1\n"), "not cumulative");
        assertThrows(IllegalArgumentException.class, () -> new Counter("no_suffix", "c"));
    }
}
