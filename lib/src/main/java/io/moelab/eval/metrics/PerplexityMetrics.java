package io.moelab.eval.metrics;

import io.moelab.eval.RollingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;

/**
 * Corpus-level perplexities of {@code loglikelihood_rolling} tasks, each a ratio of sums over
 * documents as lm-evaluation-harness's {@code weighted_perplexity} and {@code bits_per_byte}:
 * {@code word_perplexity = exp(ΣNLL/Σwords)}, {@code byte_perplexity = exp(ΣNLL/Σbytes)},
 * {@code bits_per_byte = ΣNLL/Σbytes/ln 2}, {@code token_perplexity = exp(ΣNLL/Σtokens)}.
 *
 * <p>lm-eval reports no standard error for these. Here it is the standard deviation of the metric
 * over {@value #BOOTSTRAP_RESAMPLES} bootstrap resamples of the documents (n documents drawn with
 * replacement each time), drawn by a {@link SplittableRandom} from the caller's seed: the same
 * documents and seed give the same standard error on any JVM.
 */
final class PerplexityMetrics {
    static final int BOOTSTRAP_RESAMPLES = 1000;
    private static final String[] NAMES = {"word_perplexity", "byte_perplexity", "bits_per_byte", "token_perplexity"};

    private PerplexityMetrics() {}

    /** @param results sorted by document id, so the resamples do not depend on their arrival order */
    static List<MetricValue> metrics(List<RollingResult> results, long bootstrapSeed) {
        int n = results.size();
        double[] values = values(results, identity(n));
        double[][] resampled = new double[NAMES.length][BOOTSTRAP_RESAMPLES];
        SplittableRandom random = new SplittableRandom(bootstrapSeed);
        for (int r = 0; r < BOOTSTRAP_RESAMPLES; r++) {
            int[] draw = new int[n];
            for (int i = 0; i < n; i++) {
                draw[i] = random.nextInt(n);
            }
            double[] metrics = values(results, draw);
            for (int m = 0; m < NAMES.length; m++) {
                resampled[m][r] = metrics[m];
            }
        }
        List<MetricValue> out = new ArrayList<>();
        for (int m = 0; m < NAMES.length; m++) {
            double stderr = n < 2 ? Double.NaN : new StandardDeviation(true).evaluate(resampled[m]);
            out.add(new MetricValue(NAMES[m], MetricValue.NO_FILTER, values[m], stderr, n));
        }
        return out;
    }

    static List<ExampleOutcome> examples(List<RollingResult> results) {
        List<ExampleOutcome> examples = new ArrayList<>();
        for (RollingResult result : results) {
            examples.add(new ExampleOutcome(
                    result.documentId(), "", "", false, new double[] {-result.negativeLogLikelihood()}));
        }
        return examples;
    }

    /** The four metrics, in {@link #NAMES} order, over the documents {@code draw} lists. */
    private static double[] values(List<RollingResult> results, int[] draw) {
        double nll = 0;
        double words = 0;
        double bytes = 0;
        double tokens = 0;
        for (int i : draw) {
            RollingResult result = results.get(i);
            nll += result.negativeLogLikelihood();
            words += result.words();
            bytes += result.bytes();
            tokens += result.tokens();
        }
        return new double[] {
            Math.exp(nll / words), Math.exp(nll / bytes), nll / bytes / Math.log(2), Math.exp(nll / tokens)
        };
    }

    private static int[] identity(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return all;
    }
}
