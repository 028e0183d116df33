package io.moelab.eval.task;

/**
 * A whole document scored by rolling windows in which every token is predicted exactly once.
 *
 * @param text  what the model reads (after any detokenizer)
 * @param words word count for word perplexity, from the original document as the task defines it
 * @param bytes UTF-8 byte count for byte perplexity and bits per byte
 */
public record RollingInstance(String documentId, String text, long words, long bytes) implements TaskInstance {
}
