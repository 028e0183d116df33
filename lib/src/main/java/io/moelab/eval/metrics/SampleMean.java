package io.moelab.eval.metrics;

import org.apache.commons.math3.stat.descriptive.moment.Mean;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;

/** A metric that is the mean of per-document values, with lm-eval's standard error of the mean. */
final class SampleMean {
    private SampleMean() {}

    static MetricValue of(String metric, String filter, double[] values) {
        return new MetricValue(metric, filter, new Mean().evaluate(values), standardError(values), values.length);
    }

    /** Sample standard deviation / √n (for 0/1 values: √(p(1−p)/(n−1))); NaN below 2 values. */
    static double standardError(double[] values) {
        if (values.length < 2) {
            return Double.NaN;
        }
        return new StandardDeviation(true).evaluate(values) / Math.sqrt(values.length);
    }
}
