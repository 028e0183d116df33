package io.moelab.stats;

import static io.moelab.stats.Routings.decision;
import static io.moelab.stats.Routings.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.moe.TokenBatch;
import io.moelab.routing.ExpertBatch;
import io.moelab.routing.RoutingDecision;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** Each statistic on a hand-computed case: 2 MoE layers (decoder 1 and 3), 3 experts, sequences "x" [t0 t1] and "y" [t2]. */
class RoutingStatisticsTest {
    private static final int[] LAYERS = {1, 3};
    private static final TokenBatch BATCH = TokenBatch.of(new int[] {5, 6}, new int[] {7});

    static final RoutingDecision LAYER0 = decision(
            3,
            new int[][] {{0, 1}, {2, 1}, {2}},
            new float[][] {{0.625f, 0.375f}, {0.75f, 0.25f}, {1f}},
            new float[][] {{0.5f, 0.3f, 0.2f}, {0.1f, 0.2f, 0.7f}, {0.25f, 0.25f, 0.5f}});
    static final RoutingDecision LAYER1 = decision(
            3, new int[][] {{0}, {0, 1}, {1, 2}}, new float[][] {{1f}, {0.5f, 0.5f}, {0.5f, 0.5f}}, new float[][] {
                {1f, 0f, 0f}, {0.5f, 0.5f, 0f}, {0f, 0.5f, 0.5f}
            });

    static RoutingStatistics handCase(StatsOptions options) {
        RoutingStatsCollector collector = new RoutingStatsCollector(LAYERS, 3, options);
        collector.beginBatch(null, new String[] {"x", "y"});
        collector.onMoeLayer(layer(1, 0, BATCH, LAYER0, List.of()));
        collector.onMoeLayer(layer(3, 1, BATCH, LAYER1, List.of()));
        return collector.statistics();
    }

    @Test
    void loadCountsMassesAndEntropy() {
        RoutingStatistics s = handCase(StatsOptions.defaults());
        assertEquals(3, s.entropy().tokens(0));
        assertEquals(
                List.of(1L, 2L, 2L),
                List.of(
                        s.load().selected(0, 0),
                        s.load().selected(0, 1),
                        s.load().selected(0, 2)));
        assertEquals(
                List.of(1L, 0L, 2L),
                List.of(s.load().top1(0, 0), s.load().top1(0, 1), s.load().top1(0, 2)));
        assertEquals(
                List.of(2L, 2L, 1L),
                List.of(
                        s.load().selected(1, 0),
                        s.load().selected(1, 1),
                        s.load().selected(1, 2)));
        assertEquals(0.625, s.load().gateMass(0, 0), 1e-9);
        assertEquals(0.625, s.load().gateMass(0, 1), 1e-9);
        assertEquals(1.75, s.load().gateMass(0, 2), 1e-9);
        assertEquals(0.85, s.load().probMass(0, 0), 1e-7);
        assertEquals(0.75, s.load().probMass(0, 1), 1e-7);
        assertEquals(1.4, s.load().probMass(0, 2), 1e-7);
        double h0 = -(0.5 * Math.log(0.5) + 0.3 * Math.log(0.3) + 0.2 * Math.log(0.2));
        double h1 = -(0.1 * Math.log(0.1) + 0.2 * Math.log(0.2) + 0.7 * Math.log(0.7));
        double h2 = -(0.5 * Math.log(0.25) + 0.5 * Math.log(0.5));
        assertEquals(h0 + h1 + h2, s.entropy().entropySum(0), 1e-6);
        assertEquals(2 * Math.log(2), s.entropy().entropySum(1), 1e-7); // t0 is certain: H = 0
    }

