package io.moelab.stats;

import io.moelab.routing.RoutingDecision;
import java.io.Serial;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The mergeable accumulator of routing statistics (METHODS.md §1) for one model over any number of
 * forward calls. Per MoE layer and expert it holds: tokens selected, top-1 tokens, gate mass
 * {@code Σ g_e}, probability mass {@code Σ p_e}; per layer: tokens and the router-entropy sum
 * {@code Σ_t H(p_t)} in nats; co-activation counts per unordered expert pair {@code a < b} (Dynamic-DINO);
 * inter-layer affinity {@code e → e'} between consecutive MoE layers (ExpertFlow, HOBBIT, Pre-gated
 * MoE); and, when enabled, super-expert maxima (max |down_proj output| and its hidden dimension,
 * Super Experts), HoME's zero-activation share and the output-norm sum (expert collapse), and
 * counts per (layer, expert, label) for specialisation by nPMI.
 *
 * <p><b>Exactness.</b> Counts are {@code long}s. Every floating sum is fixed point
 * ({@link FixedPoint}, value × 2<sup>32</sup> rounded to nearest per value, resolution
 * 2<sup>−32</sup> ≈ 2.3·10<sup>−10</sup> per value; a sum must stay below 2<sup>31</sup> ≈ 2.1·10<sup>9</sup>
 * in magnitude — e.g. gate and probability mass are at most the token count, entropy at most
 * tokens·ln E, output-norm sums at most tokens × the largest norm — and an overflow throws
 * {@link ArithmeticException}, never wraps). The maximum is merged by (larger value, then lower
 * hidden dimension) and NaN values are ignored. Hence {@link #merge} is associative and commutative
 * and the state is bit-identical for any partitioning of the same forward calls and any merge order.
 *
 * <p>Layers are indexed by MoE layer ({@code 0 .. moeLayers()-1}); {@link #decoderLayer(int)} gives
 * the decoder layer index written to the tables.
 */
public final class RoutingStatistics implements StatAccumulator<RoutingStatistics> {
    @Serial
    private static final long serialVersionUID = 1L;

    private final int[] decoderLayers;
    private final int numExperts;
    private final boolean superExperts;
    private final boolean outputNorms;
    private final boolean zeroActivation;
    private final double zeroActivationThreshold;
    private final boolean labels;

    private final long[] tokensPerLayer;
    private final long[] entropySum;
    private final long[] selected;
    private final long[] top1;
    private final long[] gateMass;
    private final long[] probMass;
    private final long[] coactivation;
    private final long[] affinity;
    // optional
    private final float[] maxAbsOutput;
    private final int[] maxAbsDim;
    private final long[] outputRows;
    private final long[] outputNormSum;
    private final long[] zeroActivations;
    private final long[] activationEntries;
    private final TreeMap<String, long[]> labelCounts;

    /**
     * @param decoderLayers decoder-layer index of each MoE layer, ascending ({@code MoeConfig.layers().moeLayerIndices()})
     * @param numExperts    routed experts per MoE layer
     * @param options       which optional statistics to keep (sampling options are the collector's)
     */
    public RoutingStatistics(int[] decoderLayers, int numExperts, StatsOptions options) {
        if (decoderLayers.length == 0 || numExperts < 1) {
            throw new IllegalArgumentException("routing statistics need at least one MoE layer and one expert, got "
                    + decoderLayers.length + " layers and " + numExperts + " experts");
        }
        this.decoderLayers = decoderLayers.clone();
        this.numExperts = numExperts;
        this.superExperts = options.superExperts();
        this.outputNorms = options.outputNorms();
        this.zeroActivation = options.zeroActivation();
        this.zeroActivationThreshold = options.zeroActivation() ? options.zeroActivationThreshold() : 0;
        this.labels = options.labels();
        int layers = decoderLayers.length;
        int cells = layers * numExperts;
        tokensPerLayer = new long[layers];
        entropySum = new long[layers];
        selected = new long[cells];
        top1 = new long[cells];
        gateMass = new long[cells];
        probMass = new long[cells];
        coactivation = new long[layers * pairCount(numExperts)];
        affinity = new long[(layers - 1) * numExperts * numExperts];
        maxAbsOutput = superExperts ? new float[cells] : null;
        maxAbsDim = superExperts ? filled(cells, -1) : null;
        outputRows = outputNorms ? new long[cells] : null;
        outputNormSum = outputNorms ? new long[cells] : null;
        zeroActivations = zeroActivation ? new long[cells] : null;
        activationEntries = zeroActivation ? new long[cells] : null;
        labelCounts = labels ? new TreeMap<>() : null;
    }

    private static int[] filled(int n, int value) {
        int[] out = new int[n];
        Arrays.fill(out, value);
        return out;
    }

    static int pairCount(int experts) {
        return experts * (experts - 1) / 2;
    }

    /** Index of the unordered pair {@code a < b} among the E(E−1)/2 pairs, row-major over a. */
    static int pairIndex(int a, int b, int experts) {
        return a * (2 * experts - a - 1) / 2 + (b - a - 1);
    }

    // ------------------------------------------------------------------ adding

    /**
     * Adds one MoE layer's routing of one batch: tokens, selections, top-1 (slot 0), gates,
     * probabilities, entropy, co-activation and — when labels are on — label counts.
     *
     * @param labelOfToken the label of each token of the decision; required when labels are on, ignored otherwise
     */
    public void addRouting(int moeLayer, RoutingDecision decision, String[] labelOfToken) {
        checkLayer(moeLayer);
        checkExperts(decision.numExperts());
        int tokens = decision.tokens();
        int base = moeLayer * numExperts;
        long[] perLabel = null;
        String currentLabel = null;
        if (labels && labelOfToken == null) {
            throw new IllegalArgumentException("labels are on: a label per token is needed for MoE layer " + moeLayer);
        }
        if (labels && labelOfToken.length != tokens) {
            throw new IllegalArgumentException("got " + labelOfToken.length + " labels for " + tokens + " tokens");
        }
        long entropy = entropySum[moeLayer];
        int pairBase = moeLayer * pairCount(numExperts);
        for (int t = 0; t < tokens; t++) {
            int count = decision.count(t);
            if (count > 0) {
                top1[base + decision.expert(t, 0)]++;
            }
            if (labels) {
                String label = Objects.requireNonNull(labelOfToken[t], "label of token " + t);
                if (!label.equals(currentLabel)) {
                    currentLabel = label;
                    perLabel = labelCounts.computeIfAbsent(label, k -> new long[decoderLayers.length * numExperts]);
                }
            }
            for (int s = 0; s < count; s++) {
                int e = decision.expert(t, s);
                selected[base + e]++;
                gateMass[base + e] = FixedPoint.add(gateMass[base + e], FixedPoint.encode(decision.gate(t, s)));
                if (perLabel != null) {
                    perLabel[base + e]++;
                }
                for (int s2 = s + 1; s2 < count; s2++) {
                    int f = decision.expert(t, s2);
                    if (f != e) {
                        coactivation[pairBase + pairIndex(Math.min(e, f), Math.max(e, f), numExperts)]++;
                    }
                }
            }
            double h = 0;
            for (int e = 0; e < numExperts; e++) {
                double p = decision.probability(t, e);
                probMass[base + e] = FixedPoint.add(probMass[base + e], FixedPoint.encode(p));
                if (p > 0) {
                    h -= p * Math.log(p);
                }
            }
            entropy = FixedPoint.add(entropy, FixedPoint.encode(h));
        }
        entropySum[moeLayer] = entropy;
        tokensPerLayer[moeLayer] += tokens;
    }

    /**
     * Adds inter-layer affinity: for every token, every expert {@code e} it used at MoE layer
     * {@code moeLayer} and every {@code e'} it used at {@code moeLayer + 1}, one count {@code e → e'}.
     * Both decisions must cover the same tokens.
     */
    public void addAffinity(int moeLayer, RoutingDecision current, RoutingDecision next) {
        if (moeLayer < 0 || moeLayer + 1 >= decoderLayers.length) {
            throw new IllegalArgumentException("affinity needs MoE layers " + moeLayer + " and " + (moeLayer + 1)
                    + "; there are " + decoderLayers.length);
        }
        if (current.tokens() != next.tokens()) {
            throw new IllegalArgumentException("affinity between decisions of " + current.tokens() + " and "
                    + next.tokens() + " tokens");
        }
        int base = moeLayer * numExperts * numExperts;
        for (int t = 0; t < current.tokens(); t++) {
            for (int s = 0; s < current.count(t); s++) {
                int row = base + current.expert(t, s) * numExperts;
                for (int s2 = 0; s2 < next.count(t); s2++) {
                    affinity[row + next.expert(t, s2)]++;
                }
            }
        }
    }

    /**
     * Adds one expert's {@code down_proj} outputs, row-major [rows × hidden]: the super-expert
     * maximum and/or the L2 output norm of each row (whichever is enabled).
     */
    public void addExpertOutput(int moeLayer, int expert, float[] output, int rows, int hidden) {
        checkLayer(moeLayer);
        checkExpert(expert);
        if (output.length != (long) rows * hidden) {
            throw new IllegalArgumentException("expert output has " + output.length + " values, expected "
                    + rows + " × " + hidden);
        }
        int cell = moeLayer * numExperts + expert;
        if (superExperts) {
            float best = maxAbsOutput[cell];
            int bestDim = maxAbsDim[cell];
            for (int r = 0; r < rows; r++) {
                int off = r * hidden;
                for (int d = 0; d < hidden; d++) {
                    float v = Math.abs(output[off + d]);
                    if (isBetterMax(v, d, best, bestDim)) {
                        best = v;
                        bestDim = d;
                    }
                }
            }
            maxAbsOutput[cell] = best;
            maxAbsDim[cell] = bestDim;
        }
        if (outputNorms) {
            long sum = outputNormSum[cell];
            for (int r = 0; r < rows; r++) {
                double squares = 0;
                int off = r * hidden;
                for (int d = 0; d < hidden; d++) {
                    squares += (double) output[off + d] * output[off + d];
                }
                sum = FixedPoint.add(sum, FixedPoint.encode(Math.sqrt(squares)));
            }
            outputNormSum[cell] = sum;
            outputRows[cell] += rows;
        }
    }

    /** (value, dim) beats (best, bestDim): larger value, then lower dimension; NaN never wins; dim −1 = nothing yet. */
    private static boolean isBetterMax(float value, int dim, float best, int bestDim) {
        if (Float.isNaN(value)) {
            return false;
        }
        if (bestDim < 0) {
            return true;
        }
        return value > best || (value == best && dim < bestDim);
    }

    /** Adds one expert's hidden activations {@code silu(W1 x) ⊙ W3 x}: entries with |a| below the threshold, and all entries. */
    public void addExpertActivation(int moeLayer, int expert, float[] activation) {
        checkLayer(moeLayer);
        checkExpert(expert);
        if (!zeroActivation) {
            return;
        }
        long zeros = 0;
        for (float a : activation) {
            if (Math.abs(a) < zeroActivationThreshold) {
                zeros++;
            }
        }
        int cell = moeLayer * numExperts + expert;
        zeroActivations[cell] += zeros;
        activationEntries[cell] += activation.length;
    }

    // ------------------------------------------------------------------ merging

    /**
     * Adds {@code other} into this accumulator. Associative and commutative, exact (see the class
     * comment). Both must describe the same MoE layers, expert count and enabled statistics.
     *
     * @return this
     * @throws IllegalArgumentException when the shapes or enabled statistics differ
     */
    @Override
    public RoutingStatistics merge(RoutingStatistics other) {
        requireSameShape(other);
        FixedPoint.addAll(tokensPerLayer, other.tokensPerLayer);
        FixedPoint.addAll(entropySum, other.entropySum);
        FixedPoint.addAll(selected, other.selected);
        FixedPoint.addAll(top1, other.top1);
        FixedPoint.addAll(gateMass, other.gateMass);
        FixedPoint.addAll(probMass, other.probMass);
        FixedPoint.addAll(coactivation, other.coactivation);
        FixedPoint.addAll(affinity, other.affinity);
        if (superExperts) {
            for (int i = 0; i < maxAbsOutput.length; i++) {
                if (isBetterMax(other.maxAbsOutput[i], other.maxAbsDim[i], maxAbsOutput[i], maxAbsDim[i])
                        && other.maxAbsDim[i] >= 0) {
                    maxAbsOutput[i] = other.maxAbsOutput[i];
                    maxAbsDim[i] = other.maxAbsDim[i];
                }
            }
        }
        if (outputNorms) {
            FixedPoint.addAll(outputRows, other.outputRows);
            FixedPoint.addAll(outputNormSum, other.outputNormSum);
        }
        if (zeroActivation) {
            FixedPoint.addAll(zeroActivations, other.zeroActivations);
            FixedPoint.addAll(activationEntries, other.activationEntries);
        }
        if (labels) {
            for (Map.Entry<String, long[]> entry : other.labelCounts.entrySet()) {
                long[] mine = labelCounts.computeIfAbsent(entry.getKey(), k -> new long[selected.length]);
                FixedPoint.addAll(mine, entry.getValue());
            }
        }
        return this;
    }

    private void requireSameShape(RoutingStatistics other) {
        if (!Arrays.equals(decoderLayers, other.decoderLayers) || numExperts != other.numExperts) {
            throw new IllegalArgumentException("cannot merge routing statistics of MoE layers "
                    + Arrays.toString(other.decoderLayers) + " with " + other.numExperts + " experts into ones of MoE layers "
                    + Arrays.toString(decoderLayers) + " with " + numExperts + " experts");
        }
        if (superExperts != other.superExperts || outputNorms != other.outputNorms
                || zeroActivation != other.zeroActivation || labels != other.labels
                || Double.compare(zeroActivationThreshold, other.zeroActivationThreshold) != 0) {
            throw new IllegalArgumentException("cannot merge routing statistics gathered with different options: "
                    + describeOptions() + " vs " + other.describeOptions());
        }
    }

    private String describeOptions() {
        return "superExperts=" + superExperts + ", outputNorms=" + outputNorms + ", zeroActivation=" + zeroActivation
                + (zeroActivation ? " (threshold " + zeroActivationThreshold + ")" : "") + ", labels=" + labels;
    }

    /** A deep copy. */
    public RoutingStatistics copy() {
        RoutingStatistics out = new RoutingStatistics(decoderLayers, numExperts, options());
        return out.merge(this);
    }

    /** The options this accumulator was built with (sampling fields zero). */
    public StatsOptions options() {
        return new StatsOptions(superExperts, outputNorms, zeroActivation,
                zeroActivation ? zeroActivationThreshold : 1e-6, labels, 0, 0, 0);
    }

    // ------------------------------------------------------------------ reading

    public int moeLayers() {
        return decoderLayers.length;
    }

    public int numExperts() {
        return numExperts;
    }

    public int decoderLayer(int moeLayer) {
        return decoderLayers[moeLayer];
    }

    public boolean hasSuperExperts() {
        return superExperts;
    }

    public boolean hasOutputNorms() {
        return outputNorms;
    }

    public boolean hasZeroActivation() {
        return zeroActivation;
    }

    public boolean hasLabels() {
        return labels;
    }

    public long tokens(int moeLayer) {
        return tokensPerLayer[moeLayer];
    }

    /** Σ over tokens of the router entropy H(p) in nats. */
    public double entropySum(int moeLayer) {
        return FixedPoint.decode(entropySum[moeLayer]);
    }

    public long selected(int moeLayer, int expert) {
        return selected[cell(moeLayer, expert)];
    }

    public long top1(int moeLayer, int expert) {
        return top1[cell(moeLayer, expert)];
    }

    public double gateMass(int moeLayer, int expert) {
        return FixedPoint.decode(gateMass[cell(moeLayer, expert)]);
    }

    public double probMass(int moeLayer, int expert) {
        return FixedPoint.decode(probMass[cell(moeLayer, expert)]);
    }

    /** Tokens that selected both {@code a} and {@code b} (order irrelevant, {@code a != b}). */
    public long coactivation(int moeLayer, int a, int b) {
        if (a == b) {
            throw new IllegalArgumentException("co-activation needs two different experts, got " + a + " twice");
        }
        return coactivation[moeLayer * pairCount(numExperts) + pairIndex(Math.min(a, b), Math.max(a, b), numExperts)];
    }

    /** Tokens routed to {@code expert} at MoE layer {@code moeLayer} and to {@code nextExpert} at {@code moeLayer + 1}. */
    public long affinity(int moeLayer, int expert, int nextExpert) {
        return affinity[(moeLayer * numExperts + expert) * numExperts + nextExpert];
    }

    /** Max |down_proj output| seen; NaN when super experts are off or the expert saw no tokens. */
    public double maxAbsOutput(int moeLayer, int expert) {
        int c = cell(moeLayer, expert);
        return superExperts && maxAbsDim[c] >= 0 ? maxAbsOutput[c] : Double.NaN;
    }

    /** Hidden dimension of {@link #maxAbsOutput}; −1 when unknown. */
    public int maxAbsDim(int moeLayer, int expert) {
        return superExperts ? maxAbsDim[cell(moeLayer, expert)] : -1;
    }

    /** Σ ‖y‖₂ over the rows the expert computed; NaN when off. */
    public double outputNormSum(int moeLayer, int expert) {
        return outputNorms ? FixedPoint.decode(outputNormSum[cell(moeLayer, expert)]) : Double.NaN;
    }

    public long outputRows(int moeLayer, int expert) {
        return outputNorms ? outputRows[cell(moeLayer, expert)] : 0;
    }

    public long zeroActivations(int moeLayer, int expert) {
        return zeroActivation ? zeroActivations[cell(moeLayer, expert)] : 0;
    }

    public long activationEntries(int moeLayer, int expert) {
        return zeroActivation ? activationEntries[cell(moeLayer, expert)] : 0;
    }

    public double zeroActivationThreshold() {
        return zeroActivationThreshold;
    }

    /** Labels seen, sorted. Empty when labels are off. */
    public java.util.List<String> labels() {
        return labels ? java.util.List.copyOf(labelCounts.keySet()) : java.util.List.of();
    }

    public long labelCount(int moeLayer, int expert, String label) {
        if (!labels) {
            return 0;
        }
        long[] counts = labelCounts.get(label);
        return counts == null ? 0 : counts[cell(moeLayer, expert)];
    }

    private int cell(int moeLayer, int expert) {
        checkLayer(moeLayer);
        checkExpert(expert);
        return moeLayer * numExperts + expert;
    }

    private void checkLayer(int moeLayer) {
        if (moeLayer < 0 || moeLayer >= decoderLayers.length) {
            throw new IllegalArgumentException("MoE layer " + moeLayer + " out of range 0.." + (decoderLayers.length - 1));
        }
    }

    private void checkExpert(int expert) {
        if (expert < 0 || expert >= numExperts) {
            throw new IllegalArgumentException("expert " + expert + " out of range 0.." + (numExperts - 1));
        }
    }

    private void checkExperts(int experts) {
        if (experts != numExperts) {
            throw new IllegalArgumentException("routing decision has " + experts + " experts, statistics have " + numExperts);
        }
    }

    // ------------------------------------------------------------------ equality

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RoutingStatistics other)) {
            return false;
        }
        return Arrays.equals(decoderLayers, other.decoderLayers) && numExperts == other.numExperts
                && superExperts == other.superExperts && outputNorms == other.outputNorms
                && zeroActivation == other.zeroActivation && labels == other.labels
                && Double.compare(zeroActivationThreshold, other.zeroActivationThreshold) == 0
                && Arrays.equals(tokensPerLayer, other.tokensPerLayer) && Arrays.equals(entropySum, other.entropySum)
                && Arrays.equals(selected, other.selected) && Arrays.equals(top1, other.top1)
                && Arrays.equals(gateMass, other.gateMass) && Arrays.equals(probMass, other.probMass)
                && Arrays.equals(coactivation, other.coactivation) && Arrays.equals(affinity, other.affinity)
                && Arrays.equals(maxAbsOutput, other.maxAbsOutput) && Arrays.equals(maxAbsDim, other.maxAbsDim)
                && Arrays.equals(outputRows, other.outputRows) && Arrays.equals(outputNormSum, other.outputNormSum)
                && Arrays.equals(zeroActivations, other.zeroActivations)
                && Arrays.equals(activationEntries, other.activationEntries)
                && labelsEqual(labelCounts, other.labelCounts);
    }

    private static boolean labelsEqual(TreeMap<String, long[]> a, TreeMap<String, long[]> b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, long[]> entry : a.entrySet()) {
            if (!Arrays.equals(entry.getValue(), b.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(decoderLayers), numExperts, Arrays.hashCode(tokensPerLayer),
                Arrays.hashCode(selected), Arrays.hashCode(gateMass), Arrays.hashCode(probMass));
    }

    @Override
    public String toString() {
        return "RoutingStatistics[MoE layers " + Arrays.toString(decoderLayers) + ", " + numExperts + " experts, tokens "
                + Arrays.toString(tokensPerLayer) + ", " + describeOptions() + "]";
    }
}
