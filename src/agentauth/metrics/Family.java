package agentauth.metrics;

/** A metric family, or several written together: what a scrape asks each one to write. */
@FunctionalInterface
public interface Family {
    void write(TextFormat out);
}
