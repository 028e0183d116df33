package io.moelab.stats;

import java.io.Serial;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Mergeable accumulator of expert similarity per MoE layer (docs/METHODS.md §1 "Similarity"; Sub-MoE's
 * clustering feature): the cosine between two experts' outputs on the same calibration tokens, with
 * each expert's outputs over all sampled tokens flattened into one vector, and — computed from the
 * model, not accumulated — the cosine between router rows.
 *
 * <p><b>Cost.</b> Every sampled token is run through all E routed experts of every MoE layer
 * ({@code MoeModel.runExpert}): E expert forwards per sampled token and layer, plus E(E+1)/2 dot
 * products of width hidden. Sample few tokens (see {@link StatsOptions#similaritySampleRate()}).
 *
 * <p><b>Exactness.</b> It keeps the Gram matrix {@code G[a][b] = Σ_t y_a(t)·y_b(t)} (diagonal =
 * squared norms). Each token's dot product is computed in double in hidden-dimension order from
 * that token's outputs alone, rounded once to fixed point with {@link #FRACTION_BITS} = 16
 * fractional bits and summed as a {@code long}; so merges are exact, associative and commutative
 * (unlike compensated summation, which depends on order). 16 bits rather than the routing sums' 32
 * because squared output norms are large: resolution 2<sup>−16</sup> ≈ 1.5·10<sup>−5</sup> per token
 * and pair, against squared norms that are typically ≥ 1; sums must stay below 2<sup>47</sup> ≈
 * 1.4·10<sup>14</sup> (overflow throws). Cosine = G[a][b] / sqrt(G[a][a]·G[b][b]).
 */
public final class ExpertSimilarity implements StatAccumulator<ExpertSimilarity> {
    @Serial
    private static final long serialVersionUID = 2L;

    /** Fractional bits of the fixed-point Gram sums. */
    public static final int FRACTION_BITS = 16;

    private final ExpertGrid grid;
    private final int numExperts;
    private final long[] sampledTokens;
    private final long[] gram;

    /**
     * @param decoderLayers decoder-layer index of each MoE layer, ascending
     * @param numExperts    routed experts per MoE layer
     */
    public ExpertSimilarity(int[] decoderLayers, int numExperts) {
        this.grid = new ExpertGrid(decoderLayers, numExperts);
        this.numExperts = numExperts;
        this.sampledTokens = new long[decoderLayers.length];
        this.gram = new long[decoderLayers.length * numExperts * numExperts];
    }

    /**
     * Adds sampled tokens of one layer: {@code outputs[e]} is expert e's output on the same
     * {@code rows} tokens, row-major [rows × hidden].
     */
    public void addSample(int moeLayer, float[][] outputs, int rows, int hidden) {
        if (outputs.length != numExperts) {
            throw new IllegalArgumentException(
                    "need the outputs of all " + numExperts + " experts, got " + outputs.length);
        }
        int base = moeLayer * numExperts * numExperts;
        for (int t = 0; t < rows; t++) {
            int off = t * hidden;
            for (int a = 0; a < numExperts; a++) {
                float[] ya = outputs[a];
                for (int b = a; b < numExperts; b++) {
                    float[] yb = outputs[b];
                    double dot = 0;
                    for (int d = 0; d < hidden; d++) {
                        dot += (double) ya[off + d] * yb[off + d];
                    }
                    int i = base + a * numExperts + b;
                    gram[i] = FixedPoint.add(gram[i], FixedPoint.encode(dot, FRACTION_BITS));
                }
            }
        }
        sampledTokens[moeLayer] += rows;
    }

    /** Adds {@code other} into this; exact, associative, commutative; rejects another grid. */
    @Override
    public ExpertSimilarity merge(ExpertSimilarity other) {
        grid.requireSame(other.grid, "expert similarity");
        FixedPoint.addAll(sampledTokens, other.sampledTokens);
        FixedPoint.addAll(gram, other.gram);
        return this;
    }

    public long sampledTokens(int moeLayer) {
        return sampledTokens[moeLayer];
    }

    /** Cosine between experts' flattened outputs; NaN without samples or with a zero norm. */
    public double outputCosine(int moeLayer, int a, int b) {
        int base = moeLayer * numExperts * numExperts;
        long ab = gram[base + Math.min(a, b) * numExperts + Math.max(a, b)];
        long aa = gram[base + a * numExperts + a];
        long bb = gram[base + b * numExperts + b];
        if (aa == 0 || bb == 0) {
            return Double.NaN;
        }
        // the 2^-16 scale cancels
        return ab / Math.sqrt((double) aa * (double) bb);
    }

    /** Cosine similarity between the router rows of a layer, [E × E]; router row-major [E × hidden]. */
    public static double[][] routerCosine(float[] routerWeights, int experts) {
        int hidden = routerWeights.length / experts;
        double[] norms = new double[experts];
        for (int e = 0; e < experts; e++) {
            double s = 0;
            for (int d = 0; d < hidden; d++) {
                s += (double) routerWeights[e * hidden + d] * routerWeights[e * hidden + d];
            }
            norms[e] = Math.sqrt(s);
        }
        double[][] out = new double[experts][experts];
        for (int a = 0; a < experts; a++) {
            for (int b = a; b < experts; b++) {
                double dot = 0;
                for (int d = 0; d < hidden; d++) {
                    dot += (double) routerWeights[a * hidden + d] * routerWeights[b * hidden + d];
                }
                double c = norms[a] == 0 || norms[b] == 0 ? Double.NaN : dot / (norms[a] * norms[b]);
                out[a][b] = c;
                out[b][a] = c;
            }
        }
        return out;
    }

    /**
     * Rows of table {@code expert_similarity} for pairs {@code a < b}, layers ascending.
     *
     * @param routerWeightsPerMoeLayer {@code model.routerWeights(decoderLayer)} of each MoE layer
     */
    public List<ExpertSimilarityRow> rows(List<float[]> routerWeightsPerMoeLayer) {
        if (routerWeightsPerMoeLayer.size() != grid.moeLayers()) {
            throw new IllegalArgumentException("need router weights of " + grid.moeLayers() + " MoE layers, got "
                    + routerWeightsPerMoeLayer.size());
        }
        List<ExpertSimilarityRow> out = new ArrayList<>();
        for (int l = 0; l < grid.moeLayers(); l++) {
            double[][] router = routerCosine(routerWeightsPerMoeLayer.get(l), numExperts);
            for (int a = 0; a < numExperts; a++) {
                for (int b = a + 1; b < numExperts; b++) {
                    out.add(new ExpertSimilarityRow(grid.decoderLayer(l), a, b, outputCosine(l, a, b), router[a][b]));
                }
            }
        }
        return out;
    }

    /** Rows with router rows read from the model. */
    public List<ExpertSimilarityRow> rows(io.moelab.model.MoeModel model) {
        List<float[]> router = new ArrayList<>();
        for (int l = 0; l < grid.moeLayers(); l++) {
            router.add(model.routerWeights(grid.decoderLayer(l)));
        }
        return rows(router);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExpertSimilarity other
                && grid.equals(other.grid)
                && Arrays.equals(sampledTokens, other.sampledTokens)
                && Arrays.equals(gram, other.gram);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(gram);
    }
}
