package io.moelab.eval.metrics;

import java.io.Serializable;

/**
 * One score of a task, named as lm-evaluation-harness names it: {@link #key()} is the
 * results.json key, e.g. {@code acc,none} or {@code exact_match,strict-match}.
 *
 * @param metric the metric alone, e.g. {@code acc_norm}
 * @param filter the answer filter it was computed under; {@code none} for log-likelihood tasks
 * @param stderr standard error of {@code value}; NaN where it is undefined (fewer than 2 documents)
 * @param n      documents scored
 */
public record MetricValue(String metric, String filter, double value, double stderr, long n) implements Serializable {

    /** The filter lm-eval reports log-likelihood metrics under. */
    public static final String NO_FILTER = "none";

    /** {@code metric,filter}. */
    public String key() {
        return metric + "," + filter;
    }

    /** Whether a larger value is better (lm-eval's {@code higher_is_better}): not for perplexities and bits per byte. */
    public boolean higherIsBetter() {
        return !metric.endsWith("perplexity") && !metric.equals("bits_per_byte");
    }
}
