package io.moelab.jobs.data;

import io.moelab.model.tokenizer.Tokenizer;
import io.moelab.model.tokenizer.Tokenizers;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * Makes a {@link Tokenizer} where it is used: Spark ships the factory (a small serializable model
 * reference) to the executors, and each partition creates, uses and closes its own tokenizer, since
 * tokenizers may hold native resources that cannot be serialized.
 */
@FunctionalInterface
public interface SerializableTokenizerFactory extends Serializable {

    /** A new tokenizer; the caller closes it. */
    Tokenizer create();

    /** {@link Tokenizers#forModel} on the model directory, a path every executor can read. */
    static SerializableTokenizerFactory forModel(String modelDir, int vocabSize) {
        return () -> Tokenizers.forModel(Path.of(modelDir), vocabSize);
    }
}
