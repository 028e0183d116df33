package io.moelab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.RoutingRecorder;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A sequence gives the same outputs alone, in a ragged or padded batch, and decoded token by token with a KV cache. */
class BatchingAndCacheTest {
    private static final double TOLERANCE = 1e-5;
    private static MoeModel model;
    private static int[][] sequences;

    @BeforeAll
    static void load() {
        model = MoeModel.load(SharedFixtures.hf("qwen2_moe"));
        Random random = new Random(42);
        sequences =
                new int[][] {randomIds(random, 5), randomIds(random, 17), randomIds(random, 1), randomIds(random, 9)};
    }

    private static int[] randomIds(Random random, int length) {
        int[] ids = new int[length];
        for (int i = 0; i < length; i++) {
            ids[i] = random.nextInt(256);
        }
        return ids;
    }

    @Test
    void raggedBatchEqualsEachSequenceAlone() {
        ForwardResult batched = model.forward(TokenBatch.of(sequences));
        for (int s = 0; s < sequences.length; s++) {
            float[][] alone = model.forward(TokenBatch.of(sequences[s])).logitsOf(0);
            assertRowsClose(alone, batched.logitsOf(s), "sequence " + s);
        }
    }

    @Test
    void leftAndRightPaddedBatchesEqualEachSequenceAlone() {
        int width = 20;
        int[][] leftIds = new int[sequences.length][width];
        int[][] leftMask = new int[sequences.length][width];
        int[][] rightIds = new int[sequences.length][width];
        int[][] rightMask = new int[sequences.length][width];
        for (int s = 0; s < sequences.length; s++) {
            int n = sequences[s].length;
            java.util.Arrays.fill(leftIds[s], 0);
            java.util.Arrays.fill(rightIds[s], 0);
            for (int i = 0; i < n; i++) {
                leftIds[s][width - n + i] = sequences[s][i];
                leftMask[s][width - n + i] = 1;
                rightIds[s][i] = sequences[s][i];
                rightMask[s][i] = 1;
            }
        }
        ForwardResult left = model.forward(TokenBatch.fromPadded(leftIds, leftMask));
        ForwardResult right = model.forward(TokenBatch.fromPadded(rightIds, rightMask));
        for (int s = 0; s < sequences.length; s++) {
            float[][] alone = model.forward(TokenBatch.of(sequences[s])).logitsOf(0);
            assertRowsClose(alone, left.logitsOf(s), "left-padded sequence " + s);
            assertRowsClose(alone, right.logitsOf(s), "right-padded sequence " + s);
        }
    }

    @Test
    void paddingInsideASequenceIsRejected() {
        MoelabInputException e = assertThrows(
                MoelabInputException.class,
                () -> TokenBatch.fromPadded(new int[][] {{5, 6, 7}}, new int[][] {{1, 0, 1}}));
        assertTrue(e.getMessage().contains("attention_mask row 0"), e.getMessage());
    }

    @Test
    void incrementalDecodingWithKvCacheEqualsFullForward() {
        int[][] prompts = {java.util.Arrays.copyOf(sequences[1], 6), java.util.Arrays.copyOf(sequences[3], 2)};
        int[][] full = {sequences[1], sequences[3]};
        KvCache cache = new KvCache(model.config(), 2);
        ForwardResult first = model.forward(
                TokenBatch.of(prompts), ForwardOptions.builder().kvCache(cache).build());
        float[][][] fullLogits = {
            model.forward(TokenBatch.of(full[0])).logitsOf(0),
            model.forward(TokenBatch.of(full[1])).logitsOf(0)
        };
        for (int s = 0; s < 2; s++) {
            assertRowsClose(
                    java.util.Arrays.copyOf(fullLogits[s], prompts[s].length), first.logitsOf(s), "prompt " + s);
        }
        // Then one token per step per sequence, as greedy decoding feeds them.
        for (int step = 0; step < 7; step++) {
            int[][] next = new int[2][];
            for (int s = 0; s < 2; s++) {
                int position = prompts[s].length + step;
                next[s] = new int[] {full[s][position]};
            }
            ForwardResult result = model.forward(
                    TokenBatch.of(next), ForwardOptions.builder().kvCache(cache).build());
            for (int s = 0; s < 2; s++) {
                int position = prompts[s].length + step;
                assertRowsClose(
                        new float[][] {fullLogits[s][position]},
                        result.logitsOf(s),
                        "sequence " + s + " step at position " + position);
            }
        }
        assertEquals(13, cache.length(0));
        assertEquals(9, cache.length(1));
    }

    @Test
    void stoppingAfterLastMoeLayerKeepsRoutingAndSkipsLogits() {
        RoutingRecorder full = new RoutingRecorder();
        RoutingRecorder stopped = new RoutingRecorder();
        model.forward(
                TokenBatch.of(sequences), ForwardOptions.builder().observe(full).build());
        ForwardResult result = model.forward(
                TokenBatch.of(sequences),
                ForwardOptions.builder()
                        .observe(stopped)
                        .stopAfterLastMoeLayer(true)
                        .build());
        assertEquals(null, result.logits());
        assertEquals(full.layers().size(), stopped.layers().size());
        for (int l = 0; l < full.layers().size(); l++) {
            assertEquals(
                    java.util.Arrays.toString(full.layers().get(l).routerLogits()),
                    java.util.Arrays.toString(stopped.layers().get(l).routerLogits()));
        }
    }

    static void assertRowsClose(float[][] expected, float[][] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": rows");
        for (int t = 0; t < expected.length; t++) {
            HuggingFaceReferenceTest.assertClose(expected[t], actual[t], what + " row " + t);
        }
    }
}
