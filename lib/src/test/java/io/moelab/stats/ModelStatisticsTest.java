package io.moelab.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.moelab.model.ForwardOptions;
import io.moelab.model.MoeModel;
import io.moelab.model.SharedFixtures;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.LayerRouting;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.RoutingRecorder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** Statistics on the mixtral fixture (2 MoE layers, 8 experts, top-2) and the trained byte-level model. */
class ModelStatisticsTest {
    private static final StatsOptions ALL = StatsOptions.all()
            .withZeroActivation(true, 1e-3)
            .withSimilaritySample(0.5, 42)
            .withTraceSample(0.3, 42);
    private static MoeModel mixtral;
    /** 6 forward calls of 2 sequences each; sequence ids 0..11. */
    private static List<int[][]> batches;

    @BeforeAll
    static void load() {
        mixtral = MoeModel.load(SharedFixtures.hf("mixtral"));
        Random random = new Random(7);
        batches = new ArrayList<>();
        for (int b = 0; b < 6; b++) {
            int[][] batch = new int[2][];
            for (int s = 0; s < 2; s++) {
                batch[s] = random.ints(5 + random.nextInt(8), 3, 256).toArray();
            }
            batches.add(batch);
        }
    }

    private static long[] ids(int batch) {
        return new long[] {2L * batch, 2L * batch + 1};
    }

    private static String[] labels(int batch) {
        return new String[] {batch % 3 == 0 ? "code" : "prose", "math"};
    }

    private static RoutingStatsCollector collect(int... batchIndices) {
        RoutingStatsCollector collector = new RoutingStatsCollector(mixtral, ALL);
        for (int b : batchIndices) {
            collector.collect(TokenBatch.of(batches.get(b)), ids(b), labels(b));
        }
        return collector;
    }

    @Test
    void mergeIsBitIdenticalForAnyPartitioningAndOrder() {
        RoutingStatsCollector whole = collect(0, 1, 2, 3, 4, 5);
        RoutingStatsCollector[] single = new RoutingStatsCollector[6];
        for (int b = 0; b < 6; b++) {
            single[b] = collect(b);
        }
        // ((0+1)+2)+... left to right
        RoutingStatistics leftToRight = single[0].statistics().copy();
        ExpertSimilarity simLeft = new ExpertSimilarity(new int[] {0, 1}, 8);
        for (int b = 1; b < 6; b++) {
            leftToRight.merge(single[b].statistics());
        }
        for (int b = 0; b < 6; b++) {
            simLeft.merge(single[b].similarity());
        }
        // reverse order, into an empty accumulator
        RoutingStatistics reversed = new RoutingStatistics(new int[] {0, 1}, 8, ALL);
        ExpertSimilarity simReversed = new ExpertSimilarity(new int[] {0, 1}, 8);
        for (int b = 5; b >= 0; b--) {
            reversed.merge(single[b].statistics());
            simReversed.merge(single[b].similarity());
        }
        // a different partitioning: {5, 1, 3} and {0, 4, 2}, merged as tree (b + a)
        RoutingStatsCollector partA = collect(5, 1, 3);
        RoutingStatsCollector partB = collect(0, 4, 2);
        RoutingStatistics tree = partB.statistics().copy().merge(partA.statistics());
        ExpertSimilarity simTree = new ExpertSimilarity(new int[] {0, 1}, 8)
                .merge(partB.similarity())
                .merge(partA.similarity());

        for (RoutingStatistics other : List.of(leftToRight, reversed, tree)) {
            assertEquals(whole.statistics(), other);
            StatisticsReport a = StatisticsReport.of(whole.statistics());
            StatisticsReport b = StatisticsReport.of(other);
            assertEquals(a.expertLoad(), b.expertLoad());
            assertEquals(a.layerSummary(), b.layerSummary());
            assertEquals(a.coactivation(), b.coactivation());
            assertEquals(a.affinity(), b.affinity());
            assertEquals(a.expertLabels(), b.expertLabels());
            assertEquals(a.superExperts(), b.superExperts());
        }
        for (ExpertSimilarity other : List.of(simLeft, simReversed, simTree)) {
            assertEquals(whole.similarity(), other);
            assertEquals(
                    whole.similarity().rows(mixtral).toString(),
                    other.rows(mixtral).toString());
        }
        // the accumulator saw something of every kind
        RoutingStatistics s = whole.statistics();
        assertTrue(s.entropy().tokens(0) > 40 && s.labelCounts().labels().equals(List.of("code", "math", "prose")));
        assertTrue(s.outputMaxima().maxAbsDim(0, 0) >= 0
                && s.zeroActivations().entries(0, 0) > 0
                && s.outputNorms().rows(1, 7) > 0);
        assertTrue(whole.similarity().sampledTokens(0) > 0 && !whole.traces().isEmpty());
        // the same sums in double, in different orders, would not be guaranteed equal: here they are exactly
        assertNotEquals(0.0, s.load().gateMass(0, 3));
    }

