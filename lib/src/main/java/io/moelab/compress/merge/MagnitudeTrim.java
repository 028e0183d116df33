package io.moelab.compress.merge;

import java.util.Arrays;

/**
 * TIES's trim step: keeps the {@code k = ⌊density · n⌋} entries of largest magnitude of one tensor's
 * task vector and zeroes the others, as mergekit's {@code magnitude} sparsification does per tensor
 * (the TIES reference code trims the whole flattened model at once). Of entries tied at the k-th
 * magnitude, the lowest indices are kept, so exactly k entries survive. A density of 1 keeps
 * everything; a tensor so small that k is 0 keeps nothing (mergekit refuses such a tensor).
 */
final class MagnitudeTrim {
    private MagnitudeTrim() {
    }

    static TaskVectorFilter of(double density, float[] base, float[] model) {
        int n = base.length;
        if (density >= 1) {
            return TaskVectorFilter.KEEP_ALL;
        }
        int keep = (int) (density * n);
        if (keep == 0) {
            return value -> 0.0;
        }
        double[] magnitudes = new double[n];
        for (int j = 0; j < n; j++) {
            magnitudes[j] = Math.abs(TaskVectorFilter.taskValue(base, model, j));
        }
        Arrays.sort(magnitudes);
        double threshold = magnitudes[n - keep];
        int above = 0;
        for (int j = n - keep; j < n; j++) {
            if (magnitudes[j] > threshold) {
                above++;
            }
        }
        int tiesToKeep = keep - above;
        return new TaskVectorFilter() {
            private int tiesLeft = tiesToKeep;

            @Override
            public double next(double taskValue) {
                double magnitude = Math.abs(taskValue);
                if (magnitude > threshold) {
                    return taskValue;
                }
                if (magnitude == threshold && tiesLeft > 0) {
                    tiesLeft--;
                    return taskValue;
                }
                return 0.0;
            }
        };
    }
}
