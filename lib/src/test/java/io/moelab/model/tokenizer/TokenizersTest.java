package io.moelab.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizersTest {

    @TempDir
    Path dir;

    @Test
    void tokenizerJsonWinsEvenForByteSizedVocab() throws Exception {
        TokenizerFixtures.writeModelDir(dir, null, null);
        try (Tokenizer tokenizer = Tokenizers.forModel(dir, 256)) {
            assertInstanceOf(HfTokenizer.class, tokenizer);
        }
    }

    @Test
    void byteLevelWithoutTokenizerJson() {
        try (Tokenizer tokenizer = Tokenizers.forModel(dir, 256)) {
            assertInstanceOf(ByteTokenizer.class, tokenizer);
        }
    }

    @Test
    void otherVocabWithoutTokenizerJsonIsAnInputError() {
        MoelabInputException e = assertThrows(MoelabInputException.class, () -> Tokenizers.forModel(dir, 32000));
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
    }

    @Test
    void tokenizerLargerThanModelVocabIsAnInputError() throws Exception {
        TokenizerFixtures.writeModelDir(dir, null, null);
        MoelabInputException e = assertThrows(MoelabInputException.class, () -> Tokenizers.forModel(dir, 5));
        assertTrue(e.getMessage().contains("vocab_size is 5"), e.getMessage());
    }
}
