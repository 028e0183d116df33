package io.moelab.eval.metrics;

import io.moelab.eval.MultipleChoiceResult;
import java.util.ArrayList;
import java.util.List;

/**
 * acc and acc_norm as lm-evaluation-harness computes them for {@code multiple_choice} tasks: the
 * argmax of the log-likelihoods, and of the log-likelihoods divided by each choice's length in
 * characters, compared with the gold index; ties go to the lowest index.
 */
final class MultipleChoiceMetrics {
    private MultipleChoiceMetrics() {}

    /** @param results sorted by document id */
    static List<MetricValue> metrics(List<MultipleChoiceResult> results) {
        double[] acc = new double[results.size()];
        double[] accNorm = new double[results.size()];
        for (int i = 0; i < acc.length; i++) {
            MultipleChoiceResult result = results.get(i);
            acc[i] = prediction(result) == result.gold() ? 1 : 0;
            accNorm[i] = normalisedPrediction(result) == result.gold() ? 1 : 0;
        }
        return List.of(
                SampleMean.of("acc", MetricValue.NO_FILTER, acc),
                SampleMean.of("acc_norm", MetricValue.NO_FILTER, accNorm));
    }

    static List<ExampleOutcome> examples(List<MultipleChoiceResult> results) {
        List<ExampleOutcome> examples = new ArrayList<>();
        for (MultipleChoiceResult result : results) {
            int predicted = prediction(result);
            examples.add(new ExampleOutcome(
                    result.documentId(),
                    result.choices().get(predicted),
                    result.choices().get(result.gold()),
                    predicted == result.gold(),
                    result.loglikelihoods()));
        }
        return examples;
    }

    static int prediction(MultipleChoiceResult result) {
        return argmax(result.loglikelihoods());
    }

    static int normalisedPrediction(MultipleChoiceResult result) {
        double[] normalised = result.loglikelihoods();
        for (int c = 0; c < normalised.length; c++) {
            String choice = result.choices().get(c);
            normalised[c] /= choice.codePointCount(0, choice.length());
        }
        return argmax(normalised);
    }

    private static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
