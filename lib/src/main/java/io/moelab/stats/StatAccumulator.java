package io.moelab.stats;

import java.io.Serializable;

/**
 * A per-partition accumulator that Spark ships and reduces. Contract: {@link #merge} adds
 * {@code other} into {@code this} and returns {@code this}; it is associative and commutative and
 * exact, so any partitioning of the same inputs and any merge order give equal (bit-identical)
 * state; it rejects accumulators of another shape with an {@link IllegalArgumentException}.
 */
public interface StatAccumulator<T extends StatAccumulator<T>> extends Serializable {
    T merge(T other);
}
