package io.moelab.eval.metrics;

import io.moelab.eval.GenerationResult;
import io.moelab.eval.task.AnswerExtraction;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code exact_match,<filter>} of {@code generate_until} tasks, one metric per answer filter of
 * the task: the share of documents whose filtered generation matches the target after the task's
 * normalisation.
 */
final class ExactMatchMetrics {
    private ExactMatchMetrics() {}

    /** @param results sorted by document id, all of one task (the first one's filters name the metrics) */
    static List<MetricValue> metrics(List<GenerationResult> results) {
        List<String> filters = results.get(0).extraction().filterNames();
        List<MetricValue> out = new ArrayList<>();
        for (int f = 0; f < filters.size(); f++) {
            double[] matches = new double[results.size()];
            for (int i = 0; i < matches.length; i++) {
                matches[i] = matches(results.get(i), f) ? 1 : 0;
            }
            out.add(SampleMean.of("exact_match", filters.get(f), matches));
        }
        return out;
    }

    static List<ExampleOutcome> examples(List<GenerationResult> results) {
        List<ExampleOutcome> examples = new ArrayList<>();
        for (GenerationResult result : results) {
            examples.add(new ExampleOutcome(
                    result.documentId(),
                    result.extraction().extract(0, result.generation()),
                    result.target(),
                    matches(result, 0),
                    new double[0]));
        }
        return examples;
    }

    private static boolean matches(GenerationResult result, int filter) {
        AnswerExtraction extraction = result.extraction();
        return extraction.exactMatch(extraction.extract(filter, result.generation()), result.target());
    }
}
