package io.moelab.model;

import io.moelab.routing.RoutingContext;
import java.util.Arrays;

/**
 * Keys (after RoPE) and values of every token seen so far, per layer and sequence, for
 * incremental decoding. A forward call appends its tokens; positions continue from
 * {@link #length(int)}. Stored token-major ([token][kvHeads·headDim]) so growth is one copy.
 * Also keeps each sequence's running prefix key ({@link RoutingContext#tokenKey}), so that a token
 * decoded incrementally gets the same key as in a full forward pass.
 */
public final class KvCache {
    private final int width;
    private final float[][][] keys;
    private final float[][][] values;
    private final int[] lengths;
    private final long[] prefixKeys;

    public KvCache(MoeConfig config, int sequences) {
        this.width = config.numKvHeads() * config.headDim();
        this.keys = new float[config.numLayers()][sequences][0];
        this.values = new float[config.numLayers()][sequences][0];
        this.lengths = new int[sequences];
        this.prefixKeys = new long[sequences];
        Arrays.fill(prefixKeys, RoutingContext.EMPTY_PREFIX_KEY);
    }

    private KvCache(int width, float[][][] keys, float[][][] values, int[] lengths, long[] prefixKeys) {
        this.width = width;
        this.keys = keys;
        this.values = values;
        this.lengths = lengths;
        this.prefixKeys = prefixKeys;
    }

    /**
     * A new cache whose sequence {@code i} continues a copy of this cache's sequence
     * {@code sources[i]}: requests that share a prefix forward it once and each go on from its
     * own copy. This cache is left unchanged.
     */
    public KvCache fork(int... sources) {
        int layers = keys.length;
        float[][][] forkedKeys = new float[layers][sources.length][];
        float[][][] forkedValues = new float[layers][sources.length][];
        int[] forkedLengths = new int[sources.length];
        long[] forkedPrefixKeys = new long[sources.length];
        for (int i = 0; i < sources.length; i++) {
            int source = sources[i];
            forkedLengths[i] = lengths[source];
            forkedPrefixKeys[i] = prefixKeys[source];
            int used = lengths[source] * width;
            for (int l = 0; l < layers; l++) {
                forkedKeys[l][i] = Arrays.copyOf(keys[l][source], used);
                forkedValues[l][i] = Arrays.copyOf(values[l][source], used);
            }
        }
        return new KvCache(width, forkedKeys, forkedValues, forkedLengths, forkedPrefixKeys);
    }

    public int sequences() {
        return lengths.length;
    }

    /** Tokens already cached for a sequence (= the position of its next token). */
    public int length(int sequence) {
        return lengths[sequence];
    }

    int[] lengths() {
        return lengths.clone();
    }

    /** Per sequence, the prefix key of all its cached tokens (its last cached token's key). */
    long[] prefixKeys() {
        return prefixKeys.clone();
    }

    /** Stores rows {@code from..from+count} of k and v as the next tokens of {@code sequence} at {@code layer}. */
    void append(int layer, int sequence, float[] k, float[] v, int from, int count) {
        int past = lengths[sequence];
        int needed = (past + count) * width;
        if (keys[layer][sequence].length < needed) {
            int capacity = Math.max(needed, keys[layer][sequence].length * 2);
            keys[layer][sequence] = Arrays.copyOf(keys[layer][sequence], capacity);
            values[layer][sequence] = Arrays.copyOf(values[layer][sequence], capacity);
        }
        System.arraycopy(k, from * width, keys[layer][sequence], past * width, count * width);
        System.arraycopy(v, from * width, values[layer][sequence], past * width, count * width);
    }

    float[] keys(int layer, int sequence) {
        return keys[layer][sequence];
    }

    float[] values(int layer, int sequence) {
        return values[layer][sequence];
    }

    /** Makes the tokens appended by a finished forward call, with their keys, part of the history. */
    void advance(TokenBatch batch, RoutingContext context) {
        for (int s = 0; s < batch.size(); s++) {
            lengths[s] += batch.length(s);
            prefixKeys[s] = context.tokenKey(batch.start(s) + batch.length(s) - 1);
        }
    }
}
