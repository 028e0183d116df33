package io.moelab.model;

import io.moelab.moe.TokenBatch;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Outputs of a forward call over a packed {@link TokenBatch}: row {@code t} belongs to
 * {@code batch.token(t)}.
 *
 * @param logits       [tokens × vocab], or [logitRows.length × vocab] when only some rows were asked for;
 *                     null when the call stopped after the last MoE layer
 * @param layerOutputs residual stream after each decoder layer that ran, [tokens × hidden] row-major; empty unless asked
 * @param logitRows    the packed rows that have logits, ascending; null for every row
 */
public record ForwardResult(TokenBatch batch, INDArray logits, List<float[]> layerOutputs, int[] logitRows) {

    /** The row of {@link #logits} that holds packed row {@code packedRow}'s logits. */
    public int logitRow(int packedRow) {
        if (logitRows == null) {
            return packedRow;
        }
        int row = Arrays.binarySearch(logitRows, packedRow);
        if (row < 0) {
            throw new IllegalArgumentException("packed row " + packedRow + " has no logits: the forward computed rows "
                    + Arrays.toString(logitRows));
        }
        return row;
    }

    /** Logits of one sequence, [its length][vocab]; the forward must have computed every row. */
    public float[][] logitsOf(int sequence) {
        int vocab = (int) logits.size(1);
        float[] all = MatrixOps.toFloats(logits);
        float[][] out = new float[batch.length(sequence)][];
        for (int i = 0; i < out.length; i++) {
            int row = logitRow(batch.start(sequence) + i);
            out[i] = Arrays.copyOfRange(all, row * vocab, (row + 1) * vocab);
        }
        return out;
    }
}
