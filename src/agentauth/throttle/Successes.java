package agentauth.throttle;

import agentauth.throttle.Keys.Key;

/** When each (name, address) last succeeded: the exemption that keeps a working agent from being locked out. */
interface Successes {
    void record(Key pair, long now);

    /** True when this key succeeded less than {@code maxAgeMs} ago. */
    boolean recent(Key pair, long now, long maxAgeMs);
}
