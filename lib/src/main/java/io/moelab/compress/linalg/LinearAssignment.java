package io.moelab.compress.linalg;

import java.util.Arrays;

/**
 * Linear assignment on a dense square matrix: the perfect matching of rows to columns with the
 * largest total profit ({@link #maximize}) or the smallest total cost ({@link #minimize}), as
 * scipy's {@code linear_sum_assignment} computes it for M-SMoE's neuron alignment (docs/METHODS.md §2).
 *
 * <p><b>Algorithm.</b> The shortest augmenting path method of Jonker and Volgenant in the form
 * scipy uses (D. F. Crouse, "On implementing 2D rectangular assignment algorithms", IEEE Trans.
 * Aerospace and Electronic Systems 52(4), 2016): rows are added one at a time; each addition runs
 * Dijkstra over reduced costs {@code c[i][j] − u[i] − v[j]} from the new row until it reaches a free
 * column, updates the dual variables {@code u, v} so that every reduced cost stays ≥ 0, and flips the
 * path. Optimal for any finite matrix; O(n³) in the worst case, far less on the profit matrices of
 * real or random experts (measured in bench/RESULTS.md, "Neuron alignment and joint SVD").
 *
 * <p><b>Why hand-written</b> (docs/DESIGN.md asks for a library): no Maven Central library does dense
 * assignment at n = 14,336 (Mixtral-8x7B's expert width; 205 million entries) in minutes from a
 * flat matrix. JGraphT's {@code KuhnMunkresMinimalWeightBipartitePerfectMatching} needs a graph
 * object with one edge object per entry and runs the O(n³) Hungarian method; OR-Tools'
 * {@code LinearSumAssignment} takes integer costs arc by arc through JNI (205 million calls, 16+
 * bytes per arc natively); Apache Commons Math and ND4J have no assignment solver. The matrix stays
 * the caller's float[] (822 MB at n = 14,336); only O(n) doubles are allocated beside it.
 */
public final class LinearAssignment {
    private LinearAssignment() {}

    /**
     * The assignment with the largest {@code Σ_i profit[i][assignment[i]]}: {@code assignment[i]}
     * is the column matched to row i. {@code profit} is row-major [n × n] and is not modified.
     */
    public static int[] maximize(float[] profit, int n) {
        return solve(profit, n, -1.0);
    }

    /** The assignment with the smallest {@code Σ_i cost[i][assignment[i]]}; as {@link #maximize} otherwise. */
    public static int[] minimize(float[] cost, int n) {
        return solve(cost, n, 1.0);
    }

    /** {@code Σ_i matrix[i][assignment[i]]}, summed in double. */
    public static double total(float[] matrix, int n, int[] assignment) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += matrix[i * n + assignment[i]];
        }
        return sum;
    }

    /** Minimises {@code Σ sign·matrix[i][col(i)]}: sign −1 turns profits into costs without a copy. */
    private static int[] solve(float[] matrix, int n, double sign) {
        if (n < 0 || (long) n * n != matrix.length) {
            throw new IllegalArgumentException("matrix has " + matrix.length + " entries, not " + n + " × " + n);
        }
        for (int k = 0; k < matrix.length; k++) {
            if (!Float.isFinite(matrix[k])) {
                throw new IllegalArgumentException("matrix entry (" + k / n + ", " + k % n + ") is " + matrix[k]);
            }
        }
        double[] u = new double[n];
        double[] v = new double[n];
        double[] shortest = new double[n];
        int[] path = new int[n];
        int[] colForRow = new int[n];
        int[] rowForCol = new int[n];
        int[] remaining = new int[n];
        boolean[] scannedRow = new boolean[n];
        boolean[] scannedCol = new boolean[n];
        Arrays.fill(colForRow, -1);
        Arrays.fill(rowForCol, -1);

        for (int current = 0; current < n; current++) {
            Arrays.fill(shortest, Double.POSITIVE_INFINITY);
            Arrays.fill(scannedRow, false);
            Arrays.fill(scannedCol, false);
            for (int k = 0; k < n; k++) {
                remaining[k] = n - 1 - k;
            }
            int remainingCount = n;
            double minDistance = 0;
            int sink = -1;
            int row = current;
            while (sink < 0) {
                scannedRow[row] = true;
                int rowBase = row * n;
                double ur = u[row];
                int best = -1;
                double lowest = Double.POSITIVE_INFINITY;
                for (int k = 0; k < remainingCount; k++) {
                    int col = remaining[k];
                    double distance = minDistance + sign * matrix[rowBase + col] - ur - v[col];
                    if (distance < shortest[col]) {
                        path[col] = row;
                        shortest[col] = distance;
                    }
                    // Among equal distances prefer a free column: it ends the search sooner.
                    if (shortest[col] < lowest || (shortest[col] == lowest && rowForCol[col] < 0)) {
                        lowest = shortest[col];
                        best = k;
                    }
                }
                minDistance = lowest;
                int col = remaining[best];
                scannedCol[col] = true;
                remaining[best] = remaining[--remainingCount];
                if (rowForCol[col] < 0) {
                    sink = col;
                } else {
                    row = rowForCol[col];
                }
            }

            // Dual update keeps every reduced cost ≥ 0 and those on matched pairs at 0.
            u[current] += minDistance;
            for (int i = 0; i < n; i++) {
                if (scannedRow[i] && i != current) {
                    u[i] += minDistance - shortest[colForRow[i]];
                }
            }
            for (int j = 0; j < n; j++) {
                if (scannedCol[j]) {
                    v[j] -= minDistance - shortest[j];
                }
            }

            // Flip the alternating path from the sink back to the new row.
            int col = sink;
            while (true) {
                int i = path[col];
                rowForCol[col] = i;
                int previous = colForRow[i];
                colForRow[i] = col;
                if (i == current) {
                    break;
                }
                col = previous;
            }
        }
        return colForRow;
    }
}
