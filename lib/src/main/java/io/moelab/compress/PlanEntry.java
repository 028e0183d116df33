package io.moelab.compress;

/**
 * One row of a merge plan: source expert {@code source} contributes to target expert
 * {@code target} with {@code coefficient}. {@code permutationDigest} identifies the neuron
 * permutation applied to the source before merging (null when none).
 */
public record PlanEntry(int target, int source, double coefficient, String permutationDigest) {
    public static PlanEntry unpermuted(int target, int source, double coefficient) {
        return new PlanEntry(target, source, coefficient, null);
    }
}