    @Test
    void countsMatchADirectComputationFromRecordedRouting() {
        RoutingStatsCollector collector = collect(0, 1, 2);
        RoutingRecorder recorder = new RoutingRecorder();
        for (int b = 0; b < 3; b++) {
            mixtral.forward(
                    TokenBatch.of(batches.get(b)),
                    ForwardOptions.builder().observe(recorder).build());
        }
        long[][] selected = new long[2][8];
        long[][] top1 = new long[2][8];
        double[][] gates = new double[2][8];
        long[][][] pairs = new long[2][8][8];
        long[][] affinity = new long[8][8];
        long[] tokens = new long[2];
        List<LayerRouting> layers = recorder.layers();
        for (int i = 0; i < layers.size(); i++) {
            LayerRouting r = layers.get(i);
            RoutingDecision d = r.decision();
            int l = r.moeLayer();
            tokens[l] += d.tokens();
            for (int t = 0; t < d.tokens(); t++) {
                assertEquals(2, d.count(t));
                top1[l][d.expert(t, 0)]++;
                for (int s = 0; s < d.count(t); s++) {
                    selected[l][d.expert(t, s)]++;
                    gates[l][d.expert(t, s)] += d.gate(t, s);
                }
                int a = Math.min(d.expert(t, 0), d.expert(t, 1));
                int b = Math.max(d.expert(t, 0), d.expert(t, 1));
                pairs[l][a][b]++;
                if (l == 1) {
                    RoutingDecision prev = layers.get(i - 1).decision();
                    for (int s = 0; s < 2; s++) {
                        for (int s2 = 0; s2 < 2; s2++) {
                            affinity[prev.expert(t, s)][d.expert(t, s2)]++;
                        }
                    }
                }
            }
        }
        RoutingStatistics s = collector.statistics();
        for (int l = 0; l < 2; l++) {
            assertEquals(tokens[l], s.entropy().tokens(l));
            for (int e = 0; e < 8; e++) {
                assertEquals(selected[l][e], s.load().selected(l, e));
                assertEquals(top1[l][e], s.load().top1(l, e));
                assertEquals(gates[l][e], s.load().gateMass(l, e), 1e-5);
                for (int f = e + 1; f < 8; f++) {
                    assertEquals(pairs[l][e][f], s.coactivation().count(l, e, f));
                }
            }
        }
        for (int e = 0; e < 8; e++) {
            for (int f = 0; f < 8; f++) {
                assertEquals(affinity[e][f], s.affinity().count(0, e, f));
            }
        }
    }

    @Test
    void outputSimilarityMatchesExpertsRunDirectly() {
        RoutingStatsCollector collector =
                new RoutingStatsCollector(mixtral, StatsOptions.defaults().withSimilaritySample(1.0, 1));
        assertTrue(!collector.wantsExpertOutputs());
        RoutingRecorder recorder = new RoutingRecorder();
        TokenBatch batch = TokenBatch.of(batches.get(0));
        collector.beginBatch(ids(0), null);
        mixtral.forward(
                batch,
                ForwardOptions.builder().observe(collector).observe(recorder).build());
        List<ExpertSimilarityRow> rows = collector.similarity().rows(mixtral);
        assertEquals(2 * 28, rows.size());
        for (LayerRouting r : recorder.layers()) {
            int tokens = r.decision().tokens();
            float[][] outputs = new float[8][];
            for (int e = 0; e < 8; e++) {
                outputs[e] = RoutingStatsCollector.floats(mixtral.runExpert(
                        r.layer(), e, Nd4j.create(r.input(), new long[] {tokens, r.input().length / tokens}, 'c')));
            }
            float[] router = mixtral.routerWeights(r.layer());
            int hidden = router.length / 8;
            for (ExpertSimilarityRow row : rows) {
                if (row.layer() != r.layer()) {
                    continue;
                }
                assertEquals(
                        cosine(outputs[row.expertA()], 0, outputs[row.expertB()], 0, outputs[0].length),
                        row.outputCosine(),
                        1e-6);
                assertEquals(
                        cosine(router, row.expertA() * hidden, router, row.expertB() * hidden, hidden),
                        row.routerCosine(),
                        1e-12);
            }
        }
    }

