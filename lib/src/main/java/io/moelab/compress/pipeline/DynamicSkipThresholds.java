package io.moelab.compress.pipeline;

import io.moelab.compress.CompressedLayer;
import io.moelab.compress.Gemm;
import io.moelab.compress.LayerCalibration;
import io.moelab.moe.MoeConfig;
import io.moelab.routing.Softmax;
import io.moelab.routing.TopK;
import java.util.Arrays;

/**
 * NAEE's dynamic skipping thresholds (docs/METHODS.md §2): {@code β_l = median over calibration tokens of
 * g_(2)/g_(1)}, the ratio of the second to the first gate under the layer's own routing. The
 * median is torch.median's: the lower of the two middle values for an even count. Written as the
 * {@code {"betas": {...}}} file the {@code skip:betas=FILE} routing policy reads.
 */
public final class DynamicSkipThresholds {
    private DynamicSkipThresholds() {}

    /** β of a compressed layer in its smaller-router form, on the calibration inputs; NaN without inputs or with top-1. */
    public static double beta(CompressedLayer layer, LayerCalibration calibration, MoeConfig config) {
        int experts = layer.numExperts();
        if (calibration.tokens() == 0 || config.routing().topK() < 2 || experts < 2) {
            return Double.NaN;
        }
        int tokens = calibration.tokens();
        float[] logits = Gemm.timesTransposed(calibration.inputs(), tokens, layer.router(), experts);
        float[] probabilities = Softmax.rows(logits, tokens, experts);
        int[] top = new int[2];
        double[] ratios = new double[tokens];
        for (int t = 0; t < tokens; t++) {
            // Renormalising the gates does not change their ratio, so the raw probabilities serve.
            TopK.select(probabilities, t * experts, experts, 2, top, 0);
            ratios[t] = probabilities[t * experts + top[1]] / (double) probabilities[t * experts + top[0]];
        }
        Arrays.sort(ratios);
        return ratios[(tokens - 1) / 2];
    }
}
