package agentauth.throttle;

import agentauth.throttle.Keys.Key;

/** When each (name, address) last succeeded: the exemption that keeps a working agent from being locked out. */
interface Successes {
    /** When this key last succeeded, in epoch ms, or 0 ({@code now}: the caller's clock, for what may be remembered). */
    long last(Key pair, long now);

    /** A success now; {@code last} is what {@link #last} said before this attempt's check. */
    void record(Key pair, long now, long last);
}
