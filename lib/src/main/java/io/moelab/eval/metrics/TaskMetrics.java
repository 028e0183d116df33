package io.moelab.eval.metrics;

import io.moelab.eval.DocumentResult;
import io.moelab.eval.GenerationResult;
import io.moelab.eval.MultipleChoiceResult;
import io.moelab.eval.RollingResult;
import io.moelab.eval.task.OutputType;
import java.util.Comparator;
import java.util.List;

/**
 * A task's scores and per-document outcomes from its {@link DocumentResult}s. Results may come in
 * any order (from any number of partitions): they are sorted by document id first, so the same
 * results always give the same numbers.
 */
public final class TaskMetrics {
    /** Bootstrap resamples behind the perplexities' standard errors (results.json's {@code bootstrap_iters}). */
    public static final int BOOTSTRAP_RESAMPLES = PerplexityMetrics.BOOTSTRAP_RESAMPLES;

    private TaskMetrics() {}

    /**
     * The task's metrics: {@code acc} and {@code acc_norm} (multiple_choice);
     * {@code word_perplexity}, {@code byte_perplexity}, {@code bits_per_byte} and
     * {@code token_perplexity} (loglikelihood_rolling); {@code exact_match} per answer filter
     * (generate_until). None for no results.
     *
     * @param bootstrapSeed seeds the bootstrap behind the perplexities' standard errors
     * @throws IllegalArgumentException when a result is not of the output type's kind
     */
    public static List<MetricValue> compute(
            OutputType type, List<? extends DocumentResult> results, long bootstrapSeed) {
        if (results.isEmpty()) {
            return List.of();
        }
        return switch (type) {
            case MULTIPLE_CHOICE -> MultipleChoiceMetrics.metrics(sorted(results, MultipleChoiceResult.class, type));
            case LOGLIKELIHOOD_ROLLING ->
                PerplexityMetrics.metrics(sorted(results, RollingResult.class, type), bootstrapSeed);
            case GENERATE_UNTIL -> ExactMatchMetrics.metrics(sorted(results, GenerationResult.class, type));
        };
    }

    /** One outcome per document, sorted by document id; see {@link ExampleOutcome} for what each kind holds. */
    public static List<ExampleOutcome> examples(OutputType type, List<? extends DocumentResult> results) {
        return switch (type) {
            case MULTIPLE_CHOICE -> MultipleChoiceMetrics.examples(sorted(results, MultipleChoiceResult.class, type));
            case LOGLIKELIHOOD_ROLLING -> PerplexityMetrics.examples(sorted(results, RollingResult.class, type));
            case GENERATE_UNTIL -> ExactMatchMetrics.examples(sorted(results, GenerationResult.class, type));
        };
    }

    private static <R extends DocumentResult> List<R> sorted(
            List<? extends DocumentResult> results, Class<R> kind, OutputType type) {
        for (DocumentResult result : results) {
            if (!kind.isInstance(result)) {
                throw new IllegalArgumentException(
                        type.yamlName() + " metrics need " + kind.getSimpleName() + "s; document " + result.documentId()
                                + " has a " + result.getClass().getSimpleName());
            }
        }
        return results.stream()
                .map(kind::cast)
                .sorted(Comparator.comparing(DocumentResult::documentId))
                .toList();
    }
}
