package io.moelab.compress.linalg;

import java.util.List;

/**
 * The rank-r truncated SVD {@code U_r Σ_r V_rᵀ} of {@code C = [W_1 … W_k]}, k blocks of
 * [rows × cols] side by side, kept in the form that rebuilds {@code U_r Σ_r (Σ_i α_i V_{r,i})ᵀ},
 * where {@code V_{r,i}} is block i's rows of {@code V_r} ({@link #rebuild}).
 *
 * <p>That product equals {@code U_r U_rᵀ · Σ_i α_i W_i}, because {@code U_r Σ_r V_{r,i}ᵀ = U_r U_rᵀ W_i}:
 * only one side's singular vectors are needed, and they are the top eigenvectors of the smaller
 * Gram matrix — {@code C·Cᵀ = Σ W_i W_iᵀ} ([rows × rows]) when rows ≤ k·cols, else {@code Cᵀ·C}
 * ([k·cols × k·cols]) — computed by ssyrk and LAPACK's divide-and-conquer eigensolver
 * ({@link NativeMatrix#topEigenvectorsDestroying}). The cost is O(n³) in the Gram side n, most of it
 * the tridiagonal reduction, half of whose flops are memory-bound matrix-vector products. At full rank
 * ({@code r = min(rows, k·cols)}) {@code U_r U_rᵀ} acts as the identity on every {@code W_i}, so the
 * result is exactly {@code Σ α_i W_i} and no decomposition is run.
 *
 * <p>Accuracy: the Gram matrix squares the condition number, so singular directions below about
 * {@code 3·10⁻⁴·σ_max} (√ of float32's epsilon) are resolved only roughly; the truncations this
 * package is for keep the directions above that and drop those below. Energies are summed in double.
 */
final class ConcatenatedSvd implements AutoCloseable {
    private final List<float[]> blocks;
    private final int rows;
    private final int cols;
    private final int rank;
    private final double totalEnergy;
    private final double keptEnergy;
    /** Left route: C itself is not needed again. Right route: C, for {@code C·V_r = U_r Σ_r}. */
    private final NativeMatrix concatenation;
    /** {@code U_rᵀ} [r × rows] (left route) or {@code V_rᵀ} [r × k·cols] (right route); null at full rank. */
    private final NativeMatrix basis;

    private ConcatenatedSvd(
            List<float[]> blocks,
            int rows,
            int cols,
            int rank,
            double totalEnergy,
            double keptEnergy,
            NativeMatrix concatenation,
            NativeMatrix basis) {
        this.blocks = blocks;
        this.rows = rows;
        this.cols = cols;
        this.rank = rank;
        this.totalEnergy = totalEnergy;
        this.keptEnergy = keptEnergy;
        this.concatenation = concatenation;
        this.basis = basis;
    }

    static int fullRank(int blockCount, int rows, int cols) {
        return Math.min(rows, blockCount * cols);
    }

    static ConcatenatedSvd compute(List<float[]> blocks, int rows, int cols, int rank) {
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("no matrices to decompose");
        }
        long size = (long) rows * cols;
        double totalEnergy = 0;
        for (float[] block : blocks) {
            if (block.length != size) {
                throw new IllegalArgumentException(
                        "a matrix of " + block.length + " entries is not " + rows + " × " + cols);
            }
            for (float x : block) {
                totalEnergy += (double) x * x;
            }
        }
        int fullRank = fullRank(blocks.size(), rows, cols);
        if (rank < 1 || rank > fullRank) {
            throw new IllegalArgumentException("rank must be in [1, " + fullRank + "], got " + rank);
        }
        if (rank == fullRank) {
            return new ConcatenatedSvd(blocks, rows, cols, rank, totalEnergy, totalEnergy, null, null);
        }
        boolean leftRoute = rows <= blocks.size() * cols;
        NativeMatrix concatenation = NativeMatrix.sideBySide(blocks, rows, cols);
        NativeMatrix gram = NativeMatrix.gramUpper(concatenation, !leftRoute);
        if (leftRoute) {
            // Freed before the eigensolver's n² buffers are taken: at Mixtral's width it is 1 GB.
            concatenation.close();
        }
        double[] eigenvalues = new double[rank];
        NativeMatrix basis;
        try (gram) {
            basis = gram.topEigenvectorsDestroying(rank, eigenvalues);
        } catch (RuntimeException e) {
            if (!leftRoute) {
                concatenation.close();
            }
            throw e;
        }
        double keptEnergy = 0;
        for (double eigenvalue : eigenvalues) {
            keptEnergy += Math.max(0, eigenvalue);
        }
        return new ConcatenatedSvd(
                blocks, rows, cols, rank, totalEnergy, keptEnergy, leftRoute ? null : concatenation, basis);
    }

    /**
     * {@code ‖C − U_r Σ_r V_rᵀ‖_F / ‖C‖_F = sqrt(Σ_{j>r} σ_j² / Σ_j σ_j²)}: how well the shared
     * rank-r basis reconstructs every block (0 at full rank, and for an all-zero C).
     */
    double relativeError() {
        return totalEnergy == 0 ? 0 : Math.sqrt(Math.max(0, totalEnergy - keptEnergy) / totalEnergy);
    }

    /** {@code U_r Σ_r (Σ_i α_i V_{r,i})ᵀ = U_r U_rᵀ Σ_i α_i W_i}, row-major [rows × cols]. */
    float[] rebuild(double[] alphas) {
        if (basis == null) {
            return WeightedSum.of(blocks, alphas);
        }
        if (concatenation == null) {
            try (NativeMatrix average = NativeMatrix.of(WeightedSum.of(blocks, alphas), rows, cols);
                    NativeMatrix coordinates = NativeMatrix.product(basis, false, average, false);
                    NativeMatrix rebuilt = NativeMatrix.product(basis, true, coordinates, false)) {
                return rebuilt.toArray();
            }
        }
        try (NativeMatrix scaledLeft = NativeMatrix.product(concatenation, false, basis, true);
                NativeMatrix mergedRight = NativeMatrix.of(mergedRightVectors(alphas), rank, cols);
                NativeMatrix rebuilt = NativeMatrix.product(scaledLeft, false, mergedRight, false)) {
            return rebuilt.toArray();
        }
    }

    /** {@code (Σ_i α_i V_{r,i})ᵀ}, [r × cols], from the rows of {@code V_rᵀ}. */
    private float[] mergedRightVectors(double[] alphas) {
        int k = blocks.size();
        float[] row = new float[k * cols];
        float[] merged = new float[rank * cols];
        for (int t = 0; t < rank; t++) {
            basis.readRow(t, row);
            for (int c = 0; c < cols; c++) {
                double sum = 0;
                for (int i = 0; i < k; i++) {
                    sum += alphas[i] * row[i * cols + c];
                }
                merged[t * cols + c] = (float) sum;
            }
        }
        return merged;
    }

    @Override
    public void close() {
        if (concatenation != null) {
            concatenation.close();
        }
        if (basis != null) {
            basis.close();
        }
    }
}
