package io.moelab.eval;

/**
 * One log-likelihood request in tokens: the model reads {@code prefix} and then {@code targets}
 * except the last, and scores every token of {@code targets}. The prefix is never empty (it starts
 * with BOS or the prefix token when the context is empty).
 */
record ScoringRequest(int[] prefix, int[] targets) {

    /** Tokens the model reads: the prefix and all targets but the last. */
    int inputLength() {
        return prefix.length + targets.length - 1;
    }

    /** The prefix followed by the targets. */
    int totalLength() {
        return prefix.length + targets.length;
    }

    /** What a lone forward call reads for this request. */
    int[] input() {
        int[] input = new int[inputLength()];
        System.arraycopy(prefix, 0, input, 0, prefix.length);
        System.arraycopy(targets, 0, input, prefix.length, targets.length - 1);
        return input;
    }
}
