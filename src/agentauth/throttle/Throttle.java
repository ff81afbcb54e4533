package agentauth.throttle;

/**
 * Brute-force throttling of secret checks, keyed so that it reveals nothing about whether a
 * user exists. {@link #check} runs before the secret is checked and throws 429 when held back.
 */
public interface Throttle {
    /** @throws agentauth.error.AuthError.TooManyRequests when this name/address must wait */
    void check(String name, String address);

    void failed(String name, String address);

    void succeeded(String name, String address);

    /** True when this name succeeded from this address recently (it gets the hashing fast lane). */
    boolean recentlySucceeded(String name, String address);

    /** Clears every counter of a name (the admin's unthrottle). */
    void clear(String name);
}
