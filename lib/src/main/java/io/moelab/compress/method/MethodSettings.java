package io.moelab.compress.method;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The knobs of every compression method, one CLI flag each; a method reads only its own.
 *
 * @param seed             random pruning's draw, K-means initialisation
 * @param naeeBatchTokens  NAEE: calibration tokens per batch of the summed Frobenius error
 * @param rank             MC-SMoE / Sub-MoE: rank of the low-rank factors (0: method default)
 * @param sparseShare      MC-SMoE: share of a matrix's entries kept in the sparse residual
 * @param averageBits      mixed precision: the average bits-per-weight budget
 * @param clustering       Sub-MoE's K-means (the Spark job passes MLlib's)
 */
public record MethodSettings(long seed, int naeeBatchTokens, int rank, double sparseShare, double averageBits,
                             @JsonIgnore ExpertClustering clustering) {
    public static MethodSettings defaults() {
        return new MethodSettings(0, 128, 0, 0.05, 3.0, ExpertClustering.COMMONS_MATH);
    }
}
