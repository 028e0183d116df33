package io.moelab.compress;

import io.moelab.MoelabInputException;
import java.util.Arrays;

/**
 * One MoE layer's calibration data: how many top-k selections each expert got (from a
 * {@code routing_stats} run or a calibration forward) and, for methods that need them, the MoE
 * block's inputs on sampled calibration tokens [tokens × hidden] (after the post-attention norm).
 */
public record LayerCalibration(long[] selections, float[] inputs, int tokens, int hidden) {

    public LayerCalibration {
        if (inputs.length != (long) tokens * hidden) {
            throw new IllegalArgumentException(
                    "inputs hold " + inputs.length + " floats, expected " + tokens + " × " + hidden);
        }
    }

    public static LayerCalibration countsOnly(long[] selections, int hidden) {
        return new LayerCalibration(selections, new float[0], 0, hidden);
    }

    /** Usage frequency {@code f_e}: the expert's share of the layer's top-k selections. */
    public double[] frequencies() {
        long total = Arrays.stream(selections).sum();
        if (total == 0) {
            throw new MoelabInputException("the routing statistics count no selections for this layer");
        }
        return Arrays.stream(selections).mapToDouble(c -> (double) c / total).toArray();
    }

    public float[] routerLogits(MoeLayerWeights layer) {
        requireInputs();
        return Gemm.timesTransposed(inputs, tokens, layer.router(), layer.numExperts());
    }

    public float[] expertOutput(ExpertWeights expert) {
        requireInputs();
        return Gemm.expertOutput(expert, inputs, tokens);
    }

    private void requireInputs() {
        if (tokens == 0) {
            throw new IllegalStateException("this method needs calibration inputs, but none were collected");
        }
    }
}
