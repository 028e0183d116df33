package io.moelab.eval.task;

/**
 * A whole document scored by rolling windows in which every token is predicted exactly once.
 *
 * @param text      what the model reads (after any detokenizer)
 * @param words     word count for word perplexity, from the original document as the task defines it
 * @param bytes     UTF-8 byte count for byte perplexity and bits per byte
 * @param windows   how the token stream is cut into model inputs
 * @param maxLength tokens per model input (BOS included); 0 means the model's {@code max_position_embeddings}
 */
public record RollingInstance(
        String documentId, String text, long words, long bytes, WindowStrategy windows, int maxLength)
        implements TaskInstance {

    /** Cutting rules; both predict every token exactly once. */
    public enum WindowStrategy {
        /**
         * lm-evaluation-harness's {@code get_rolling_token_windows} with context length 1: the first
         * window is BOS + the first maxLength−1 tokens; each later window predicts the next up to
         * maxLength tokens and reads as much preceding text as fits.
         */
        LM_EVAL,
        /** Non-overlapping pieces of maxLength−1 tokens, each read as BOS + piece, no carried context. */
        DISJOINT
    }
}
