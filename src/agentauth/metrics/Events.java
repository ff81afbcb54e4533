package agentauth.metrics;

import java.util.List;

/**
 * What the services tell the outside about their work, for counting: they hold an {@code Events}
 * (no-op by default) and never a metrics registry, Javalin or Jetty. Every argument is one of a
 * fixed set of values, never a name, address or path, so a counter fed from here cannot grow a
 * series per client. Implementations must be cheap and thread-safe: they run on request threads,
 * and must never throw.
 */
public interface Events {
    /** Tells nobody: for services built without metrics (commands, tests). */
    Events NONE = new Events() {};

    /** Why a DPoP proof was refused (contract D); anything else is counted as {@code other}. */
    List<String> DPOP_REASONS = List.of("missing", "malformed", "signature", "key_mismatch", "htm", "htu", "iat", "ath",
        "replay", "nonce");

    /** A used refresh token came back outside the retry window: its family ended. */
    default void refreshReuseDetected() {}

    /** A used refresh token came back inside the retry window and got the same answer again. */
    default void retryWindowHit() {}

    /** A secret check was held back (429) by {@code counter}: name_address, name or address. */
    default void loginThrottled(String counter) {}

    /** An Argon2 hash got a slot and starts now. */
    default void hashStarted() {}

    /** The hash started with {@link #hashStarted} is done after {@code nanos}. */
    default void hashFinished(long nanos) {}

    /** A hash was refused (503): every slot and queue place was taken. */
    default void hashRejected() {}

    /** A DPoP proof was refused, for one of {@link #DPOP_REASONS}. */
    default void dpopRejected(String reason) {}

    /** An admin killed a user (contract B). */
    default void userKilled() {}
}
