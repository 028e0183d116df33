package io.moelab.model;

import io.moelab.moe.MoeConfig;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.RoutingContext;
import java.util.Arrays;

/**
 * Keys (after RoPE) and values of every token seen so far, per layer and sequence, for
 * incremental decoding. A forward call appends its tokens; positions continue from
 * {@link #length(int)}. Stored token-major ([token][kvHeads·headDim]) so growth is one copy.
 * Also keeps each sequence's running prefix key ({@link RoutingContext#tokenKey}), so that a token
 * decoded incrementally gets the same key as in a full forward pass.
 *
 * <p>A {@link #view} covers some of the sequences and writes through to this cache, so that the
 * shards of a multi-threaded forward (each a disjoint range of sequences) fill one cache.
 */
public final class KvCache {
    private final int width;
    private final float[][][] keys;
    private final float[][][] values;
    private final int[] lengths;
    private final long[] prefixKeys;
    /** This cache's sequence {@code s} is sequence {@code first + s} of the arrays above. */
    private final int first;

    private final int count;

    public KvCache(MoeConfig config, int sequences) {
        this.width = config.attention().numKvHeads() * config.attention().headDim();
        this.keys = new float[config.layers().numLayers()][sequences][0];
        this.values = new float[config.layers().numLayers()][sequences][0];
        this.lengths = new int[sequences];
        this.prefixKeys = new long[sequences];
        Arrays.fill(prefixKeys, RoutingContext.EMPTY_PREFIX_KEY);
        this.first = 0;
        this.count = sequences;
    }

    private KvCache(
            int width, float[][][] keys, float[][][] values, int[] lengths, long[] prefixKeys, int first, int count) {
        this.width = width;
        this.keys = keys;
        this.values = values;
        this.lengths = lengths;
        this.prefixKeys = prefixKeys;
        this.first = first;
        this.count = count;
    }

    /** Sequences {@code from..to-1} of this cache as a cache of their own, sharing (not copying) their entries. */
    KvCache view(int from, int to) {
        return new KvCache(width, keys, values, lengths, prefixKeys, first + from, to - from);
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
            int source = first + sources[i];
            forkedLengths[i] = lengths[source];
            forkedPrefixKeys[i] = prefixKeys[source];
            int used = lengths[source] * width;
            for (int l = 0; l < layers; l++) {
                forkedKeys[l][i] = Arrays.copyOf(keys[l][source], used);
                forkedValues[l][i] = Arrays.copyOf(values[l][source], used);
            }
        }
        return new KvCache(width, forkedKeys, forkedValues, forkedLengths, forkedPrefixKeys, 0, sources.length);
    }

    public int sequences() {
        return count;
    }

    /** Tokens already cached for a sequence (= the position of its next token). */
    public int length(int sequence) {
        return lengths[first + sequence];
    }

    int[] lengths() {
        return Arrays.copyOfRange(lengths, first, first + count);
    }

    /** Per sequence, the prefix key of all its cached tokens (its last cached token's key). */
    long[] prefixKeys() {
        return Arrays.copyOfRange(prefixKeys, first, first + count);
    }

    /** Stores rows {@code from..from+rows} of k and v as the next tokens of {@code cacheSequence} at {@code layer}. */
    void append(int layer, int cacheSequence, float[] k, float[] v, int from, int rows) {
        int sequence = first + cacheSequence;
        int past = lengths[sequence];
        int needed = (past + rows) * width;
        if (keys[layer][sequence].length < needed) {
            int capacity = Math.max(needed, keys[layer][sequence].length * 2);
            keys[layer][sequence] = Arrays.copyOf(keys[layer][sequence], capacity);
            values[layer][sequence] = Arrays.copyOf(values[layer][sequence], capacity);
        }
        System.arraycopy(k, from * width, keys[layer][sequence], past * width, rows * width);
        System.arraycopy(v, from * width, values[layer][sequence], past * width, rows * width);
    }

    float[] keys(int layer, int sequence) {
        return keys[layer][first + sequence];
    }

    float[] values(int layer, int sequence) {
        return values[layer][first + sequence];
    }

    /** Makes the tokens appended by a finished forward call, with their keys, part of the history. */
    void advance(TokenBatch batch, RoutingContext context) {
        for (int s = 0; s < batch.size(); s++) {
            lengths[first + s] += batch.length(s);
            prefixKeys[first + s] = context.tokenKey(batch.start(s) + batch.length(s) - 1);
        }
    }
}
