package io.moelab.eval.task;

import java.util.List;

/**
 * Choice {@code i} is scored as the log-likelihood of {@code continuations[i]} after
 * {@code contexts[i]} (BOS first when the model has one). Most tasks share one context and append
 * {@code target_delimiter + choice}; WinoGrande-style tasks vary the context and share the
 * continuation. {@code choices} are the choice texts as the task defines them: acc_norm divides by
 * their length in characters, and eval_examples shows them.
 */
public record MultipleChoiceInstance(
        String documentId, List<String> contexts, List<String> continuations, List<String> choices, int gold)
        implements TaskInstance {
    public MultipleChoiceInstance {
        contexts = List.copyOf(contexts);
        continuations = List.copyOf(continuations);
        choices = List.copyOf(choices);
        if (contexts.size() != continuations.size() || contexts.size() != choices.size()) {
            throw new IllegalArgumentException(documentId + ": " + contexts.size() + " contexts, "
                    + continuations.size() + " continuations, " + choices.size() + " choices");
        }
    }
}
