package io.moelab.compress.linalg;

import java.util.List;

/**
 * Sub-MoE's subspace expert merging for one projection kind of one expert cluster (L. Li et al.,
 * "Sub-MoE: Efficient Mixture-of-Expert LLMs Compression via Subspace Expert Merging",
 * arXiv:2506.23266, §3.3, Eqs. 5, 7 and 8; docs/METHODS.md §2).
 *
 * <p><b>Which side is shared.</b> The paper writes each expert matrix as {@code W⁽ⁱ⁾ ∈ R^{O×I}}
 * (output × input, PyTorch's and Hugging Face's layout) and decomposes the cluster's matrices
 * concatenated along the input dimension, {@code [W⁽¹⁾ … W⁽ᵏ⁾] = U Σ [V⁽¹⁾; …; V⁽ᵏ⁾]ᵀ} with
 * {@code U ∈ R^{O×r}} and V split into one [I × r] block per expert. So the shared left basis U
 * spans the <em>output</em> side: for gate and up ([intermediate × hidden]) the neuron dimension,
 * for down ([hidden × intermediate]) the hidden dimension. Pass the matrices in that layout.
 *
 * <p><b>Merge.</b> {@code V_merged = Σ f_i V⁽ⁱ⁾ / Σ f_i} (Eq. 7, f = routing frequencies) and
 * {@code W_merged = U Σ V_mergedᵀ} (Eq. 8), with U, Σ, V truncated to rank r (Sub-MoE†'s truncation,
 * §3.4, without its activation whitening). Since {@code U_r Σ_r V_r⁽ⁱ⁾ᵀ = U_r U_rᵀ W⁽ⁱ⁾}, the result
 * is the frequency-weighted average projected onto the cluster's top-r shared output subspace;
 * <b>at full rank it is exactly the frequency-weighted average</b> — the joint SVD changes the merged
 * expert only through truncation. How it is computed: {@link ConcatenatedSvd}.
 */
public final class JointSvd {
    private JointSvd() {}

    /**
     * The merged matrix and how well the cluster's shared rank-r basis reconstructs its members.
     *
     * @param merged row-major [rows × cols], the members' layout
     * @param relativeError {@code sqrt(Σ_{j>r} σ_j² / Σ_j σ_j²)} over the singular values σ of the
     *     concatenation: {@code sqrt(Σ_i ‖W⁽ⁱ⁾ − U_r U_rᵀ W⁽ⁱ⁾‖² / Σ_i ‖W⁽ⁱ⁾‖²)}
     */
    public record Result(float[] merged, double relativeError) {}

    /**
     * Merges the members' matrices of one projection kind.
     *
     * @param matrices row-major [rows × cols] each, in Hugging Face's [out × in] layout
     * @param weights one per member, ≥ 0 with a positive sum; only their ratios matter (Eq. 7
     *     divides by their sum)
     * @param rank kept singular values, 1 to {@code min(rows, members·cols)} (the latter: no truncation)
     */
    public static Result merge(List<float[]> matrices, int rows, int cols, double[] weights, int rank) {
        double[] alphas = normalised(weights, matrices.size());
        try (ConcatenatedSvd svd = ConcatenatedSvd.compute(matrices, rows, cols, rank)) {
            return new Result(svd.rebuild(alphas), svd.relativeError());
        }
    }

    /** The largest rank {@link #merge} accepts for these shapes: truncation keeps everything. */
    public static int fullRank(int members, int rows, int cols) {
        return ConcatenatedSvd.fullRank(members, rows, cols);
    }

    private static double[] normalised(double[] weights, int members) {
        if (weights.length != members) {
            throw new IllegalArgumentException(members + " matrices but " + weights.length + " weights");
        }
        double sum = 0;
        for (double weight : weights) {
            if (!(weight >= 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("weights must be finite and ≥ 0, got " + weight);
            }
            sum += weight;
        }
        if (sum <= 0) {
            throw new IllegalArgumentException("weights must not all be 0");
        }
        double[] alphas = new double[members];
        for (int i = 0; i < members; i++) {
            alphas[i] = weights[i] / sum;
        }
        return alphas;
    }
}
