package io.moelab.stats;

/**
 * The deterministic token sample shared by similarity and routing traces: token
 * {@code (sequenceId, position)} is in the sample iff {@code u(seed, sequenceId, position) < rate},
 * {@code u} being a SplitMix64-mixed hash mapped to [0, 1) with 53 bits. The decision depends on
 * nothing else, so it is the same for every partitioning, batch composition and merge order.
 */
public final class SampleHash {
    private SampleHash() {}

    /** Uniform in [0, 1): a function of its three arguments only. */
    public static double uniform(long seed, long sequenceId, long position) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        h = mix(h ^ sequenceId);
        h = mix(h ^ position);
        return (h >>> 11) * 0x1p-53;
    }

    public static boolean sampled(long seed, long sequenceId, long position, double rate) {
        return rate >= 1.0 || (rate > 0 && uniform(seed, sequenceId, position) < rate);
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
