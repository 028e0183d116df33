package io.moelab.model.tokenizer;

import java.util.OptionalInt;

/**
 * Maps text to token ids and back for one model.
 *
 * <p>{@link #encode} never adds special tokens: callers that need a BOS or EOS token add
 * {@link #bosId()} / {@link #eosId()} themselves, so sequences cut from a long text stay exact.
 * Implementations may hold native resources; close them when done.
 */
public interface Tokenizer extends AutoCloseable {

    /** Token ids of {@code text}, without special tokens. */
    int[] encode(String text);

    /** Text of {@code ids}; special tokens are kept, as Hugging Face's default decode does. */
    String decode(int[] ids);

    /** Number of distinct ids this tokenizer can produce (largest id + 1). */
    int vocabSize();

    /** The beginning-of-sequence token, if the model defines one. */
    OptionalInt bosId();

    /** The end-of-sequence token, if the model defines one. */
    OptionalInt eosId();

    /** Releases native resources; never throws a checked exception. */
    @Override
    void close();
}
