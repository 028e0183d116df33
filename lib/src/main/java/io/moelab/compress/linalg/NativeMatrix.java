package io.moelab.compress.linalg;

import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * A row-major float32 matrix in native memory and the few OpenBLAS routines this package needs:
 * sgemm, ssyrk and the partial symmetric eigensolver ssyevr, called through JavaCPP on the same
 * OpenBLAS build that ND4J uses (ND4J's own {@code CpuLapack} calls it the same way).
 *
 * <p>Why not ND4J arrays: ND4J exposes neither ssyrk nor ssyevr (its LAPACK wrapper has only
 * {@code syev}, the slow QR variant, and {@code gesvd}: 136 s for one 4096² SVD here, against 7 s
 * for ssyevr's top half), and it frees off-heap buffers only when the garbage collector gets to
 * them; at Mixtral's width one merge holds several GB of them, so this class frees its buffer as
 * soon as it is closed.
 */
final class NativeMatrix implements AutoCloseable {
    final int rows;
    final int cols;
    private final FloatPointer data;

    /** Uninitialised: every caller overwrites it (a product with beta = 0 or a copy). */
    NativeMatrix(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.data = new FloatPointer((long) rows * cols);
    }

    static NativeMatrix of(float[] rowMajor, int rows, int cols) {
        NativeMatrix matrix = new NativeMatrix(rows, cols);
        matrix.data.put(rowMajor, 0, rows * cols);
        return matrix;
    }

    /** {@code [W_1 … W_k]}: the blocks, each [rows × cols], side by side, [rows × k·cols]. */
    static NativeMatrix sideBySide(List<float[]> blocks, int rows, int cols) {
        NativeMatrix matrix = new NativeMatrix(rows, blocks.size() * cols);
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < blocks.size(); b++) {
                matrix.data.position((long) r * matrix.cols + (long) b * cols).put(blocks.get(b), r * cols, cols);
            }
        }
        matrix.data.position(0);
        return matrix;
    }

    float[] toArray() {
        float[] out = new float[Math.multiplyExact(rows, cols)];
        data.get(out, 0, out.length);
        return out;
    }

    /** Row r into {@code out} (at least cols long). */
    void readRow(int r, float[] out) {
        data.position((long) r * cols).get(out, 0, cols);
        data.position(0);
    }

    /** {@code op(a) · op(b)}, op transposing where asked. */
    static NativeMatrix product(NativeMatrix a, boolean transposeA, NativeMatrix b, boolean transposeB) {
        NativeMatrix out = new NativeMatrix(transposeA ? a.cols : a.rows, transposeB ? b.rows : b.cols);
        out.accumulate(a, transposeA, b, transposeB, 0f);
        return out;
    }

    /** {@code this = op(a) · op(b) + beta · this}. */
    void accumulate(NativeMatrix a, boolean transposeA, NativeMatrix b, boolean transposeB, float beta) {
        int inner = transposeA ? a.rows : a.cols;
        if ((transposeA ? a.cols : a.rows) != rows || (transposeB ? b.rows : b.cols) != cols
                || (transposeB ? b.cols : b.rows) != inner) {
            throw new IllegalArgumentException("cannot multiply " + a.rows + "×" + a.cols + (transposeA ? "ᵀ" : "") + " by "
                    + b.rows + "×" + b.cols + (transposeB ? "ᵀ" : "") + " into " + rows + "×" + cols);
        }
        openblas.cblas_sgemm(openblas.CblasRowMajor, transposeA ? openblas.CblasTrans : openblas.CblasNoTrans,
                transposeB ? openblas.CblasTrans : openblas.CblasNoTrans, rows, cols, inner, 1f, a.data, a.cols,
                b.data, b.cols, beta, data, cols);
    }

    /**
     * The Gram matrix {@code A·Aᵀ} ({@code transpose} false) or {@code Aᵀ·A}, upper triangle only
     * (ssyrk: half of a gemm's work); the lower triangle is left undefined.
     */
    static NativeMatrix gramUpper(NativeMatrix a, boolean transpose) {
        int n = transpose ? a.cols : a.rows;
        int inner = transpose ? a.rows : a.cols;
        NativeMatrix gram = new NativeMatrix(n, n);
        openblas.cblas_ssyrk(openblas.CblasRowMajor, openblas.CblasUpper,
                transpose ? openblas.CblasTrans : openblas.CblasNoTrans, n, inner, 1f, a.data, a.cols, 0f, gram.data, n);
        return gram;
    }

    /**
     * The {@code count} largest eigenvalues of this symmetric matrix (upper triangle read,
     * whole matrix destroyed) into {@code eigenvalues} (ascending), and their orthonormal
     * eigenvectors as the rows of the returned [count × n] matrix, in the same order.
     */
    NativeMatrix topEigenvectorsDestroying(int count, double[] eigenvalues) {
        int n = rows;
        NativeMatrix vectors = new NativeMatrix(count, n);
        try (FloatPointer values = new FloatPointer(n); IntPointer found = new IntPointer(1);
             IntPointer support = new IntPointer(2L * count)) {
            // Row-major upper = column-major lower, and column-major eigenvectors [n × count] are
            // row-major rows: no transposed copies inside LAPACKE.
            int info = openblas.LAPACKE_ssyevr(openblas.LAPACK_COL_MAJOR, (byte) 'V', (byte) 'I', (byte) 'L', n, data, n,
                    0f, 0f, n - count + 1, n, 0f, found, values, vectors.data, n, support);
            if (info != 0 || found.get() != count) {
                vectors.close();
                throw new IllegalStateException("LAPACK ssyevr failed on a " + n + "×" + n + " matrix: info " + info
                        + ", " + found.get() + " of " + count + " eigenpairs");
            }
            for (int k = 0; k < count; k++) {
                eigenvalues[k] = values.get(k);
            }
        }
        return vectors;
    }

    @Override
    public void close() {
        data.close();
    }
}