    private static double cosine(float[] a, int offA, float[] b, int offB, int n) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < n; i++) {
            dot += (double) a[offA + i] * b[offB + i];
            na += (double) a[offA + i] * a[offA + i];
            nb += (double) b[offB + i] * b[offB + i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void tokenSampleDoesNotDependOnBatching() {
        RoutingStatsCollector together =
                new RoutingStatsCollector(mixtral, StatsOptions.defaults().withTraceSample(0.4, 9));
        together.collect(TokenBatch.of(batches.get(0)[0], batches.get(0)[1]), new long[] {100, 200}, null);
        RoutingStatsCollector apart =
                new RoutingStatsCollector(mixtral, StatsOptions.defaults().withTraceSample(0.4, 9));
        apart.collect(TokenBatch.of(batches.get(0)[1]), new long[] {200}, null);
        apart.collect(TokenBatch.of(batches.get(0)[0]), new long[] {100}, null);
        Set<String> a = keys(together.traces());
        assertEquals(a, keys(apart.traces()));
        int tokens = batches.get(0)[0].length + batches.get(0)[1].length;
        assertTrue(!a.isEmpty() && a.size() < 2 * tokens, "a proper sample: " + a.size() + " of " + 2 * tokens);
        List<int[][]> replay = ExpertCacheReplay.tokensOf(together.traces(), new int[] {0, 1});
        assertEquals(a.size() / 2, replay.size());
        assertEquals(2L * 2 * replay.size(), ExpertCacheReplay.lru(replay, 8, 4).lookups());
    }

    private static Set<String> keys(List<RoutingTrace> traces) {
        Set<String> out = new HashSet<>();
        for (RoutingTrace t : traces) {
            out.add(t.docId() + "/" + t.position() + "/" + t.layer());
        }
        return out;
    }

    @Test
    void similarityAndTracesSerialize() throws Exception {
        RoutingStatsCollector collector = collect(1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(collector.statistics());
            out.writeObject(collector.similarity());
            out.writeObject(new ArrayList<>(collector.traces()));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(collector.statistics(), in.readObject());
            assertEquals(collector.similarity(), in.readObject());
            @SuppressWarnings("unchecked")
            List<RoutingTrace> traces = (List<RoutingTrace>) in.readObject();
            assertEquals(collector.traces().size(), traces.size());
            assertArrayEquals(collector.traces().get(0).experts(), traces.get(0).experts());
        }
    }

    /**
     * The trained model's vectors.json holds transformers' top-2 experts at every position of three
     * inputs: the collector's per-layer selection counts (the numerators of the card's "share")
     * equal the counts taken from those reference choices.
     */
    @Test
    void trainedModelSelectionCountsMatchTransformers() {
        MoeModel trained = MoeModel.load(SharedFixtures.trainedMoe());
        JsonNode cases = SharedFixtures.vectors(SharedFixtures.trainedMoe()).get("cases");
        RoutingStatsCollector collector = new RoutingStatsCollector(trained, StatsOptions.defaults());
        long[][] reference = new long[4][8];
        long[][] referenceTop1 = new long[4][8];
        for (JsonNode c : cases) {
            collector.collect(TokenBatch.of(SharedFixtures.ints(c.get("input_ids"))), null, null);
            JsonNode topk = c.get("topk_experts");
            for (int l = 0; l < 4; l++) {
                for (JsonNode position : topk.get(l)) {
                    referenceTop1[l][position.get(0).asInt()]++;
                    for (JsonNode e : position) {
                        reference[l][e.asInt()]++;
                    }
                }
            }
        }
        RoutingStatistics s = collector.statistics();
        for (int l = 0; l < 4; l++) {
            for (int e = 0; e < 8; e++) {
                assertEquals(reference[l][e], s.load().selected(l, e), "layer " + l + " expert " + e);
                assertEquals(referenceTop1[l][e], s.load().top1(l, e), "top-1, layer " + l + " expert " + e);
            }
            assertEquals(3 * 65, s.entropy().tokens(l));
        }
    }
}
