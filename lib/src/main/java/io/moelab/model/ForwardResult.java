package io.moelab.model;

import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Outputs of a forward call over a packed {@link TokenBatch}: row {@code t} belongs to
 * {@code batch.token(t)}.
 *
 * @param logits       [tokens × vocab]; null when the call stopped after the last MoE layer
 * @param layerOutputs residual stream after each decoder layer that ran, [tokens × hidden] row-major; empty unless asked
 */
public record ForwardResult(TokenBatch batch, INDArray logits, List<float[]> layerOutputs) {

    /** Logits of one sequence, [its length][vocab]. */
    public float[][] logitsOf(int sequence) {
        int vocab = (int) logits.size(1);
        float[] all = MatrixOps.toFloats(logits);
        float[][] out = new float[batch.length(sequence)][];
        for (int i = 0; i < out.length; i++) {
            int row = batch.start(sequence) + i;
            out[i] = Arrays.copyOfRange(all, row * vocab, (row + 1) * vocab);
        }
        return out;
    }
}
