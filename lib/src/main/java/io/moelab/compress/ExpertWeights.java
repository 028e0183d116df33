package io.moelab.compress;

import io.moelab.MoelabInputException;
import io.moelab.compress.linalg.WeightedSum;
import java.util.List;

/**
 * One SwiGLU expert's weights as plain row-major float32 arrays, in Hugging Face's layouts:
 * {@code gate} (W1) and {@code up} (W3) are [intermediate × hidden], {@code down} (W2) is
 * [hidden × intermediate]. Neuron {@code j} is row j of W1 and W3 and column j of W2
 * (docs/METHODS.md §2). Compression methods read and build these; they never touch ND4J arrays.
 */
public record ExpertWeights(int hidden, int intermediate, float[] gate, float[] up, float[] down) {

    public ExpertWeights {
        long size = (long) hidden * intermediate;
        if (gate.length != size || up.length != size || down.length != size) {
            throw new IllegalArgumentException("expert weights must each hold " + intermediate + " × " + hidden
                    + " floats; got gate " + gate.length + ", up " + up.length + ", down " + down.length);
        }
    }

    /** The expert with its neurons reordered: new neuron {@code j} is old neuron {@code permutation[j]}. */
    public ExpertWeights permuteNeurons(int[] permutation) {
        if (permutation.length != intermediate) {
            throw new IllegalArgumentException(
                    "permutation has " + permutation.length + " entries, expert has " + intermediate + " neurons");
        }
        float[] newGate = new float[gate.length];
        float[] newUp = new float[up.length];
        float[] newDown = new float[down.length];
        for (int j = 0; j < intermediate; j++) {
            int source = permutation[j];
            System.arraycopy(gate, source * hidden, newGate, j * hidden, hidden);
            System.arraycopy(up, source * hidden, newUp, j * hidden, hidden);
        }
        for (int h = 0; h < hidden; h++) {
            int row = h * intermediate;
            for (int j = 0; j < intermediate; j++) {
                newDown[row + j] = down[row + permutation[j]];
            }
        }
        return new ExpertWeights(hidden, intermediate, newGate, newUp, newDown);
    }

    /**
     * {@code Σ c_i · expert_i} for W1, W3 and W2 alike, accumulated in double so the result does
     * not depend on the order of the experts.
     */
    public static ExpertWeights weightedSum(List<ExpertWeights> experts, double[] coefficients) {
        if (experts.isEmpty() || experts.size() != coefficients.length) {
            throw new IllegalArgumentException(
                    experts.size() + " experts but " + coefficients.length + " coefficients");
        }
        ExpertWeights first = experts.get(0);
        for (ExpertWeights expert : experts) {
            if (expert.hidden != first.hidden || expert.intermediate != first.intermediate) {
                throw new MoelabInputException("cannot merge experts of different shapes: " + first.intermediate + "×"
                        + first.hidden + " and " + expert.intermediate + "×" + expert.hidden);
            }
        }
        return new ExpertWeights(
                first.hidden,
                first.intermediate,
                WeightedSum.of(experts.stream().map(ExpertWeights::gate).toList(), coefficients),
                WeightedSum.of(experts.stream().map(ExpertWeights::up).toList(), coefficients),
                WeightedSum.of(experts.stream().map(ExpertWeights::down).toList(), coefficients));
    }

    /** {@code W2 · (silu(W1 x) ⊙ W3 x)} for rows x [n × hidden], in double (a reference for tests and reconstruction errors). */
    public float[] apply(float[] rows, int n) {
        float[] out = new float[n * hidden];
        double[] activation = new double[intermediate];
        for (int r = 0; r < n; r++) {
            int xBase = r * hidden;
            for (int j = 0; j < intermediate; j++) {
                double g = 0;
                double u = 0;
                int wBase = j * hidden;
                for (int h = 0; h < hidden; h++) {
                    g += gate[wBase + h] * rows[xBase + h];
                    u += up[wBase + h] * rows[xBase + h];
                }
                activation[j] = g / (1 + Math.exp(-g)) * u;
            }
            for (int h = 0; h < hidden; h++) {
                double y = 0;
                int dBase = h * intermediate;
                for (int j = 0; j < intermediate; j++) {
                    y += down[dBase + j] * activation[j];
                }
                out[xBase + h] = (float) y;
            }
        }
        return out;
    }
}
