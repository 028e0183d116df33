package io.moelab.model.tokenizer;

import io.moelab.MoelabInputException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Chooses the tokenizer for a model directory. */
public final class Tokenizers {

    private Tokenizers() {}

    /**
     * The tokenizer for the model in {@code modelDir}: its {@code tokenizer.json} if there is one,
     * otherwise the byte-level tokenizer when the model's vocabulary is exactly 256 ids.
     *
     * @param vocabSize the model's {@code vocab_size}; a tokenizer may use fewer ids, never more
     * @throws MoelabInputException if no tokenizer fits the model
     */
    public static Tokenizer forModel(Path modelDir, int vocabSize) {
        if (Files.isRegularFile(modelDir.resolve(HfTokenizer.TOKENIZER_FILE))) {
            HfTokenizer tokenizer = HfTokenizer.load(modelDir);
            if (tokenizer.vocabSize() > vocabSize) {
                tokenizer.close();
                throw new MoelabInputException(modelDir.resolve(HfTokenizer.TOKENIZER_FILE)
                        + ": has " + tokenizer.vocabSize() + " tokens but the model's vocab_size is "
                        + vocabSize);
            }
            return tokenizer;
        }
        if (vocabSize == ByteTokenizer.VOCAB_SIZE) {
            return new ByteTokenizer();
        }
        throw new MoelabInputException(modelDir + ": no " + HfTokenizer.TOKENIZER_FILE
                + " found; a model with vocab_size " + vocabSize + " needs a "
                + HfTokenizer.TOKENIZER_FILE + " (only byte-level models with vocab_size "
                + ByteTokenizer.VOCAB_SIZE + " can do without one)");
    }
}
