package io.moelab.model;

import static io.moelab.model.HuggingFaceReferenceTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.NativeRouting;
import io.moelab.routing.RoutingContext;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.RoutingPolicy;
import io.moelab.routing.RoutingRecorder;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A forward split by sequence over threads gives the single-threaded result, cache included. Not
 * bit for bit: sgemm's rounding depends on how many rows a product has (OpenBLAS picks kernels and
 * blocking by shape), as for any change of batch shape, so the runtime's 1e-5 bound applies.
 */
class MultiThreadedForwardTest {
    private static final int[] LENGTHS = {12, 3, 30, 1, 7, 19, 5};

    private static int[][] sequences(int vocab, long seed) {
        Random random = new Random(seed);
        int[][] sequences = new int[LENGTHS.length][];
        for (int s = 0; s < LENGTHS.length; s++) {
            sequences[s] = random.ints(LENGTHS[s], 0, vocab).toArray();
        }
        return sequences;
    }

    @ParameterizedTest
    @ValueSource(strings = {"mixtral", "qwen2_moe"})
    void splitForwardIsBitIdenticalToOneThread(String family) {
        MoeModel model = MoeModel.load(SharedFixtures.hf(family));
        TokenBatch batch = TokenBatch.of(sequences(model.config().vocabSize(), 7));
        ForwardResult single = model.forward(
                batch, ForwardOptions.builder().keepLayerOutputs(true).build());
        for (int threads : new int[] {2, 3, 16}) {
            ForwardResult split = model.forward(
                    batch,
                    ForwardOptions.builder()
                            .keepLayerOutputs(true)
                            .threads(threads)
                            .build());
            assertClose(
                    MatrixOps.toFloats(single.logits()),
                    MatrixOps.toFloats(split.logits()),
                    threads + " threads: logits");
            assertEquals(single.layerOutputs().size(), split.layerOutputs().size());
            for (int l = 0; l < single.layerOutputs().size(); l++) {
                assertClose(
                        single.layerOutputs().get(l), split.layerOutputs().get(l), threads + " threads: layer " + l);
            }
        }
    }

    @Test
    void splitPrefillAndDecodingFillTheCacheAsOneThreadDoes() {
        MoeModel model = MoeModel.load(SharedFixtures.hf("qwen2_moe"));
        int[][] prompts = sequences(model.config().vocabSize(), 11);
        KvCache oneThread = new KvCache(model.config(), prompts.length);
        KvCache twoThreads = new KvCache(model.config(), prompts.length);
        int[][] step = prompts;
        for (int round = 0; round < 4; round++) {
            ForwardResult expected = model.forward(
                    TokenBatch.of(step),
                    ForwardOptions.builder().kvCache(oneThread).build());
            ForwardResult actual = model.forward(
                    TokenBatch.of(step),
                    ForwardOptions.builder().kvCache(twoThreads).threads(2).build());
            assertClose(MatrixOps.toFloats(expected.logits()), MatrixOps.toFloats(actual.logits()), "round " + round);
            step = new int[prompts.length][];
            for (int s = 0; s < prompts.length; s++) {
                step[s] = new int[] {(round * 31 + s * 7) % model.config().vocabSize()};
            }
        }
        for (int s = 0; s < prompts.length; s++) {
            assertEquals(LENGTHS[s] + 3, twoThreads.length(s));
            for (int l = 0; l < model.config().layers().numLayers(); l++) {
                int used = twoThreads.length(s)
                        * model.config().attention().numKvHeads()
                        * model.config().attention().headDim();
                assertClose(
                        Arrays.copyOf(oneThread.keys(l, s), used),
                        Arrays.copyOf(twoThreads.keys(l, s), used),
                        "keys, layer " + l + " sequence " + s);
                assertClose(
                        Arrays.copyOf(oneThread.values(l, s), used),
                        Arrays.copyOf(twoThreads.values(l, s), used),
                        "values, layer " + l + " sequence " + s);
            }
        }
    }

