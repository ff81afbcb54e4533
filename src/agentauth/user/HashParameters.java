package agentauth.user;

/**
 * The Argon2id cost of a hash: memory in KiB, passes, lanes. One parameter set is stronger than
 * another when it does more work (memory times passes); at equal work, fewer lanes are stronger,
 * since lanes run side by side on their own threads.
 */
record HashParameters(int memoryKib, int iterations, int parallelism) {

    /** The parameters of an encoded hash ($argon2id$v=19$m=..,t=..,p=..$salt$hash), or null if it is not one. */
    static HashParameters of(String encoded) {
        if (encoded == null) return null;
        String[] parts = encoded.split("\\$");
        if (parts.length < 6 || !parts[1].equals("argon2id")) return null;
        int m = 0, t = 0, p = 0;
        for (String kv : parts[3].split(",")) {
            String[] pair = kv.split("=");
            if (pair.length != 2) return null;
            int v;
            try { v = Integer.parseInt(pair[1]); } catch (NumberFormatException e) { return null; }
            switch (pair[0]) {
                case "m" -> m = v;
                case "t" -> t = v;
                case "p" -> p = v;
                default -> { return null; }
            }
        }
        return new HashParameters(m, t, p);
    }

    long work() {
        return (long) memoryKib * iterations;
    }

    boolean strongerThan(HashParameters other) {
        if (work() != other.work()) return work() > other.work();
        return parallelism < other.parallelism;
    }

    /** True when any one parameter is below {@code wanted}'s: the hash should be made again. */
    boolean below(HashParameters wanted) {
        return memoryKib < wanted.memoryKib || iterations < wanted.iterations || parallelism < wanted.parallelism;
    }

    @Override
    public String toString() {
        return "m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism;
    }
}
