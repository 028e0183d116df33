package io.moelab.eval.task;

/** How a log-likelihood request's (context, continuation) boundary is drawn before tokenizing. */
public enum PairEncoding {
    /**
     * lm-evaluation-harness's {@code _encode_pair}: trailing whitespace of the context moves to the
     * front of the continuation (and is scored with it), and the continuation's tokens are those of
     * context + continuation after the context's own tokens.
     */
    LM_EVAL,
    /**
     * The same, without moving whitespace: exactly the continuation as given is scored (the bundled
     * model card's rule, whose contexts may end in a space that is not part of the choice).
     */
    AS_GIVEN;

    /** The name task files use ({@code pair_encoding}). */
    public String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
