package io.moelab.compress.linalg;

import static io.moelab.compress.linalg.RandomMatrices.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JointSvdTest {

    @Test
    void identicalExpertsWithEqualWeightsGiveTheExpertBack() {
        float[] expert = gaussian(12 * 5, 1.0, new Random(1));
        List<float[]> cluster = List.of(expert, expert, expert);
        double[] equal = {1, 1, 1};

        JointSvd.Result full = JointSvd.merge(cluster, 12, 5, equal, JointSvd.fullRank(3, 12, 5));
        assertArrayEquals(expert, full.merged(), 1e-6f);
        assertEquals(0, full.relativeError());

        // [W W W] has rank 5, so rank 5 (< 12, a real decomposition) loses nothing either.
        JointSvd.Result truncated = JointSvd.merge(cluster, 12, 5, equal, 5);
        assertArrayEquals(expert, truncated.merged(), 1e-4f);
        assertEquals(0, truncated.relativeError(), 1e-3);
    }

    /**
     * 12×5 blocks decompose through C·Cᵀ (12 ≤ 3·5), 20×4 ones through Cᵀ·C (20 > 3·4); the larger
     * cases, past LAPACK's 25, take the divide-and-conquer path rather than its small-matrix QR.
     */
    @ParameterizedTest
    @CsvSource({"12, 5, 4", "20, 4, 5", "120, 80, 40", "200, 30, 50"})
    void reconstructionErrorIsTheDiscardedSingularValues(int rows, int cols, int rank) {
        List<float[]> cluster = randomCluster(3, rows, cols, 2);
        double[] sigma = new SingularValueDecomposition(concatenation(cluster, rows, cols)).getSingularValues();
        double discarded = 0;
        double total = 0;
        for (int j = 0; j < sigma.length; j++) {
            total += sigma[j] * sigma[j];
            discarded += j >= rank ? sigma[j] * sigma[j] : 0;
        }

        // With weight 1 on member i alone the merge is U_r U_rᵀ W_i: member i rebuilt from the shared basis.
        double squaredError = 0;
        double reportedError = -1;
        for (int i = 0; i < cluster.size(); i++) {
            double[] oneHot = new double[cluster.size()];
            oneHot[i] = 1;
            JointSvd.Result result = JointSvd.merge(cluster, rows, cols, oneHot, rank);
            squaredError += squaredDistance(cluster.get(i), result.merged());
            reportedError = result.relativeError();
        }
        assertEquals(Math.sqrt(discarded), Math.sqrt(squaredError), 1e-4 * Math.sqrt(total));
        assertEquals(Math.sqrt(discarded / total), reportedError, 1e-4);
    }

    @ParameterizedTest
    @CsvSource({"12, 5, 3", "20, 4, 3", "120, 80, 30", "200, 30, 30"})
    void mergeIsUSigmaTimesTheWeightedRightFactors(int rows, int cols, int rank) {
        List<float[]> cluster = randomCluster(3, rows, cols, 3);
        double[] weights = {1, 2, 5};
        SingularValueDecomposition svd = new SingularValueDecomposition(concatenation(cluster, rows, cols));
        RealMatrix u = svd.getU();
        RealMatrix v = svd.getV();
        double[] sigma = svd.getSingularValues();

        float[] merged = JointSvd.merge(cluster, rows, cols, weights, rank).merged();

        // Eq. 7: V_merged = Σ f_i V_i / Σ f_i over each member's block of V's rows; Eq. 8: U Σ V_mergedᵀ.
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double expected = 0;
                for (int t = 0; t < rank; t++) {
                    double mergedV = 0;
                    for (int i = 0; i < cluster.size(); i++) {
                        mergedV += weights[i] / 8 * v.getEntry(i * cols + c, t);
                    }
                    expected += u.getEntry(r, t) * sigma[t] * mergedV;
                }
                assertEquals(expected, merged[r * cols + c], 1e-4, "(" + r + ", " + c + ")");
            }
        }
    }

    @Test
    void onlyTheRatiosOfTheWeightsMatter() {
        List<float[]> pair = randomCluster(2, 6, 4, 4);
        int full = JointSvd.fullRank(2, 6, 4);
        float[] quarter =
                JointSvd.merge(pair, 6, 4, new double[] {0.25, 0.75}, 3).merged();
        assertArrayEquals(
                quarter, JointSvd.merge(pair, 6, 4, new double[] {1, 3}, 3).merged());
        assertArrayEquals(
                quarter, JointSvd.merge(pair, 6, 4, new double[] {2, 6}, 3).merged());

        float[] average = JointSvd.merge(pair, 6, 4, new double[] {1, 3}, full).merged();
        for (int k = 0; k < average.length; k++) {
            assertEquals(0.25 * pair.get(0)[k] + 0.75 * pair.get(1)[k], average[k], 1e-6);
        }
        assertArrayEquals(
                pair.get(1),
                JointSvd.merge(pair, 6, 4, new double[] {0, 7}, full).merged());
    }

    @Test
    void rejectsBadInput() {
        List<float[]> pair = randomCluster(2, 6, 4, 5);
        assertThrows(IllegalArgumentException.class, () -> JointSvd.merge(pair, 6, 4, new double[] {1, -1}, 2));
        assertThrows(IllegalArgumentException.class, () -> JointSvd.merge(pair, 6, 4, new double[] {0, 0}, 2));
        assertThrows(IllegalArgumentException.class, () -> JointSvd.merge(pair, 6, 4, new double[] {1, Double.NaN}, 2));
        assertThrows(IllegalArgumentException.class, () -> JointSvd.merge(pair, 6, 4, new double[] {1}, 2));
        assertThrows(IllegalArgumentException.class, () -> JointSvd.merge(pair, 6, 4, new double[] {1, 1}, 0));
        assertThrows(IllegalArgumentException.class, () -> JointSvd.merge(pair, 6, 4, new double[] {1, 1}, 7));
        assertThrows(IllegalArgumentException.class, () -> JointSvd.merge(pair, 5, 4, new double[] {1, 1}, 2));
    }

    static List<float[]> randomCluster(int members, int rows, int cols, long seed) {
        Random random = new Random(seed);
        List<float[]> cluster = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            cluster.add(gaussian(rows * cols, 1.0, random));
        }
        return cluster;
    }

    /** [W_1 … W_k] in double. */
    static RealMatrix concatenation(List<float[]> blocks, int rows, int cols) {
        double[][] c = new double[rows][blocks.size() * cols];
        for (int i = 0; i < blocks.size(); i++) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    c[r][i * cols + j] = blocks.get(i)[r * cols + j];
                }
            }
        }
        return new Array2DRowRealMatrix(c, false);
    }

    static double squaredDistance(float[] a, float[] b) {
        double sum = 0;
        for (int k = 0; k < a.length; k++) {
            double d = (double) a[k] - b[k];
            sum += d * d;
        }
        return sum;
    }
}
