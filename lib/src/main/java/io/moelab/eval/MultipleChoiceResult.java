package io.moelab.eval;

import java.util.List;

/**
 * Log-likelihood of every choice of a multiple-choice instance.
 *
 * @param loglikelihoods summed log-probability of each choice's continuation tokens, in nats
 * @param greedy         per choice: every continuation token was the model's argmax
 * @param choices        the choice texts (acc_norm divides by their length in characters)
 * @param gold           index of the correct choice
 */
public record MultipleChoiceResult(
        String documentId, double[] loglikelihoods, boolean[] greedy, List<String> choices, int gold)
        implements DocumentResult {
    public MultipleChoiceResult {
        loglikelihoods = loglikelihoods.clone();
        greedy = greedy.clone();
        choices = List.copyOf(choices);
        if (loglikelihoods.length != choices.size() || greedy.length != choices.size()) {
            throw new IllegalArgumentException(documentId + ": " + loglikelihoods.length + " log-likelihoods, "
                    + greedy.length + " greedy flags, " + choices.size() + " choices");
        }
    }

    @Override
    public double[] loglikelihoods() {
        return loglikelihoods.clone();
    }

    @Override
    public boolean[] greedy() {
        return greedy.clone();
    }
}