    @Test
    void theBatchIsSpreadOverTheThreadsUnlessObserved() {
        MoeModel model = MoeModel.load(SharedFixtures.hf("mixtral"));
        TokenBatch batch = TokenBatch.of(sequences(model.config().vocabSize(), 3));
        ThreadRecordingRouting routing = new ThreadRecordingRouting();
        model.forward(
                batch, ForwardOptions.builder().routing(routing).threads(3).build());
        assertEquals(3, routing.threads.size(), "threads that routed: " + routing.threads);

        ThreadRecordingRouting observed = new ThreadRecordingRouting();
        RoutingRecorder recorder = new RoutingRecorder();
        model.forward(
                batch,
                ForwardOptions.builder()
                        .routing(observed)
                        .observe(recorder)
                        .threads(3)
                        .build());
        assertEquals(Set.of(Thread.currentThread().getName()), observed.threads);
        assertEquals(
                batch.totalTokens(),
                recorder.layers().get(0).decision().tokens(),
                "one observer call covers the whole batch");
    }

    @Test
    void stoppingAfterTheLastMoeLayerWorksSplit() {
        MoeModel model = MoeModel.load(SharedFixtures.hf("mixtral"));
        TokenBatch batch = TokenBatch.of(sequences(model.config().vocabSize(), 5));
        ForwardOptions.Builder options =
                ForwardOptions.builder().stopAfterLastMoeLayer(true).keepLayerOutputs(true);
        ForwardResult single = model.forward(batch, options.build());
        ForwardResult split = model.forward(batch, options.threads(4).build());
        assertNull(split.logits());
        assertClose(
                single.layerOutputs().get(single.layerOutputs().size() - 1),
                split.layerOutputs().get(split.layerOutputs().size() - 1),
                "last layer output");
    }

    @Test
    void aBadTokenInAnyShardIsReportedAsOnOneThread() {
        MoeModel model = MoeModel.load(SharedFixtures.hf("mixtral"));
        int[][] sequences = sequences(model.config().vocabSize(), 9);
        sequences[6][2] = model.config().vocabSize();
        MoelabInputException error = assertThrows(
                MoelabInputException.class,
                () -> model.forward(
                        TokenBatch.of(sequences),
                        ForwardOptions.builder().threads(2).build()));
        assertTrue(error.getMessage().contains("token id " + model.config().vocabSize()), error.getMessage());
        assertThrows(MoelabInputException.class, () -> ForwardOptions.builder().threads(0));
    }

    @Test
    void shardsAreContiguousNonEmptyAndBalancedByTokens() {
        TokenBatch batch = TokenBatch.of(new int[100], new int[1], new int[1], new int[1], new int[100]);
        assertArrayEquals(new int[] {0, 2, 5}, SequenceShards.boundaries(batch, 2));
        assertArrayEquals(new int[] {0, 1, 4, 5}, SequenceShards.boundaries(batch, 3));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, SequenceShards.boundaries(batch, 8));
        assertArrayEquals(new int[] {0, 5}, SequenceShards.boundaries(batch, 1));
        TokenBatch even = TokenBatch.of(new int[256], new int[256], new int[256], new int[256]);
        assertArrayEquals(new int[] {0, 2, 4}, SequenceShards.boundaries(even, 2));
    }

    @Test
    void aSliceIsItsSequencesPackedFromRowZero() {
        TokenBatch middle = TokenBatch.of(new int[] {1, 2}, new int[] {3}, new int[] {4, 5, 6}, new int[] {7})
                .slice(1, 3);
        assertEquals(2, middle.size());
        assertEquals(4, middle.totalTokens());
        assertEquals(1, middle.start(1));
        assertEquals(3, middle.length(1));
        assertEquals(3, middle.token(0));
        assertEquals(6, middle.token(3));
    }

    /** Native routing that notes which threads called it (a test probe; real policies hold no state). */
    private static final class ThreadRecordingRouting implements RoutingPolicy {
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        @Override
        public RoutingDecision route(
                int layer, float[] routerLogits, int tokens, io.moelab.moe.MoeConfig config, RoutingContext context) {
            threads.add(Thread.currentThread().getName());
            return NativeRouting.INSTANCE.route(layer, routerLogits, tokens, config, context);
        }

        @Override
        public String spec() {
            return "native";
        }
    }
}
