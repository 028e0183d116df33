package io.moelab.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfTokenizerTest {

    @TempDir
    Path dir;

    @Test
    void encodesWithoutSpecialTokensAndDecodes() throws Exception {
        try (HfTokenizer tokenizer = HfTokenizer.load(TokenizerFixtures.writeModelDir(dir, null, null))) {
            int[] ids = tokenizer.encode("hello world moe!");
            assertArrayEquals(new int[] {3, 4, 5, 6}, ids);
            assertEquals("hello world moe !", tokenizer.decode(ids));
            assertArrayEquals(new int[] {3, 0}, tokenizer.encode("hello unknown"));
            assertEquals(7, tokenizer.vocabSize());
        }
    }

    @Test
    void postProcessorAddsBosOnlyWhenAskedFor() throws Exception {
        try (HfTokenizer tokenizer = HfTokenizer.load(TokenizerFixtures.writeModelDir(dir, null, null))) {
            assertArrayEquals(new int[] {1, 3, 4}, tokenizer.encodeWithSpecialTokens("hello world"));
            assertEquals("<s> hello world", tokenizer.decode(new int[] {1, 3, 4}));
        }
    }

    @Test
    void longTextIsNotTruncated() throws Exception {
        try (HfTokenizer tokenizer = HfTokenizer.load(TokenizerFixtures.writeModelDir(dir, null, null))) {
            String text = "hello world ".repeat(1000);
            assertEquals(2000, tokenizer.encode(text).length);
        }
    }

    @Test
    void specialTokensComeFromTokenizerConfigFirst() throws Exception {
        String tokenizerConfig = """
                {"bos_token": "<s>", "eos_token": {"content": "</s>", "special": true}}
                """;
        String modelConfig = """
                {"bos_token_id": 5, "eos_token_id": 6}
                """;
        try (HfTokenizer tokenizer =
                HfTokenizer.load(TokenizerFixtures.writeModelDir(dir, tokenizerConfig, modelConfig))) {
            assertEquals(OptionalInt.of(1), tokenizer.bosId());
            assertEquals(OptionalInt.of(2), tokenizer.eosId());
        }
    }

    @Test
    void specialTokensFallBackToModelConfig() throws Exception {
        String tokenizerConfig = """
                {"bos_token": null}
                """;
        String modelConfig = """
                {"bos_token_id": 1, "eos_token_id": [2, 6]}
                """;
        try (HfTokenizer tokenizer =
                HfTokenizer.load(TokenizerFixtures.writeModelDir(dir, tokenizerConfig, modelConfig))) {
            assertEquals(OptionalInt.of(1), tokenizer.bosId());
            assertEquals(OptionalInt.of(2), tokenizer.eosId());
        }
    }

    @Test
    void noConfigsMeansNoSpecialTokens() throws Exception {
        try (HfTokenizer tokenizer = HfTokenizer.load(TokenizerFixtures.writeModelDir(dir, null, null))) {
            assertTrue(tokenizer.bosId().isEmpty());
            assertTrue(tokenizer.eosId().isEmpty());
        }
    }

    @Test
    void specialTokenThatIsNotOneTokenIsRejected() throws Exception {
        TokenizerFixtures.writeModelDir(dir, """
                {"eos_token": "hello world"}
                """, null);
        MoelabInputException e = assertThrows(MoelabInputException.class, () -> HfTokenizer.load(dir));
        assertTrue(e.getMessage().contains("eos_token"), e.getMessage());
    }

    @Test
    void malformedTokenizerJsonNamesTheFile() throws Exception {
        Files.writeString(dir.resolve(HfTokenizer.TOKENIZER_FILE), "{\"model\": {\"type\": \"Nope\"}}");
        MoelabInputException e = assertThrows(MoelabInputException.class, () -> HfTokenizer.load(dir));
        assertTrue(e.getMessage().contains(HfTokenizer.TOKENIZER_FILE), e.getMessage());
    }
}
