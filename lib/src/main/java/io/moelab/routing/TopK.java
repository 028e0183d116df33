package io.moelab.routing;

/** Top-k selection over a short row (expert counts are small, so a partial selection sort wins). */
public final class TopK {
    private TopK() {}

    /**
     * Writes into {@code out[outOffset..+k)} the indices of the k largest of
     * {@code values[offset..offset+n)}, descending; equal values keep the lower index first.
     */
    public static void select(float[] values, int offset, int n, int k, int[] out, int outOffset) {
        boolean[] taken = new boolean[n];
        for (int s = 0; s < k; s++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (!taken[i] && (best < 0 || values[offset + i] > values[offset + best])) {
                    best = i;
                }
            }
            taken[best] = true;
            out[outOffset + s] = best;
        }
    }

    /**
     * Sorts {@code indices[from..from+count)} by {@code values[offset + index]}, descending, equal
     * values keeping the lower index first: the order {@link #select} produces.
     */
    public static void sortDescending(float[] values, int offset, int[] indices, int from, int count) {
        for (int i = from + 1; i < from + count; i++) {
            int index = indices[i];
            float value = values[offset + index];
            int j = i - 1;
            while (j >= from
                    && (values[offset + indices[j]] < value
                            || (values[offset + indices[j]] == value && indices[j] > index))) {
                indices[j + 1] = indices[j];
                j--;
            }
            indices[j + 1] = index;
        }
    }
}
