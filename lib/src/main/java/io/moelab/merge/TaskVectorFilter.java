package io.moelab.merge;

/**
 * One model's task vector for one tensor, pruned entry by entry: {@link #next} is called once per
 * entry, in index order, with {@code τ_j = θ_j − θ_base,j}, and returns what is left of it. A filter
 * may keep state across calls (a random stream, a count of ties kept), so it serves one pass only.
 */
@FunctionalInterface
interface TaskVectorFilter {

    /** Keeps every entry unchanged. */
    TaskVectorFilter KEEP_ALL = value -> value;

    double next(double taskValue);

    /** The task vector entry {@code j}, in double (exact: both values are floats). */
    static double taskValue(float[] base, float[] model, int j) {
        return (double) model[j] - base[j];
    }
}
