package io.moelab.compress.method;

import java.util.Arrays;
import java.util.List;

/** Frequency-weighted merge coefficients of a group, {@code f_e / Σ f}; equal weights when no member was ever selected. */
final class GroupWeights {
    private GroupWeights() {}

    static double[] byFrequency(List<Integer> members, double[] frequency) {
        double total = members.stream().mapToDouble(e -> frequency[e]).sum();
        double[] weights = new double[members.size()];
        if (total == 0) {
            Arrays.fill(weights, 1.0 / members.size());
            return weights;
        }
        for (int i = 0; i < weights.length; i++) {
            weights[i] = frequency[members.get(i)] / total;
        }
        return weights;
    }
}