    @Test
    void coactivationAndAffinity() {
        RoutingStatistics s = handCase(StatsOptions.defaults());
        assertEquals(1, s.coactivation().count(0, 0, 1));
        assertEquals(1, s.coactivation().count(0, 2, 1));
        assertEquals(0, s.coactivation().count(0, 0, 2));
        assertEquals(1, s.coactivation().count(1, 0, 1));
        assertEquals(1, s.coactivation().count(1, 1, 2));
        long[][] expected = {{1, 0, 0}, {2, 1, 0}, {1, 2, 1}};
        for (int e = 0; e < 3; e++) {
            for (int f = 0; f < 3; f++) {
                assertEquals(expected[e][f], s.affinity().count(0, e, f), "affinity " + e + " -> " + f);
            }
        }
        List<AffinityRow> rows = StatisticsReport.of(s).affinity();
        assertEquals(9, rows.size());
        assertEquals(new AffinityRow(1, 2, 1, 2), rows.get(7));
        List<CoactivationRow> co = StatisticsReport.of(s).coactivation();
        assertEquals(
                List.of(
                        new CoactivationRow(1, 0, 1, 1),
                        new CoactivationRow(1, 0, 2, 0),
                        new CoactivationRow(1, 1, 2, 1),
                        new CoactivationRow(3, 0, 1, 1),
                        new CoactivationRow(3, 0, 2, 0),
                        new CoactivationRow(3, 1, 2, 1)),
                co);
    }

    @Test
    void labelCountsPerSequence() {
        RoutingStatistics s = handCase(StatsOptions.defaults().withLabels(true));
        assertEquals(List.of("x", "y"), s.labelCounts().labels());
        assertEquals(1, s.labelCounts().count(0, 0, "x"));
        assertEquals(2, s.labelCounts().count(0, 1, "x"));
        assertEquals(1, s.labelCounts().count(0, 2, "x"));
        assertEquals(1, s.labelCounts().count(0, 2, "y"));
        assertEquals(0, s.labelCounts().count(0, 0, "y"));
        assertEquals(1, s.labelCounts().count(1, 2, "y"));
    }

    @Test
    void layerSummaryAndExpertRows() {
        RoutingStatistics s = handCase(StatsOptions.defaults());
        LayerSummaryRow layer = StatisticsReport.of(s).layerSummary().get(0);
        assertEquals(1, layer.layer());
        assertEquals(3, layer.tokens());
        assertEquals(5.0 / 3, layer.meanExpertsPerToken(), 1e-12);
        // frequencies 0.2, 0.4, 0.4; mean 1/3
        double std = Math.sqrt((Math.pow(0.2 - 1 / 3.0, 2) + 2 * Math.pow(0.4 - 1 / 3.0, 2)) / 3);
        assertEquals(std * 3, layer.loadCv(), 1e-12);
        assertEquals(1.2, layer.maxOverMean(), 1e-12);
        assertEquals(0, layer.deadExperts());
        // dead threshold 0.7 × 1/3 = 0.233: expert 0 (f = 0.2) is dead
        assertEquals(1, new StatisticsReport(s, 0.7, 10).layerSummary().get(0).deadExperts());
        ExpertLoadRow row = StatisticsReport.of(s).expertLoad().get(2);
        assertEquals(1, row.layer());
        assertEquals(2, row.expert());
        assertEquals(2, row.tokens());
        assertEquals(2, row.top1Tokens());
        assertEquals(0.4, row.frequency(), 1e-12);
        assertEquals(1.75, row.gateMass(), 1e-9);
        assertTrue(
                Double.isNaN(row.zeroActivationShare()) && Double.isNaN(row.maxAbsOutput()) && row.maxAbsDim() == -1);
    }

