package agentauth.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * agent-auth's slf4j binding, chosen by {@code agentauth.Logging} through the {@code slf4j.provider}
 * property: one line per event on standard error, as text or JSON ({@link LogLines}), with the
 * request's id (from the MDC) on every line written while a request runs.
 */
public final class LogProvider implements SLF4JServiceProvider {
    private ILoggerFactory loggers;
    private IMarkerFactory markers;
    private MDCAdapter mdc;

    @Override
    public void initialize() {
        loggers = new LineLoggers();
        markers = new BasicMarkerFactory();
        mdc = new ThreadMdc();
    }

    @Override public ILoggerFactory getLoggerFactory() { return loggers; }

    @Override public IMarkerFactory getMarkerFactory() { return markers; }

    @Override public MDCAdapter getMDCAdapter() { return mdc; }

    @Override public String getRequestedApiVersion() { return "2.0.99"; }
}
