package agentauth.throttle;

/**
 * Brute-force throttling of secret checks, keyed so that it reveals nothing about whether a
 * user exists. {@link #check} runs before the secret is checked and throws 429 when held back;
 * the attempt it lets through is then told how the check went.
 */
public interface Throttle {
    /**
     * Lets one secret check through, or refuses it.
     *
     * @throws agentauth.error.AuthError.TooManyRequests when this name/address must wait
     */
    Attempt check(String name, String address);

    /** Clears every counter of a name (the admin's unthrottle). */
    void clear(String name);

    /** One secret check let through: what the throttle read for it, so the outcome reads nothing again. */
    interface Attempt {
        /** True when this name succeeded from this address recently (it gets the hashing fast lane). */
        boolean recentlySucceeded();

        void failed();

        void succeeded();
    }
}
