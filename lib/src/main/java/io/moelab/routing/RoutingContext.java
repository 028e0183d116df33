package io.moelab.routing;

import io.moelab.moe.TokenBatch;
import java.util.Arrays;

/**
 * What a routing policy may know about each packed token besides its router logits: a key for
 * the token together with all the text before it, and its position in its sequence. A policy
 * that decides from these (random routing) decides the same way whatever the batch, the
 * partitioning or the KV-cache use, because a token's key depends on its own sequence's ids only.
 */
public final class RoutingContext {
    /** The key of an empty prefix, from which every sequence's keys start. */
    public static final long EMPTY_PREFIX_KEY = 0L;

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private final long[] tokenKeys;
    private final int[] positions;

    /**
     * @param tokenKeys per packed token, the key of its sequence's ids up to and including it
     * @param positions per packed token, its position in its sequence
     */
    public RoutingContext(long[] tokenKeys, int[] positions) {
        if (tokenKeys.length != positions.length) {
            throw new IllegalArgumentException(tokenKeys.length + " token keys but " + positions.length + " positions");
        }
        this.tokenKeys = tokenKeys;
        this.positions = positions;
    }

    /** The context of a batch whose sequences all start at position 0. */
    public static RoutingContext of(TokenBatch batch) {
        long[] emptyKeys = new long[batch.size()];
        Arrays.fill(emptyKeys, EMPTY_PREFIX_KEY);
        return continuing(batch, new int[batch.size()], emptyKeys);
    }

    /**
     * The context of a batch whose sequence {@code s} continues {@code pastLengths[s]} earlier
     * tokens whose last key was {@code pastKeys[s]} (incremental decoding).
     */
    public static RoutingContext continuing(TokenBatch batch, int[] pastLengths, long[] pastKeys) {
        long[] keys = new long[batch.totalTokens()];
        int[] positions = new int[batch.totalTokens()];
        for (int s = 0; s < batch.size(); s++) {
            long key = pastKeys[s];
            for (int i = 0; i < batch.length(s); i++) {
                int t = batch.start(s) + i;
                key = extendKey(key, batch.token(t));
                keys[t] = key;
                positions[t] = pastLengths[s] + i;
            }
        }
        return new RoutingContext(keys, positions);
    }

    /**
     * The key of a prefix extended by one token id: SplitMix64's finaliser over the prefix key
     * plus a Weyl step per id, so keys are order-sensitive and collide with probability ~2⁻⁶⁴.
     */
    public static long extendKey(long prefixKey, int tokenId) {
        long z = prefixKey + GOLDEN_GAMMA * (tokenId + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public int tokens() {
        return tokenKeys.length;
    }

    /** The key of packed token {@code token}'s sequence ids up to and including it. */
    public long tokenKey(int token) {
        return tokenKeys[token];
    }

    public int position(int token) {
        return positions[token];
    }

    /** Every token's position, as a fresh array. */
    public int[] positions() {
        return positions.clone();
    }
}
