package io.moelab.eval;

import io.moelab.eval.task.RollingInstance.WindowStrategy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Cuts a document's tokens into model inputs in which every token is predicted exactly once. */
final class RollingWindows {
    private RollingWindows() {}

    /**
     * @param tokens      the document, without special tokens
     * @param prefixToken what the first window (DISJOINT: every window) starts from
     * @param maxLength   most tokens a window reads; at least 1 (LM_EVAL) or 2 (DISJOINT)
     */
    static List<ScoringRequest> of(int[] tokens, int prefixToken, int maxLength, WindowStrategy strategy) {
        return switch (strategy) {
            case LM_EVAL -> lmEval(tokens, prefixToken, maxLength);
            case DISJOINT -> disjoint(tokens, prefixToken, maxLength);
        };
    }

    /**
     * lm-evaluation-harness's {@code get_rolling_token_windows(tokens, prefix, max_seq_len,
     * context_len=1)} followed by {@code make_disjoint_window}: the first window predicts the first
     * maxLength tokens after the prefix token; each later one predicts the next up to maxLength
     * tokens and reads as many preceding tokens as make maxLength inputs.
     */
    private static List<ScoringRequest> lmEval(int[] tokens, int prefixToken, int maxLength) {
        List<ScoringRequest> windows = new ArrayList<>();
        if (tokens.length == 0) {
            return windows;
        }
        int predicted = Math.min(maxLength, tokens.length);
        windows.add(new ScoringRequest(new int[] {prefixToken}, Arrays.copyOfRange(tokens, 0, predicted)));
        while (predicted < tokens.length) {
            int length = Math.min(tokens.length - predicted, maxLength);
            int contextStart = predicted - (maxLength + 1 - length);
            windows.add(new ScoringRequest(
                    Arrays.copyOfRange(tokens, contextStart, predicted),
                    Arrays.copyOfRange(tokens, predicted, predicted + length)));
            predicted += length;
        }
        return windows;
    }

    /** Non-overlapping pieces of maxLength − 1 tokens, each read after the prefix token alone. */
    private static List<ScoringRequest> disjoint(int[] tokens, int prefixToken, int maxLength) {
        int piece = maxLength - 1;
        List<ScoringRequest> windows = new ArrayList<>();
        for (int start = 0; start < tokens.length; start += piece) {
            windows.add(new ScoringRequest(
                    new int[] {prefixToken},
                    Arrays.copyOfRange(tokens, start, Math.min(start + piece, tokens.length))));
        }
        return windows;
    }
}
