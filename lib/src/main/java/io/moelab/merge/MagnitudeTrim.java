package io.moelab.merge;

/**
 * TIES's trim step: keeps the {@code k = ⌊density · n⌋} entries of largest magnitude of one tensor's
 * task vector and zeroes the others, as mergekit's {@code magnitude} sparsification does per tensor
 * (the TIES reference code trims the whole flattened model at once). Of entries tied at the k-th
 * magnitude, the lowest indices are kept, so exactly k entries survive. A density of 1 keeps
 * everything; a tensor so small that k is 0 keeps nothing (mergekit refuses such a tensor).
 */
final class MagnitudeTrim {
    private MagnitudeTrim() {}

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
        double threshold = select(magnitudes, n - keep);
        int above = 0;
        for (double magnitude : magnitudes) {
            if (magnitude > threshold) {
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

    /**
     * The value at 0-based position {@code rank} of {@code values} in ascending order, found by
     * quickselect (reordering the array): linear time where a sort would cost n log n. The partition
     * is three-way, so a task vector with many equal entries (zeros, where a model left the base
     * untouched) does not degrade it.
     */
    static double select(double[] values, int rank) {
        int lo = 0;
        int hi = values.length - 1;
        while (lo < hi) {
            double pivot = medianOfThree(values[lo], values[lo + (hi - lo) / 2], values[hi]);
            int below = lo; // [lo, below) < pivot, [below, next) == pivot, (above, hi] > pivot
            int next = lo;
            int above = hi;
            while (next <= above) {
                if (values[next] < pivot) {
                    swap(values, below++, next++);
                } else if (values[next] > pivot) {
                    swap(values, next, above--);
                } else {
                    next++;
                }
            }
            if (rank < below) {
                hi = below - 1;
            } else if (rank > above) {
                lo = above + 1;
            } else {
                return pivot;
            }
        }
        return values[rank];
    }

    private static double medianOfThree(double a, double b, double c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private static void swap(double[] values, int i, int j) {
        double swap = values[i];
        values[i] = values[j];
        values[j] = swap;
    }
}
