package io.moelab.compress.method;

import io.moelab.MoelabInputException;
import io.moelab.compress.CompressedLayer;
import io.moelab.compress.CompressionContext;
import io.moelab.compress.CompressionMethod;
import io.moelab.compress.ExpertWeights;
import io.moelab.compress.Gemm;
import io.moelab.compress.LayerCalibration;
import io.moelab.compress.MoeLayerWeights;
import io.moelab.compress.PlanEntry;
import io.moelab.routing.FamilyRule;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.Softmax;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Mixed-precision experts (docs/METHODS.md §2), after MC-MoE's pre-loading mixed-precision quantisation
 * (Huang et al. 2024, "Mixture Compressor for Mixture-of-Experts LLMs Gains More"; HOBBIT and EAQuant
 * share the idea): each expert of a layer gets one weight bit width, the important ones more, under
 * an average-bits budget, and its W1, W3 and W2 are fake-quantised per output channel at that width
 * ({@link RoundToNearest}). All E experts stay and route as before: the expert map is the identity,
 * the router is unchanged, the plan says target e ← source e with coefficient 1, and the widths are
 * in {@link CompressedLayer#expertBits()}.
 *
 * <p>The allocation is MC-MoE's integer program as its reference code ({@code precision_solver.py})
 * states it: choose b_e among the candidate widths to minimise {@code Σ_e s_e · L_e(b_e)^α} subject to
 * {@code Σ_e b_e ≤ ⌊budget · E⌋} (a layer's experts are the same size, so this bounds bits per weight):
 * <ul>
 *   <li>significance {@code s_e = f_e^α · w_e^β}: f_e the expert's share of top-k selections, w_e its
 *       share of the layer's activated weight, the sum over the calibration tokens that selected it
 *       of its router probability before renormalising, as the reference accumulates it. α = 1 and
 *       β = 1.5 by default, the reference script's defaults; the reference raises the loss to α too.</li>
 *   <li>quantisation loss {@code L_e(b) = ‖Y − Ŷ‖_F} over the calibration tokens, Y the MoE block's
 *       output and Ŷ the same with only expert e quantised to b bits. Quantising expert weights leaves
 *       the routing alone, so {@code Y − Ŷ = Σ_{t: e∈K(t)} g_e(t)·(E_e(x_t) − E_e^b(x_t))}. The reference
 *       sums the norm over batches and quantises in groups of 128 columns; we take one batch and the
 *       per-channel grid we apply.</li>
 * </ul>
 * The program is solved exactly, by dynamic programming over (expert, bits used) — a multiple-choice
 * knapsack — where the reference calls Gurobi. Exact ties (an expert no calibration token selected
 * costs 0 at every width) go to the allocation that uses more bits. The reference's two extra
 * constraints (at least one expert at each of its two widest widths, written for its widths {1, 2, 3})
 * are left out. Widths lie in [2, 16]: 1-bit weights need a binariser (MC-MoE's is sign-based), not
 * round-to-nearest.
 */
public final class MixedPrecisionExperts implements CompressionMethod {
    public static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(
            "mixed-precision",
            List.of(Settings.AVERAGE_BITS),
            (values, context) -> new MixedPrecisionExperts(Settings.from(values).averageBits()));

    public static final List<Integer> WIDTHS_DEFAULT = List.of(2, 3, 4, 8);
    public static final double FREQUENCY_EXPONENT_DEFAULT = 1.0;
    public static final double WEIGHT_EXPONENT_DEFAULT = 1.5;
    static final int MIN_WIDTH = 2;
    static final int MAX_WIDTH = 16;

    private final double averageBits;
    private final int[] widths;
    private final double frequencyExponent;
    private final double weightExponent;

    public MixedPrecisionExperts(double averageBits) {
        this(averageBits, WIDTHS_DEFAULT, FREQUENCY_EXPONENT_DEFAULT, WEIGHT_EXPONENT_DEFAULT);
    }

    /**
     * @param averageBits       the budget: mean bit width over a layer's experts
     * @param widths            the candidate bit widths, each in [2, 16]
     * @param frequencyExponent α, on the selection share and on the quantisation loss
     * @param weightExponent    β, on the activated-weight share
     */
    public MixedPrecisionExperts(
            double averageBits, List<Integer> widths, double frequencyExponent, double weightExponent) {
        this.widths = new TreeSet<>(widths).stream().mapToInt(Integer::intValue).toArray();
        if (this.widths.length == 0 || this.widths[0] < MIN_WIDTH || this.widths[this.widths.length - 1] > MAX_WIDTH) {
            throw new MoelabInputException("mixed-precision widths must be between " + MIN_WIDTH + " and " + MAX_WIDTH
                    + " bits, got " + widths);
        }
        if (!(averageBits >= this.widths[0])) {
            throw new MoelabInputException(
                    "mixed-precision average bits " + averageBits + " is below the narrowest width " + this.widths[0]);
        }
        if (!(frequencyExponent >= 0) || !(weightExponent >= 0)) {
            throw new MoelabInputException(
                    "mixed-precision exponents must be ≥ 0, got α " + frequencyExponent + " and β " + weightExponent);
        }
        this.averageBits = averageBits;
        this.frequencyExponent = frequencyExponent;
        this.weightExponent = weightExponent;
    }

    /**
     * The knob the command line offers, and its default (there the widths and exponents keep theirs).
     *
     * @param averageBits the budget: mean bit width over a layer's experts
     */
    public record Settings(double averageBits) {
        public static final Settings DEFAULTS = new Settings(3.0);
        public static final MethodParameter<Double> AVERAGE_BITS = new MethodParameter<>(
                "average-bits",
                Double.class,
                DEFAULTS.averageBits(),
                "Mixed precision: average bits per expert weight (default: " + DEFAULTS.averageBits() + ").");

        static Settings from(ParameterValues values) {
            return new Settings(values.get(AVERAGE_BITS));
        }
    }

    @Override
    public String name() {
        return DESCRIPTOR.name();
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of(
                "average_bits",
                averageBits,
                "widths",
                Arrays.stream(widths).boxed().toList(),
                "frequency_exponent",
                frequencyExponent,
                "weight_exponent",
                weightExponent,
                "quantizer",
                "rtn-asymmetric-per-channel",
                "allocation",
                "exact-integer-program");
    }

    @Override
    public boolean reducesExperts() {
        return false;
    }

    @Override
    public CompressedLayer compress(MoeLayerWeights layer, LayerCalibration calibration, CompressionContext context) {
        int numExperts = layer.numExperts();
        int tokens = calibration.tokens();
        float[] probabilities = Softmax.rows(calibration.routerLogits(layer), tokens, numExperts);
        RoutingDecision routing = FamilyRule.topK(
                probabilities, tokens, context.config().routing().topK(), context.config());
        double[] frequency = calibration.frequencies();
        double[] activatedWeight = shares(activatedWeight(routing));
        double[][] cost = new double[numExperts][];
        for (int e = 0; e < numExperts; e++) {
            double significance =
                    Math.pow(frequency[e], frequencyExponent) * Math.pow(activatedWeight[e], weightExponent);
            cost[e] = Arrays.stream(quantisationLoss(layer.experts().get(e), e, routing, calibration))
                    .map(loss -> significance * Math.pow(loss, frequencyExponent))
                    .toArray();
        }
        int[] bits = allocate(cost, widths, (int) Math.floor(averageBits * numExperts + 1e-9));
        List<ExpertWeights> experts = new ArrayList<>();
        List<PlanEntry> plan = new ArrayList<>();
        Map<Integer, Integer> expertBits = new TreeMap<>();
        for (int e = 0; e < numExperts; e++) {
            experts.add(RoundToNearest.expert(layer.experts().get(e), bits[e]));
            plan.add(PlanEntry.unpermuted(e, e, 1.0));
            expertBits.put(e, bits[e]);
        }
        int[] identity = IntStream.range(0, numExperts).toArray();
        return new CompressedLayer(experts, layer.routerRows(identity), identity, plan, expertBits);
    }

    /**
     * The width index per expert minimising {@code Σ_e cost[e][w_e]} with {@code Σ_e widths[w_e] ≤ budget},
     * returned as widths; among equal minima, the one using the most bits.
     */
    static int[] allocate(double[][] cost, int[] widths, int budget) {
        int numExperts = cost.length;
        double[][] best = new double[numExperts + 1][budget + 1];
        int[][] choice = new int[numExperts + 1][budget + 1];
        for (double[] row : best) {
            Arrays.fill(row, Double.POSITIVE_INFINITY);
        }
        best[0][0] = 0;
        for (int e = 0; e < numExperts; e++) {
            for (int used = 0; used <= budget; used++) {
                if (best[e][used] == Double.POSITIVE_INFINITY) {
                    continue;
                }
                for (int w = widths.length - 1; w >= 0; w--) {
                    int next = used + widths[w];
                    double total = best[e][used] + cost[e][w];
                    if (next <= budget && total < best[e + 1][next]) {
                        best[e + 1][next] = total;
                        choice[e + 1][next] = w;
                    }
                }
            }
        }
        int used = -1;
        for (int u = budget; u >= 0; u--) {
            if (used < 0 || best[numExperts][u] < best[numExperts][used]) {
                used = u;
            }
        }
        if (best[numExperts][used] == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(
                    budget + " bits cannot hold " + numExperts + " experts of at least " + widths[0] + " bits");
        }
        int[] bits = new int[numExperts];
        for (int e = numExperts; e > 0; e--) {
            bits[e - 1] = widths[choice[e][used]];
            used -= bits[e - 1];
        }
        return bits;
    }

    /** Per expert, Σ over the tokens that selected it of its router probability. */
    private static double[] activatedWeight(RoutingDecision routing) {
        double[] weight = new double[routing.numExperts()];
        for (int t = 0; t < routing.tokens(); t++) {
            for (int s = 0; s < routing.count(t); s++) {
                int expert = routing.expert(t, s);
                weight[expert] += routing.probability(t, expert);
            }
        }
        return weight;
    }

    private static double[] shares(double[] values) {
        double total = Arrays.stream(values).sum();
        return Arrays.stream(values).map(v -> total == 0 ? 0 : v / total).toArray();
    }

    /** {@code L_e(b)} for every candidate width: the gated output error on the tokens that selected the expert. */
    private double[] quantisationLoss(
            ExpertWeights expert, int e, RoutingDecision routing, LayerCalibration calibration) {
        int hidden = expert.hidden();
        List<Integer> selecting = new ArrayList<>();
        List<Float> gates = new ArrayList<>();
        for (int t = 0; t < routing.tokens(); t++) {
            for (int s = 0; s < routing.count(t); s++) {
                if (routing.expert(t, s) == e) {
                    selecting.add(t);
                    gates.add(routing.gate(t, s));
                }
            }
        }
        double[] loss = new double[widths.length];
        int n = selecting.size();
        if (n == 0) {
            return loss;
        }
        float[] rows = new float[n * hidden];
        for (int i = 0; i < n; i++) {
            System.arraycopy(calibration.inputs(), selecting.get(i) * hidden, rows, i * hidden, hidden);
        }
        float[] exact = Gemm.expertOutput(expert, rows, n);
        for (int w = 0; w < widths.length; w++) {
            float[] quantised = Gemm.expertOutput(RoundToNearest.expert(expert, widths[w]), rows, n);
            double squares = 0;
            for (int i = 0; i < exact.length; i++) {
                double difference = gates.get(i / hidden) * ((double) exact[i] - quantised[i]);
                squares += difference * difference;
            }
            loss[w] = Math.sqrt(squares);
        }
        return loss;
    }
}
