package io.moelab.compress.linalg;

import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * A row-major float32 matrix in native memory and the few OpenBLAS routines this package needs:
 * sgemm, ssyrk and LAPACK's symmetric eigensolver, called through JavaCPP on the same
 * OpenBLAS build that ND4J uses (ND4J's own {@code CpuLapack} calls it the same way).
 *
 * <p>Why not ND4J arrays: ND4J exposes neither ssyrk nor the divide-and-conquer eigensolver's
 * routines (its LAPACK wrapper has {@code syev}, the QR variant, and {@code gesvd}: 7.6 s for the
 * left singular vectors of a 4-expert gate concatenation at width 1,792, against 0.97 s for this
 * package's whole joint SVD merge, bench/RESULTS.md), and it frees off-heap buffers only when the
 * garbage collector gets to them; at Mixtral's width one merge holds several GB of them, so this
 * class frees its buffer as soon as it is closed.
 */
public final class NativeMatrix implements AutoCloseable {
    final int rows;
    final int cols;
    private final FloatPointer data;

    /** Uninitialised: every caller overwrites it (a product with beta = 0 or a copy). */
    public NativeMatrix(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.data = new FloatPointer((long) rows * cols);
    }

    public static NativeMatrix of(float[] rowMajor, int rows, int cols) {
        NativeMatrix matrix = new NativeMatrix(rows, cols);
        matrix.data.put(rowMajor, 0, rows * cols);
        return matrix;
    }

    /** {@code [W_1 … W_k]}: the blocks, each [rows × cols], side by side, [rows × k·cols]. */
    public static NativeMatrix sideBySide(List<float[]> blocks, int rows, int cols) {
        NativeMatrix matrix = new NativeMatrix(rows, blocks.size() * cols);
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < blocks.size(); b++) {
                matrix.data.position((long) r * matrix.cols + (long) b * cols).put(blocks.get(b), r * cols, cols);
            }
        }
        matrix.data.position(0);
        return matrix;
    }

    public float[] toArray() {
        float[] out = new float[Math.multiplyExact(rows, cols)];
        data.get(out, 0, out.length);
        return out;
    }

    /** Row r into {@code out} (at least cols long). */
    public void readRow(int r, float[] out) {
        data.position((long) r * cols).get(out, 0, cols);
        data.position(0);
    }

    /** {@code op(a) · op(b)}, op transposing where asked. */
    public static NativeMatrix product(NativeMatrix a, boolean transposeA, NativeMatrix b, boolean transposeB) {
        NativeMatrix out = new NativeMatrix(transposeA ? a.cols : a.rows, transposeB ? b.rows : b.cols);
        out.accumulate(a, transposeA, b, transposeB, 0f);
        return out;
    }

    /** {@code this = op(a) · op(b) + beta · this}. */
    public void accumulate(NativeMatrix a, boolean transposeA, NativeMatrix b, boolean transposeB, float beta) {
        int inner = transposeA ? a.rows : a.cols;
        if ((transposeA ? a.cols : a.rows) != rows
                || (transposeB ? b.rows : b.cols) != cols
                || (transposeB ? b.cols : b.rows) != inner) {
            throw new IllegalArgumentException("cannot multiply " + a.rows + "×" + a.cols + (transposeA ? "ᵀ" : "")
                    + " by " + b.rows + "×" + b.cols + (transposeB ? "ᵀ" : "") + " into " + rows + "×" + cols);
        }
        openblas.cblas_sgemm(
                openblas.CblasRowMajor,
                transposeA ? openblas.CblasTrans : openblas.CblasNoTrans,
                transposeB ? openblas.CblasTrans : openblas.CblasNoTrans,
                rows,
                cols,
                inner,
                1f,
                a.data,
                a.cols,
                b.data,
                b.cols,
                beta,
                data,
                cols);
    }

    /**
     * The Gram matrix {@code A·Aᵀ} ({@code transpose} false) or {@code Aᵀ·A}, upper triangle only
     * (ssyrk: half of a gemm's work); the lower triangle is left undefined.
     */
    public static NativeMatrix gramUpper(NativeMatrix a, boolean transpose) {
        int n = transpose ? a.cols : a.rows;
        int inner = transpose ? a.rows : a.cols;
        NativeMatrix gram = new NativeMatrix(n, n);
        openblas.cblas_ssyrk(
                openblas.CblasRowMajor,
                openblas.CblasUpper,
                transpose ? openblas.CblasTrans : openblas.CblasNoTrans,
                n,
                inner,
                1f,
                a.data,
                a.cols,
                0f,
                gram.data,
                n);
        return gram;
    }

    /**
     * The {@code count} largest eigenvalues of this symmetric matrix (upper triangle read,
     * whole matrix destroyed) into {@code eigenvalues} (ascending), and their orthonormal
     * eigenvectors as the rows of the returned [count × n] matrix, in the same order.
     *
     * <p>LAPACK's divide and conquer in three steps: ssytrd (tridiagonal reduction), sstedc (all
     * eigenpairs of the tridiagonal matrix), sormtr (back to this matrix's basis, for the top
     * {@code count} only). Not ssyevr: for a subset it falls back to bisection and inverse iteration,
     * whose reorthogonalisation is quadratic in the subset on spectra as dense as these Gram
     * matrices' (2.2× slower at n = 6,144, count = n/2; and its MRRR path failed on them in float).
     * Not ssyevd: LAPACKE's workspace query returns the size as a float, too small past n ≈ 2,900.
     */
    NativeMatrix topEigenvectorsDestroying(int count, double[] eigenvalues) {
        int n = rows;
        long topColumns = (long) (n - count) * n;
        try (FloatPointer diagonal = new FloatPointer(n);
                FloatPointer offDiagonal = new FloatPointer(Math.max(1, n - 1));
                FloatPointer reflectorScales = new FloatPointer(Math.max(1, n - 1));
                NativeMatrix tridiagonalVectors = new NativeMatrix(n, n);
                FloatPointer work = new FloatPointer(1 + 4L * n + (long) n * n);
                IntPointer intWork = new IntPointer(3 + 5L * n)) {
            // Row-major upper = column-major lower, and column-major eigenvectors are row-major rows:
            // no transposed copies inside LAPACKE.
            check(
                    "ssytrd",
                    n,
                    openblas.LAPACKE_ssytrd(
                            openblas.LAPACK_COL_MAJOR, (byte) 'L', n, data, n, diagonal, offDiagonal, reflectorScales));
            check(
                    "sstedc",
                    n,
                    openblas.LAPACKE_sstedc_work(
                            openblas.LAPACK_COL_MAJOR,
                            (byte) 'I',
                            n,
                            diagonal,
                            offDiagonal,
                            tridiagonalVectors.data,
                            n,
                            work,
                            Math.toIntExact(work.limit()),
                            intWork,
                            Math.toIntExact(intWork.limit())));
            // Ascending order: the top eigenpairs are the last count.
            FloatPointer top = tridiagonalVectors.data.position(topColumns);
            check(
                    "sormtr",
                    n,
                    openblas.LAPACKE_sormtr(
                            openblas.LAPACK_COL_MAJOR,
                            (byte) 'L',
                            (byte) 'L',
                            (byte) 'N',
                            n,
                            count,
                            data,
                            n,
                            reflectorScales,
                            top,
                            n));
            NativeMatrix vectors = new NativeMatrix(count, n);
            vectors.data.put(top.limit(topColumns + (long) count * n));
            for (int k = 0; k < count; k++) {
                eigenvalues[k] = diagonal.get(n - count + k);
            }
            return vectors;
        }
    }

    private static void check(String routine, int n, int info) {
        if (info != 0) {
            throw new IllegalStateException(
                    "LAPACK " + routine + " failed on a " + n + "×" + n + " matrix: info " + info);
        }
    }

    @Override
    public void close() {
        data.close();
    }
}
