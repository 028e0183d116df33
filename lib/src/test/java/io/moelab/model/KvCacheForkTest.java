package io.moelab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.moelab.moe.TokenBatch;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sequences continued from forked copies of a cache equal full forwards of prefix + continuation. */
class KvCacheForkTest {

    @Test
    void forkedCopiesContinueTheirSourceAndLeaveItUnchanged() {
        MoeModel model = MoeModel.load(SharedFixtures.hf("qwen2_moe"));
        Random random = new Random(9);
        int[][] prefixes = {
            random.ints(7, 0, 256).toArray(), random.ints(3, 0, 256).toArray()
        };
        int[][] continuations = {
            random.ints(4, 0, 256).toArray(),
            random.ints(2, 0, 256).toArray(),
            random.ints(5, 0, 256).toArray()
        };
        int[] sources = {1, 0, 1};
        KvCache cache = new KvCache(model.config(), 2);
        model.forward(
                TokenBatch.of(prefixes), ForwardOptions.builder().kvCache(cache).build());

        KvCache forked = cache.fork(sources);
        assertEquals(3, forked.sequences());
        ForwardResult continued = model.forward(
                TokenBatch.of(continuations),
                ForwardOptions.builder().kvCache(forked).build());
        for (int i = 0; i < continuations.length; i++) {
            int[] prefix = prefixes[sources[i]];
            assertEquals(prefix.length + continuations[i].length, forked.length(i));
            int[] whole = concat(prefix, continuations[i]);
            float[][] full = model.forward(TokenBatch.of(whole)).logitsOf(0);
            BatchingAndCacheTest.assertRowsClose(
                    Arrays.copyOfRange(full, prefix.length, whole.length), continued.logitsOf(i), "continuation " + i);
        }
        assertEquals(7, cache.length(0), "the source cache keeps its own length");
        assertEquals(3, cache.length(1));
        // The source still continues its own sequence correctly after its copies went on.
        int[] more = random.ints(2, 0, 256).toArray();
        ForwardResult sourceContinued = model.forward(
                TokenBatch.of(more, more),
                ForwardOptions.builder().kvCache(cache).build());
        float[][] full = model.forward(TokenBatch.of(concat(prefixes[1], more))).logitsOf(0);
        BatchingAndCacheTest.assertRowsClose(
                Arrays.copyOfRange(full, 3, 5), sourceContinued.logitsOf(1), "source after fork");
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
