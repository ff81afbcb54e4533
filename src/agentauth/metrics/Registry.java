package agentauth.metrics;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The families a scrape writes, in the order they were registered. */
public final class Registry {
    private final List<Family> families = new CopyOnWriteArrayList<>();

    public <F extends Family> F register(F family) {
        families.add(family);
        return family;
    }

    /** One scrape: every family in the text format, as UTF-8. */
    public byte[] scrape() {
        TextFormat out = new TextFormat();
        for (Family f : families) f.write(out);
        return out.text().getBytes(StandardCharsets.UTF_8);
    }
}
