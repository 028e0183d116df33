package io.moelab.compress.method;

import io.moelab.MoelabInputException;
import io.moelab.compress.CompressedLayer;
import io.moelab.compress.CompressionContext;
import io.moelab.compress.CompressionMethod;
import io.moelab.compress.ExpertWeights;
import io.moelab.compress.LayerCalibration;
import io.moelab.compress.MoeBlockOutput;
import io.moelab.compress.MoeLayerWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * NAEE's expert pruning (Lu et al. 2024, "Not All Experts are Equal"; docs/METHODS.md §2): among all
 * subsets S of m experts, keep the one minimising {@code Σ_batches ‖Y − Ŷ_S‖_F}, Y the layer's
 * MoE output with every expert and Ŷ_S with the others' router logits set to −∞ before the
 * softmax and top-k. As in the reference code, the Frobenius norm is taken per calibration batch
 * and summed (not squared); a batch is {@code batchTokens} consecutive calibration tokens. Ties
 * go to the subset enumerated first (lexicographic, as itertools.combinations). Layer-wise or
 * progressive is decided by where the pipeline's {@code ModelCompressor} takes the inputs from.
 *
 * <p>The search is exhaustive, as in the paper (which targets 8-expert models); a layer with more
 * than {@link #MAX_SUBSETS} subsets is refused rather than searched for hours.
 */
public final class ReconstructionPruning implements CompressionMethod {
    public static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(
            "naee",
            List.of(Settings.BATCH_TOKENS),
            (values, context) -> new ReconstructionPruning(Settings.from(values).batchTokens()));

    static final long MAX_SUBSETS = 200_000;
    private final int batchTokens;

    public ReconstructionPruning(int batchTokens) {
        if (batchTokens < 1) {
            throw new MoelabInputException("naee batch tokens must be ≥ 1, got " + batchTokens);
        }
        this.batchTokens = batchTokens;
    }

    /**
     * NAEE's knob and its default.
     *
     * @param batchTokens calibration tokens per batch of the summed Frobenius error
     */
    public record Settings(int batchTokens) {
        public static final Settings DEFAULTS = new Settings(128);
        public static final MethodParameter<Integer> BATCH_TOKENS = new MethodParameter<>(
                "naee-batch-tokens",
                Integer.class,
                DEFAULTS.batchTokens(),
                "NAEE: tokens per batch of the summed reconstruction error (default: " + DEFAULTS.batchTokens() + ").");

        static Settings from(ParameterValues values) {
            return new Settings(values.get(BATCH_TOKENS));
        }
    }

    @Override
    public String name() {
        return DESCRIPTOR.name();
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("batch_tokens", batchTokens, "search", "exhaustive");
    }

    @Override
    public CompressedLayer compress(MoeLayerWeights layer, LayerCalibration calibration, CompressionContext context) {
        context.requireFewerThan(layer.numExperts());
        int numExperts = layer.numExperts();
        int keep = context.targetExperts();
        long subsets = binomial(numExperts, keep);
        if (subsets > MAX_SUBSETS) {
            throw new MoelabInputException(
                    "naee: layer " + layer.layer() + " has C(" + numExperts + ", " + keep + ") = " + subsets
                            + " expert subsets, more than the " + MAX_SUBSETS + " an exhaustive search allows");
        }
        int tokens = calibration.tokens();
        int hidden = layer.hidden();
        float[] logits = calibration.routerLogits(layer);
        List<float[]> outputs = new ArrayList<>();
        for (ExpertWeights expert : layer.experts()) {
            outputs.add(calibration.expertOutput(expert));
        }
        boolean[] all = new boolean[numExperts];
        Arrays.fill(all, true);
        float[] full = MoeBlockOutput.combine(
                MoeBlockOutput.route(logits, tokens, all, context.config()), outputs, tokens, hidden);

        int[] subset = new int[keep];
        for (int i = 0; i < keep; i++) {
            subset[i] = i;
        }
        int[] best = null;
        double bestError = Double.POSITIVE_INFINITY;
        do {
            boolean[] kept = new boolean[numExperts];
            for (int e : subset) {
                kept[e] = true;
            }
            float[] pruned = MoeBlockOutput.combine(
                    MoeBlockOutput.route(logits, tokens, kept, context.config()), outputs, tokens, hidden);
            double error = batchedFrobenius(full, pruned, tokens, hidden);
            if (error < bestError) {
                bestError = error;
                best = subset.clone();
            }
        } while (nextCombination(subset, numExperts));
        return ExpertPruning.keep(layer, best);
    }

    private double batchedFrobenius(float[] full, float[] pruned, int tokens, int hidden) {
        double total = 0;
        for (int start = 0; start < tokens; start += batchTokens) {
            int end = Math.min(tokens, start + batchTokens);
            double squares = 0;
            for (int i = start * hidden; i < end * hidden; i++) {
                double d = full[i] - pruned[i];
                squares += d * d;
            }
            total += Math.sqrt(squares);
        }
        return total;
    }

    /** Advances to the next k-subset of [0, n) in lexicographic order; false after the last. */
    private static boolean nextCombination(int[] subset, int n) {
        int k = subset.length;
        int i = k - 1;
        while (i >= 0 && subset[i] == n - k + i) {
            i--;
        }
        if (i < 0) {
            return false;
        }
        subset[i]++;
        for (int j = i + 1; j < k; j++) {
            subset[j] = subset[j - 1] + 1;
        }
        return true;
    }

    static long binomial(int n, int k) {
        long result = 1;
        for (int i = 1; i <= k; i++) {
            result = result * (n - k + i) / i;
            if (result > Long.MAX_VALUE / (n + 1)) {
                return Long.MAX_VALUE;
            }
        }
        return result;
    }
}
