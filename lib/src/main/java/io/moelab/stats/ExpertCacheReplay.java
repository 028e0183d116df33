package io.moelab.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replays a routing trace through per-layer expert caches, as expert-offloading studies do
 * (ExpertFlow, HOBBIT, Pre-gated MoE; docs/METHODS.md §1 "Inter-layer affinity"), without any GPU.
 *
 * <p>A trace is a list of tokens in processing order; token {@code t} gives, per MoE layer
 * {@code l}, the experts it used in order ({@code trace.get(t)[l]}). Tokens are processed one at a
 * time, layers in order, experts in order; each expert use is one lookup in that layer's cache of
 * {@code capacity} experts; a miss loads the expert, evicting one when the cache is full. Caches
 * start empty. Hit rate = hits / lookups, counted as longs.
 *
 * <ul>
 *   <li>{@link #lru}: evict the least recently used expert.</li>
 *   <li>{@link #lfu}: evict the cached expert with the fewest lookups so far in that layer
 *       (counts are kept for every expert, cached or not, from the start of the replay); ties go
 *       to the least recently used.</li>
 *   <li>{@link #affinityPrefetch}: LRU caches, plus: once token t's experts at layer l are looked
 *       up, the {@code prefetch} experts e' with the largest score
 *       {@code Σ_{e ∈ K_l(t)} A_l[e][e']} (ties to the lower index, only scores &gt; 0) are loaded
 *       into layer l+1's cache as most recently used (already cached ones are refreshed), before
 *       layer l+1 is looked up. Prefetch loads are not lookups. {@code A} is either given (e.g.
 *       {@link LayerAffinity#count} from calibration) or learned online: after each
 *       token, its own transitions e → e' are added, so a token is never predicted from itself.</li>
 * </ul>
 */
public final class ExpertCacheReplay {
    private ExpertCacheReplay() {}

    /** Hits and lookups, overall and per MoE layer. */
    public record HitRates(long lookups, long hits, long[] lookupsPerLayer, long[] hitsPerLayer) {
        public double hitRate() {
            return lookups == 0 ? Double.NaN : (double) hits / lookups;
        }

        public double hitRate(int moeLayer) {
            return lookupsPerLayer[moeLayer] == 0
                    ? Double.NaN
                    : (double) hitsPerLayer[moeLayer] / lookupsPerLayer[moeLayer];
        }
    }

    /**
     * Groups sampled {@link RoutingTrace} rows into tokens ordered by (docId, position), layers in
     * the order of {@code decoderLayers}; a layer a token has no row for is empty.
     */
    public static List<int[][]> tokensOf(List<RoutingTrace> rows, int[] decoderLayers) {
        Map<Integer, Integer> layerIndex = new TreeMap<>();
        for (int i = 0; i < decoderLayers.length; i++) {
            layerIndex.put(decoderLayers[i], i);
        }
        TreeMap<long[], int[][]> tokens =
                new TreeMap<>(Comparator.<long[]>comparingLong(k -> k[0]).thenComparingLong(k -> k[1]));
        for (RoutingTrace row : rows) {
            Integer l = layerIndex.get(row.layer());
            if (l == null) {
                throw new IllegalArgumentException("trace row of layer " + row.layer() + ", not one of the MoE layers "
                        + Arrays.toString(decoderLayers));
            }
            int[][] token = tokens.computeIfAbsent(
                    new long[] {row.docId(), row.position()}, k -> emptyToken(decoderLayers.length));
            token[l] = row.experts().clone();
        }
        return new ArrayList<>(tokens.values());
    }

    private static int[][] emptyToken(int layers) {
        int[][] out = new int[layers][];
        Arrays.fill(out, new int[0]);
        return out;
    }

    public static HitRates lru(List<int[][]> trace, int numExperts, int capacity) {
        return replay(trace, numExperts, capacity, false, 0, null);
    }

    public static HitRates lfu(List<int[][]> trace, int numExperts, int capacity) {
        return replay(trace, numExperts, capacity, true, 0, null);
    }

    /**
     * @param prefetch how many experts to prefetch into the next layer's cache, at most {@code capacity}
     * @param affinity {@code affinity[l][e][e']} for each consecutive MoE layer pair, or null to learn it online
     */
    public static HitRates affinityPrefetch(
            List<int[][]> trace, int numExperts, int capacity, int prefetch, long[][][] affinity) {
        if (prefetch < 0 || prefetch > capacity) {
            throw new IllegalArgumentException(
                    "prefetch must be in 0.." + capacity + " (the capacity), got " + prefetch);
        }
        return replay(trace, numExperts, capacity, false, prefetch, affinity);
    }

    private static HitRates replay(
            List<int[][]> trace, int numExperts, int capacity, boolean lfu, int prefetch, long[][][] givenAffinity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("cache capacity must be >= 1, got " + capacity);
        }
        int layers = trace.isEmpty() ? 0 : trace.get(0).length;
        Cache[] caches = new Cache[layers];
        for (int l = 0; l < layers; l++) {
            caches[l] = new Cache(numExperts, capacity, lfu);
        }
        long[][][] affinity = givenAffinity;
        boolean learn = prefetch > 0 && givenAffinity == null;
        if (learn) {
            affinity = new long[Math.max(0, layers - 1)][numExperts][numExperts];
        }
        long[] lookups = new long[layers];
        long[] hits = new long[layers];
        for (int[][] token : trace) {
            if (token.length != layers) {
                throw new IllegalArgumentException(
                        "every token of a trace needs " + layers + " layers, got " + token.length);
            }
            for (int l = 0; l < layers; l++) {
                for (int e : token[l]) {
                    lookups[l]++;
                    if (caches[l].lookup(e)) {
                        hits[l]++;
                    }
                }
                if (prefetch > 0 && l + 1 < layers) {
                    for (int e : predict(affinity[l], token[l], prefetch, numExperts)) {
                        caches[l + 1].prefetch(e);
                    }
                }
            }
            if (learn) {
                for (int l = 0; l + 1 < layers; l++) {
                    for (int e : token[l]) {
                        for (int f : token[l + 1]) {
                            affinity[l][e][f]++;
                        }
                    }
                }
            }
        }
        long totalLookups = 0;
        long totalHits = 0;
        for (int l = 0; l < layers; l++) {
            totalLookups += lookups[l];
            totalHits += hits[l];
        }
        return new HitRates(totalLookups, totalHits, lookups, hits);
    }

    /** The top {@code count} next experts by summed affinity from {@code current}; positive scores only, ties to the lower index. */
    static int[] predict(long[][] affinity, int[] current, int count, int numExperts) {
        long[] score = new long[numExperts];
        for (int e : current) {
            for (int f = 0; f < numExperts; f++) {
                score[f] += affinity[e][f];
            }
        }
        Integer[] order = new Integer[numExperts];
        for (int f = 0; f < numExperts; f++) {
            order[f] = f;
        }
        Arrays.sort(order, (a, b) -> score[a] != score[b] ? Long.compare(score[b], score[a]) : Integer.compare(a, b));
        int n = 0;
        int[] out = new int[Math.min(count, numExperts)];
        for (int i = 0; i < out.length && score[order[i]] > 0; i++) {
            out[n++] = order[i];
        }
        return Arrays.copyOf(out, n);
    }

    /** One layer's cache: membership, last use and lookup counts per expert; eviction by scan (E is small). */
    private static final class Cache {
        private final boolean[] cached;
        private final long[] lastUse;
        private final long[] frequency;
        private final int capacity;
        private final boolean lfu;
        private int size;
        private long clock;

        Cache(int experts, int capacity, boolean lfu) {
            this.cached = new boolean[experts];
            this.lastUse = new long[experts];
            this.frequency = new long[experts];
            this.capacity = capacity;
            this.lfu = lfu;
        }

        boolean lookup(int expert) {
            frequency[expert]++;
            lastUse[expert] = ++clock;
            if (cached[expert]) {
                return true;
            }
            load(expert);
            return false;
        }

        void prefetch(int expert) {
            lastUse[expert] = ++clock;
            if (!cached[expert]) {
                load(expert);
            }
        }

        private void load(int expert) {
            if (size == capacity) {
                int victim = -1;
                for (int e = 0; e < cached.length; e++) {
                    if (cached[e] && e != expert && (victim < 0 || worse(e, victim))) {
                        victim = e;
                    }
                }
                cached[victim] = false;
                size--;
            }
            cached[expert] = true;
            size++;
        }

        /** Whether {@code a} is a better eviction victim than {@code b}. */
        private boolean worse(int a, int b) {
            if (lfu && frequency[a] != frequency[b]) {
                return frequency[a] < frequency[b];
            }
            return lastUse[a] < lastUse[b];
        }
    }
}
