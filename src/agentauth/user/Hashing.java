package agentauth.user;

/**
 * Argon2id cost per hash, and how many hashes may run and wait at once: the hasher's settings,
 * which {@code Config} reads from the command line (here, beside their user, so that services
 * never import the configuration above them).
 */
public record Hashing(int memoryKib, int iterations, int parallelism, int concurrency, int queue) {}
