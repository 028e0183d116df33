package io.moelab.stats;

import static io.moelab.stats.Routings.decision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.moelab.routing.RoutingDecision;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link StatAccumulator} contract for every accumulator, on one random stream of routing
 * events: merging the accumulators of any split of the stream equals (bit for bit, by
 * {@code equals} on the raw longs) accumulating the whole stream, in any merge order and grouping,
 * and accumulators of another grid are rejected.
 */
class StatAccumulatorsTest {
    private static final int[] LAYERS = {1, 3, 4};
    private static final int EXPERTS = 4;
    private static final int HIDDEN = 3;
    private static final List<Event> STREAM = stream(new Random(11), 40);

    /** One forward call's worth of input for every accumulator: a layer's routing, the next layer's, and expert outputs. */
    private record Event(
            int moeLayer,
            RoutingDecision decision,
            RoutingDecision next,
            String[] labels,
            int expert,
            float[][] outputs) {
        int rows() {
            return decision.tokens();
        }

        /** Affinity needs a following MoE layer. */
        int affinityLayer() {
            return Math.min(moeLayer, LAYERS.length - 2);
        }
    }

    /** How to build and feed one kind of accumulator. */
    private record Kind<T extends StatAccumulator<T>>(
            String name, BiFunction<int[], Integer, T> create, BiConsumer<T, Event> add) {
        T of(List<Event> events) {
            T accumulator = create.apply(LAYERS, EXPERTS);
            events.forEach(e -> add.accept(accumulator, e));
            return accumulator;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Kind<?>> kinds() {
        return Stream.of(
                new Kind<>(
                        "router entropy",
                        (layers, experts) -> new RouterEntropy(new ExpertGrid(layers, experts)),
                        (a, e) -> a.add(e.moeLayer(), e.decision())),
                new Kind<>(
                        "expert load",
                        (layers, experts) -> new ExpertLoad(new ExpertGrid(layers, experts)),
                        (a, e) -> a.add(e.moeLayer(), e.decision())),
                new Kind<>(
                        "co-activation",
                        (layers, experts) -> new Coactivation(new ExpertGrid(layers, experts)),
                        (a, e) -> a.add(e.moeLayer(), e.decision())),
                new Kind<>(
                        "layer affinity",
                        (layers, experts) -> new LayerAffinity(new ExpertGrid(layers, experts)),
                        (a, e) -> a.add(e.affinityLayer(), e.decision(), e.next())),
                new Kind<>(
                        "label counts",
                        (layers, experts) -> new LabelCounts(new ExpertGrid(layers, experts)),
                        (a, e) -> a.add(e.moeLayer(), e.decision(), e.labels())),
                new Kind<>(
                        "output maxima",
                        (layers, experts) -> new OutputMaxima(new ExpertGrid(layers, experts)),
                        (a, e) -> a.add(e.moeLayer(), e.expert(), e.outputs()[e.expert()], e.rows(), HIDDEN)),
                new Kind<>(
                        "output norms",
                        (layers, experts) -> new OutputNorms(new ExpertGrid(layers, experts)),
                        (a, e) -> a.add(e.moeLayer(), e.expert(), e.outputs()[e.expert()], e.rows(), HIDDEN)),
                new Kind<>(
                        "zero activations",
                        (layers, experts) -> new ZeroActivations(new ExpertGrid(layers, experts), 0.5),
                        (a, e) -> a.add(e.moeLayer(), e.expert(), e.outputs()[e.expert()])),
                new Kind<>(
                        "expert similarity",
                        ExpertSimilarity::new,
                        (a, e) -> a.addSample(e.moeLayer(), e.outputs(), e.rows(), HIDDEN)),
                new Kind<>(
                        "routing statistics",
                        (layers, experts) -> new RoutingStatistics(layers, experts, StatsOptions.all()),
                        StatAccumulatorsTest::addToEveryPart));
    }

    private static void addToEveryPart(RoutingStatistics s, Event e) {
        s.entropy().add(e.moeLayer(), e.decision());
        s.load().add(e.moeLayer(), e.decision());
        s.coactivation().add(e.moeLayer(), e.decision());
        s.affinity().add(e.affinityLayer(), e.decision(), e.next());
        s.labelCounts().add(e.moeLayer(), e.decision(), e.labels());
        s.outputMaxima().add(e.moeLayer(), e.expert(), e.outputs()[e.expert()], e.rows(), HIDDEN);
        s.outputNorms().add(e.moeLayer(), e.expert(), e.outputs()[e.expert()], e.rows(), HIDDEN);
        s.zeroActivations().add(e.moeLayer(), e.expert(), e.outputs()[e.expert()]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void mergedHalvesEqualTheWholeStream(Kind<?> kind) {
        checkHalves(kind);
    }

    private static <T extends StatAccumulator<T>> void checkHalves(Kind<T> kind) {
        T whole = kind.of(STREAM);
        assertNotEquals(kind.of(List.of()), whole, "the stream leaves a mark");
        for (int split : new int[] {0, 1, 17, STREAM.size() / 2, STREAM.size()}) {
            T first = kind.of(STREAM.subList(0, split));
            T second = kind.of(STREAM.subList(split, STREAM.size()));
            assertEquals(whole, first.merge(second), "split at " + split);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void mergeOrderAndGroupingDoNotMatter(Kind<?> kind) {
        checkOrders(kind);
    }

    private static <T extends StatAccumulator<T>> void checkOrders(Kind<T> kind) {
        T whole = kind.of(STREAM);
        List<List<Event>> parts =
                List.of(STREAM.subList(0, 9), STREAM.subList(9, 30), STREAM.subList(30, STREAM.size()));
        int[][] orders = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
        for (int[] o : orders) {
            T leftFirst =
                    kind.of(parts.get(o[0])).merge(kind.of(parts.get(o[1]))).merge(kind.of(parts.get(o[2])));
            T rightFirst =
                    kind.of(parts.get(o[0])).merge(kind.of(parts.get(o[1])).merge(kind.of(parts.get(o[2]))));
            assertEquals(whole, leftFirst, "((" + o[0] + " + " + o[1] + ") + " + o[2] + ")");
            assertEquals(whole, rightFirst, "(" + o[0] + " + (" + o[1] + " + " + o[2] + "))");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void anotherShapeIsRejected(Kind<?> kind) {
        checkShapes(kind);
    }

    private static <T extends StatAccumulator<T>> void checkShapes(Kind<T> kind) {
        T accumulator = kind.of(STREAM);
        assertThrows(
                IllegalArgumentException.class,
                () -> accumulator.merge(kind.create().apply(LAYERS, EXPERTS + 1)));
        assertThrows(
                IllegalArgumentException.class,
                () -> accumulator.merge(kind.create().apply(new int[] {1, 3}, EXPERTS)));
        assertThrows(
                IllegalArgumentException.class,
                () -> accumulator.merge(kind.create().apply(new int[] {1, 3, 5}, EXPERTS)));
        assertEquals(kind.of(STREAM), accumulator, "a rejected merge adds nothing");
    }

    @Test
    void zeroActivationsOfAnotherThresholdAreRejected() {
        ExpertGrid grid = new ExpertGrid(LAYERS, EXPERTS);
        assertThrows(
                IllegalArgumentException.class,
                () -> new ZeroActivations(grid, 0.5).merge(new ZeroActivations(grid, 0.25)));
    }

    @Test
    void outputMaximaIgnoreNaN() {
        OutputMaxima maxima = new OutputMaxima(new ExpertGrid(LAYERS, EXPERTS));
        maxima.add(0, 0, new float[] {Float.NaN, Float.NaN}, 1, 2);
        assertEquals(-1, maxima.maxAbsDim(0, 0));
        assertEquals(Double.NaN, maxima.maxAbsOutput(0, 0));
        maxima.add(0, 0, new float[] {Float.NaN, -2}, 1, 2);
        assertEquals(1, maxima.maxAbsDim(0, 0));
        assertEquals(2.0, maxima.maxAbsOutput(0, 0));
    }

    @Test
    void aGridNeedsALayerAndAnExpert() {
        assertThrows(IllegalArgumentException.class, () -> new ExpertGrid(new int[0], EXPERTS));
        assertThrows(IllegalArgumentException.class, () -> new ExpertGrid(LAYERS, 0));
    }

    /**
     * Random routing of 1–4 tokens with 0–3 distinct experts each, labels from three, and outputs
     * from a coarse grid of values (so maxima tie and activations fall below the threshold).
     */
    private static List<Event> stream(Random random, int events) {
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            int tokens = 1 + random.nextInt(4);
            String[] labels = new String[tokens];
            for (int t = 0; t < tokens; t++) {
                labels[t] = "label" + random.nextInt(3);
            }
            float[][] outputs = new float[EXPERTS][tokens * HIDDEN];
            for (float[] output : outputs) {
                for (int j = 0; j < output.length; j++) {
                    output[j] = (random.nextInt(13) - 6) / 4f;
                }
            }
            out.add(new Event(
                    random.nextInt(LAYERS.length),
                    randomDecision(random, tokens),
                    randomDecision(random, tokens),
                    labels,
                    random.nextInt(EXPERTS),
                    outputs));
        }
        return out;
    }

    private static RoutingDecision randomDecision(Random random, int tokens) {
        int[][] chosen = new int[tokens][];
        float[][] gates = new float[tokens][];
        float[][] probabilities = new float[tokens][EXPERTS];
        for (int t = 0; t < tokens; t++) {
            List<Integer> experts = new ArrayList<>(List.of(0, 1, 2, 3));
            Collections.shuffle(experts, random);
            int count = random.nextInt(4);
            chosen[t] = experts.subList(0, count).stream()
                    .mapToInt(Integer::intValue)
                    .toArray();
            gates[t] = new float[count];
            for (int s = 0; s < count; s++) {
                gates[t][s] = random.nextFloat();
            }
            float sum = 0;
            for (int e = 0; e < EXPERTS; e++) {
                probabilities[t][e] = random.nextFloat();
                sum += probabilities[t][e];
            }
            for (int e = 0; e < EXPERTS; e++) {
                probabilities[t][e] /= sum;
            }
        }
        return decision(EXPERTS, chosen, gates, probabilities);
    }
}
