package io.moelab.eval;

import io.moelab.eval.task.AnswerExtraction;

/**
 * A greedy generation, cut at the earliest stop string, with what exact match needs.
 *
 * @param generation the generated text after the context, without the stop string or EOS
 */
public record GenerationResult(String documentId, String generation, String target, AnswerExtraction extraction)
        implements DocumentResult {}
