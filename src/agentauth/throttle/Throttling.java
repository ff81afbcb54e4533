package agentauth.throttle;

import java.time.Duration;

/**
 * The failure throttle's limits, windows and delays, which {@code Config} reads from the command
 * line (here, beside their user, so that services never import the configuration above them).
 */
public record Throttling(int nameAddressFailures, int nameFailures, Duration window,
                         int addressFailures, int addressNames, Duration addressWindow,
                         Duration delay, Duration maxDelay) {}