    @Test
    void npmiOnConstructedCounts() {
        // 8 one-expert tokens: (e0, x) ×3, (e0, y) ×1, (e1, x) ×1, (e1, y) ×3; expert 2 never used
        int[][] chosen = {{0}, {0}, {0}, {1}, {0}, {1}, {1}, {1}};
        float[][] gates = new float[8][];
        float[][] probs = new float[8][];
        for (int t = 0; t < 8; t++) {
            gates[t] = new float[] {1};
            probs[t] = new float[3];
            probs[t][chosen[t][0]] = 1;
        }
        TokenBatch batch = TokenBatch.of(new int[] {1, 1, 1, 1}, new int[] {2, 2, 2, 2});
        RoutingStatsCollector collector = new RoutingStatsCollector(
                new int[] {0}, 3, StatsOptions.defaults().withLabels(true));
        collector.setLabels(new String[] {"x", "y"});
        collector.onMoeLayer(layer(0, 0, batch, decision(3, chosen, gates, probs), List.of()));
        List<ExpertLabelRow> rows = StatisticsReport.of(collector.statistics()).expertLabels();
        // p(e,d) = 3/8, p(e) = p(d) = 1/2: ln(1.5) / -ln(0.375)
        double strong = Math.log(1.5) / -Math.log(0.375);
        double weak = Math.log(0.5) / -Math.log(0.125);
        assertEquals(new ExpertLabelRow(0, 0, "x", 3, rows.get(0).npmi()), rows.get(0));
        assertEquals(strong, rows.get(0).npmi(), 1e-12);
        assertEquals(0.41339, rows.get(0).npmi(), 1e-5);
        assertEquals(weak, rows.get(1).npmi(), 1e-12);
        assertEquals(weak, rows.get(2).npmi(), 1e-12);
        assertEquals(strong, rows.get(3).npmi(), 1e-12);
        assertEquals(-1.0, rows.get(4).npmi());
        // independence gives 0, perfect association 1
        assertEquals(0.0, StatisticsReport.npmi(1, 2, 2, 4), 1e-15);
        assertEquals(1.0, StatisticsReport.npmi(2, 2, 2, 4), 1e-15);
    }

    @Test
    void superExpertsOutputNormsAndZeroActivations() {
        StatsOptions options = StatsOptions.defaults()
                .withSuperExperts(true)
                .withOutputNorms(true)
                .withZeroActivation(true, 0.01);
        // 1 MoE layer, 4 experts; tokens 0 and 1 each use every expert
        float[][] probs = {{0.25f, 0.25f, 0.25f, 0.25f}, {0.25f, 0.25f, 0.25f, 0.25f}};
        RoutingDecision d = decision(
                4,
                new int[][] {{0, 1, 2, 3}, {0, 1, 2, 3}},
                new float[][] {{0.25f, 0.25f, 0.25f, 0.25f}, {0.25f, 0.25f, 0.25f, 0.25f}},
                probs);
        int[] both = {0, 1};
        List<ExpertBatch> experts = List.of(
                // ties: |-3| at dim 2 (row 0) and 3 at dim 0 (row 1): the lower dimension wins
                new ExpertBatch(0, both, Nd4j.create(new float[][] {{0, 1, -3}, {3, 0, 0}}), Nd4j.create(new float[][] {
                    {0, 0.005f}, {0.5f, -0.001f}
                })),
                new ExpertBatch(1, both, Nd4j.create(new float[][] {{2, 0, 0}, {0, 0, 1}}), Nd4j.create(new float[][] {
                    {1, 1}, {1, 1}
                })),
                // the planted outlier
                new ExpertBatch(
                        2, both, Nd4j.create(new float[][] {{0, 100, 0}, {1, 1, 1}}), Nd4j.create(new float[][] {
                            {1, 1}, {1, 1}
                        })),
                new ExpertBatch(3, both, Nd4j.create(new float[][] {{4, 0, 0}, {0, 0, 0}}), Nd4j.create(new float[][] {
                    {1, 1}, {1, 1}
                })));
        RoutingStatsCollector collector = new RoutingStatsCollector(new int[] {0}, 4, options);
        assertTrue(collector.wantsExpertOutputs() && collector.wantsExpertActivations());
        collector.onMoeLayer(layer(0, 0, TokenBatch.of(new int[] {1, 2}), d, experts));
        RoutingStatistics s = collector.statistics();
        assertEquals(3.0, s.outputMaxima().maxAbsOutput(0, 0));
        assertEquals(0, s.outputMaxima().maxAbsDim(0, 0));
        assertEquals(100.0, s.outputMaxima().maxAbsOutput(0, 2));
        assertEquals(1, s.outputMaxima().maxAbsDim(0, 2));
        // maxima 3, 2, 100, 4: median 3.5, 100 > 10 × 3.5
        assertEquals(
                List.of(new SuperExpert(0, 2, 100, 1, 3.5, 100 / 3.5)),
                StatisticsReport.of(s).superExperts());
        assertEquals(List.of(), new StatisticsReport(s, 0.1, 30).superExperts());
        ExpertLoadRow e0 = StatisticsReport.of(s).expertLoad().get(0);
        assertEquals((Math.sqrt(10) + 3) / 2, e0.outputNormMean(), 1e-9);
        assertEquals(0.75, e0.zeroActivationShare()); // 0, 0.005, -0.001 below 0.01
        assertEquals(0.0, StatisticsReport.of(s).expertLoad().get(1).zeroActivationShare());
        assertEquals(
                (100 + Math.sqrt(3)) / 2,
                StatisticsReport.of(s).expertLoad().get(2).outputNormMean(),
                1e-9);
    }

