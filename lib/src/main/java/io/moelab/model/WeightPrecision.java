package io.moelab.model;

/**
 * How a loaded model holds its weight matrices. Compute is float32 either way, so both give the
 * same logits bit for bit: a BF16 or F16 value widens to float32 exactly.
 */
public enum WeightPrecision {
    /**
     * In the checkpoint's dtype (BF16, F16 or F32), widened to float32 just before each matrix
     * product into a reused per-thread buffer: half the memory of a BF16 checkpoint in float32,
     * at the cost of one widening pass per product (small next to a batch's gemm, large next to a
     * one-token decode step's).
     */
    STORED,
    /** Every matrix widened to float32 once, at load time (moelab before issue 12). */
    FLOAT32
}
