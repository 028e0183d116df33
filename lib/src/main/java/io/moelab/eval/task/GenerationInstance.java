package io.moelab.eval.task;

import java.util.List;

/**
 * Greedy generation after {@code context} until one of {@code until} appears (the stop string and
 * what follows are cut) or {@code maxNewTokens} tokens; {@code extraction} turns the generation and
 * the target into the strings exact match compares.
 */
public record GenerationInstance(
        String documentId,
        String context,
        String target,
        List<String> until,
        int maxNewTokens,
        AnswerExtraction extraction)
        implements TaskInstance {
    public GenerationInstance {
        until = List.copyOf(until);
    }
}
