package io.moelab.eval;

import io.moelab.model.ForwardResult;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rows of a forward call's logits, read one at a time by packed row so only the rows a request
 * scores are ever copied out of ND4J, and the scores taken on them in double.
 */
final class LogitRows {
    private final ForwardResult result;
    private final FloatBuffer data;
    private final int vocab;

    LogitRows(ForwardResult result) {
        INDArray logits = result.logits();
        INDArray dense = logits.ordering() == 'c' && !logits.isView() ? logits : logits.dup('c');
        this.result = result;
        this.data = dense.data().asNioFloat();
        this.vocab = (int) logits.size(1);
    }

    int vocab() {
        return vocab;
    }

    /** Copies packed row {@code row}'s logits into {@code into} (length vocab) and returns it. */
    float[] row(int row, float[] into) {
        data.get(result.logitRow(row) * vocab, into, 0, vocab);
        return into;
    }

    /** log softmax(row)[token], in double. */
    static double logProbability(float[] row, int token) {
        // A plain comparison: Math.max's NaN handling made this loop 3x slower on 32k-token vocabularies.
        float max = Float.NEGATIVE_INFINITY;
        for (float x : row) {
            if (x > max) {
                max = x;
            }
        }
        double sum = 0;
        for (float x : row) {
            sum += Math.exp((double) x - max);
        }
        return (double) row[token] - max - Math.log(sum);
    }

    /** Index of the largest value; ties go to the lowest index, as torch's argmax. */
    static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }
}
