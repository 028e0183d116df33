package io.moelab.model;

import io.moelab.moe.TokenBatch;

/** Splits a batch's sequences into contiguous groups of about equal token counts, one group per forward thread. */
final class SequenceShards {
    private SequenceShards() {}

    /**
     * Group boundaries as sequence indices: group g is sequences {@code b[g]..b[g+1]-1}. There are
     * {@code min(threads, batch.size())} groups, none empty; each boundary is the sequence start
     * closest to an equal share of the tokens.
     */
    static int[] boundaries(TokenBatch batch, int threads) {
        int sequences = batch.size();
        int groups = Math.min(threads, sequences);
        int[] bounds = new int[groups + 1];
        bounds[groups] = sequences;
        for (int g = 1; g < groups; g++) {
            long target = (long) batch.totalTokens() * g / groups;
            int b = bounds[g - 1] + 1;
            int last = sequences - (groups - g);
            while (b < last && Math.abs(batch.start(b + 1) - target) <= Math.abs(batch.start(b) - target)) {
                b++;
            }
            bounds[g] = b;
        }
        return bounds;
    }
}
