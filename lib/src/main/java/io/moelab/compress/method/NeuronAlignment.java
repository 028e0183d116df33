package io.moelab.compress.method;

import io.moelab.compress.ExpertWeights;
import io.moelab.compress.linalg.LinearAssignment;
import io.moelab.compress.linalg.NativeMatrix;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * M-SMoE's neuron permutation alignment (MC-SMoE, P. Li et al., ICLR 2024; docs/METHODS.md §2): before a
 * member is merged into its group leader, its neurons are reordered to match the leader's by a
 * maximum-profit linear assignment on
 * {@code P = W1_lead·W1_memᵀ + W3_lead·W3_memᵀ + W2_leadᵀ·W2_mem}, i.e.
 * {@code P[i][j] = ⟨gate_lead row i, gate_mem row j⟩ + ⟨up rows i, j⟩ + ⟨down_lead column i, down_mem column j⟩},
 * as the reference code's weight matching does with scipy's {@code linear_sum_assignment(…, maximize=True)}.
 * Permuting neurons never changes an expert's function, only which neurons line up for averaging.
 */
public final class NeuronAlignment {
    private NeuronAlignment() {}

    /**
     * The profit matrix P, row-major [intermediate × intermediate] (rows: leader neurons, columns:
     * member neurons), from three OpenBLAS sgemm calls accumulating into one product.
     */
    public static float[] profit(ExpertWeights leader, ExpertWeights member) {
        if (leader.hidden() != member.hidden() || leader.intermediate() != member.intermediate()) {
            throw new IllegalArgumentException("cannot align a " + member.intermediate() + "×" + member.hidden()
                    + " expert to a " + leader.intermediate() + "×" + leader.hidden() + " one");
        }
        int neurons = leader.intermediate();
        int hidden = leader.hidden();
        try (NativeMatrix profit = new NativeMatrix(neurons, neurons)) {
            addProduct(profit, leader.gate(), member.gate(), neurons, hidden, false, 0f);
            addProduct(profit, leader.up(), member.up(), neurons, hidden, false, 1f);
            addProduct(profit, leader.down(), member.down(), hidden, neurons, true, 1f);
            return profit.toArray();
        }
    }

    /**
     * {@code profit = beta·profit + A·Bᵀ} for neuron-per-row matrices [rows × cols], or
     * {@code + Aᵀ·B} for neuron-per-column ones ({@code neuronsInColumns}).
     */
    private static void addProduct(
            NativeMatrix profit, float[] lead, float[] mem, int rows, int cols, boolean neuronsInColumns, float beta) {
        try (NativeMatrix a = NativeMatrix.of(lead, rows, cols);
                NativeMatrix b = NativeMatrix.of(mem, rows, cols)) {
            profit.accumulate(a, neuronsInColumns, b, !neuronsInColumns, beta);
        }
    }

    /**
     * The permutation p that aligns the member to the leader: {@code member.permuteNeurons(p)} has
     * at position i the member neuron matched to leader neuron i (maximum total profit).
     */
    public static int[] align(ExpertWeights leader, ExpertWeights member) {
        return LinearAssignment.maximize(profit(leader, member), leader.intermediate());
    }

    /**
     * A short fingerprint of a permutation for the {@code merge_plans} table: the first 16 hex
     * digits of the SHA-256 of its entries as 4-byte big-endian ints, in order.
     */
    public static String digest(int[] permutation) {
        ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(4, permutation.length));
        bytes.asIntBuffer().put(permutation);
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes.array());
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
