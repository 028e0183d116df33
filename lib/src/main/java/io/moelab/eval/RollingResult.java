package io.moelab.eval;

/**
 * A whole document's log-likelihood from rolling windows.
 *
 * @param negativeLogLikelihood summed over every token of the document, in nats
 * @param tokens                tokens predicted (each exactly once)
 * @param bytes                 UTF-8 bytes of the document, from the instance
 * @param words                 words of the document, from the instance
 */
public record RollingResult(String documentId, double negativeLogLikelihood, long tokens, long bytes, long words)
        implements DocumentResult {}
