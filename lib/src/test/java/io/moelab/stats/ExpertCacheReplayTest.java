package io.moelab.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hit rates traced by hand. */
class ExpertCacheReplayTest {

    private static List<int[][]> oneLayer(int... experts) {
        List<int[][]> out = new ArrayList<>();
        for (int e : experts) {
            out.add(new int[][] {{e}});
        }
        return out;
    }

    @Test
    void lruAndLfuDifferAsTraced() {
        // capacity 2; lookups 0 0 0 1 2 1 2 0
        // LRU: m h h m(01) m evict0 (12) h h m  -> 4 hits
        // LFU: m h h m(01) m evict1 (f1=1) (02), 1 m evict2 (f=1) (01), 2 m evict1 (f1=2 < f0=3) (02), 0 h -> 3 hits
        List<int[][]> trace = oneLayer(0, 0, 0, 1, 2, 1, 2, 0);
        ExpertCacheReplay.HitRates lru = ExpertCacheReplay.lru(trace, 4, 2);
        assertEquals(8, lru.lookups());
        assertEquals(4, lru.hits());
        assertEquals(0.5, lru.hitRate());
        ExpertCacheReplay.HitRates lfu = ExpertCacheReplay.lfu(trace, 4, 2);
        assertEquals(8, lfu.lookups());
        assertEquals(3, lfu.hits());
    }

    @Test
    void affinityPrefetchGivenAndLearned() {
        // 2 layers, capacity 1: tokens (0 -> 1), (2 -> 3), (0 -> 1)
        List<int[][]> trace = List.of(new int[][] {{0}, {1}}, new int[][] {{2}, {3}}, new int[][] {{0}, {1}});
        assertEquals(0, ExpertCacheReplay.lru(trace, 4, 1).hits());
        long[][][] given = new long[1][4][4];
        given[0][0][1] = 5;
        given[0][2][3] = 5;
        given[0][2][0] = 1;
        ExpertCacheReplay.HitRates prefetched = ExpertCacheReplay.affinityPrefetch(trace, 4, 1, 1, given);
        assertEquals(6, prefetched.lookups());
        assertEquals(3, prefetched.hits());
        assertArrayEquals(new long[] {0, 3}, prefetched.hitsPerLayer());
        assertEquals(1.0, prefetched.hitRate(1));
        // learned online: nothing known for token 1 and token 2 (0->1 says nothing about 2); token 3 predicts 1
        ExpertCacheReplay.HitRates learned = ExpertCacheReplay.affinityPrefetch(trace, 4, 1, 1, null);
        assertArrayEquals(new long[] {0, 1}, learned.hitsPerLayer());
        // a wrong prediction evicts the expert the token needs
        long[][][] wrong = new long[1][4][4];
        wrong[0][0][2] = 1;
        List<int[][]> repeat = List.of(new int[][] {{0}, {1}}, new int[][] {{0}, {1}});
        assertArrayEquals(new long[] {1, 1}, ExpertCacheReplay.lru(repeat, 4, 1).hitsPerLayer());
        assertArrayEquals(
                new long[] {1, 0},
                ExpertCacheReplay.affinityPrefetch(repeat, 4, 1, 1, wrong).hitsPerLayer());
    }

    @Test
    void predictionTakesTopScoresTiesToLowerIndex() {
        long[][] a = {{0, 3, 3, 1}, {0, 0, 1, 5}};
        assertArrayEquals(new int[] {1, 2}, ExpertCacheReplay.predict(a, new int[] {0}, 2, 4));
        assertArrayEquals(new int[] {3, 2}, ExpertCacheReplay.predict(a, new int[] {0, 1}, 2, 4));
        assertArrayEquals(new int[] {}, ExpertCacheReplay.predict(new long[4][4], new int[] {0}, 2, 4));
    }

    @Test
    void traceRowsGroupIntoTokensByDocumentAndPosition() {
        List<RoutingTrace> rows = List.of(
                new RoutingTrace(7, 1, 3, new int[] {2}, new float[] {1}),
                new RoutingTrace(7, 1, 1, new int[] {0, 1}, new float[] {0.5f, 0.5f}),
                new RoutingTrace(2, 4, 1, new int[] {3}, new float[] {1}));
        List<int[][]> tokens = ExpertCacheReplay.tokensOf(rows, new int[] {1, 3});
        assertEquals(2, tokens.size());
        assertArrayEquals(new int[] {3}, tokens.get(0)[0]);
        assertArrayEquals(new int[] {}, tokens.get(0)[1]);
        assertArrayEquals(new int[] {0, 1}, tokens.get(1)[0]);
        assertArrayEquals(new int[] {2}, tokens.get(1)[1]);
    }
}