    @Test
    void defaultOptionsAskForNothingExtra() {
        RoutingStatsCollector collector = new RoutingStatsCollector(new int[] {0}, 4, StatsOptions.defaults());
        assertTrue(!collector.wantsExpertOutputs() && !collector.wantsExpertActivations());
    }

    @Test
    void maxMergeTieGoesToLowerDimensionInAnyOrder() {
        StatsOptions options = StatsOptions.defaults().withSuperExperts(true);
        RoutingStatistics a = new RoutingStatistics(new int[] {0}, 1, options);
        RoutingStatistics b = new RoutingStatistics(new int[] {0}, 1, options);
        a.outputMaxima().add(0, 0, new float[] {0, 0, 5}, 1, 3);
        b.outputMaxima().add(0, 0, new float[] {0, -5, 0}, 1, 3);
        RoutingStatistics ab = a.copy().merge(b);
        RoutingStatistics ba = b.copy().merge(a);
        assertEquals(ab, ba);
        assertEquals(1, ab.outputMaxima().maxAbsDim(0, 0));
        RoutingStatistics empty = new RoutingStatistics(new int[] {0}, 1, options);
        assertEquals(a, empty.merge(a));
    }

    @Test
    void mismatchedMergesAreRejected() {
        RoutingStatistics s = new RoutingStatistics(new int[] {1, 3}, 3, StatsOptions.defaults());
        IllegalArgumentException experts = assertThrows(
                IllegalArgumentException.class,
                () -> s.merge(new RoutingStatistics(new int[] {1, 3}, 4, StatsOptions.defaults())));
        assertTrue(experts.getMessage().contains("4 experts"), experts.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> s.merge(new RoutingStatistics(new int[] {1}, 3, StatsOptions.defaults())));
        assertThrows(
                IllegalArgumentException.class,
                () -> s.merge(new RoutingStatistics(new int[] {0, 3}, 3, StatsOptions.defaults())));
        IllegalArgumentException options = assertThrows(
                IllegalArgumentException.class,
                () -> s.merge(new RoutingStatistics(
                        new int[] {1, 3}, 3, StatsOptions.defaults().withLabels(true))));
        assertTrue(options.getMessage().contains("labels"), options.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new ExpertSimilarity(new int[] {0}, 2).merge(new ExpertSimilarity(new int[] {0}, 3)));
    }

    @Test
    void serializableRoundTrip() throws Exception {
        RoutingStatistics s = handCase(StatsOptions.all());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            RoutingStatistics back = (RoutingStatistics) in.readObject();
            assertEquals(s, back);
            assertEquals(
                    StatisticsReport.of(s).expertLabels(),
                    StatisticsReport.of(back).expertLabels());
        }
    }

    @Test
    void fixedPointIsExactAndLoudOnOverflow() {
        assertEquals(0.625, FixedPoint.decode(FixedPoint.encode(0.625)));
        assertEquals(0x1p-32, FixedPoint.decode(FixedPoint.encode(0x1p-32)));
        assertThrows(ArithmeticException.class, () -> FixedPoint.encode(0x1p31));
        assertThrows(
                ArithmeticException.class, () -> FixedPoint.add(FixedPoint.encode(0x1p30), FixedPoint.encode(0x1p30)));
    }
}
