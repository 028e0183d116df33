package io.moelab.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ByteTokenizerTest {

    private final ByteTokenizer tokenizer = new ByteTokenizer();

    @Test
    void asciiBytesAreTheirOwnIds() {
        assertArrayEquals(new int[] {'M', 'o', 'E', ' ', '!'}, tokenizer.encode("MoE !"));
    }

    @Test
    void multiByteUtf8RoundTrips() {
        String text = "naïve 東京 🙂 ok";
        int[] ids = tokenizer.encode(text);
        assertEquals(text.getBytes(StandardCharsets.UTF_8).length, ids.length);
        // 'ï' is two bytes, '東' three, '🙂' four: all ids are unsigned bytes.
        assertArrayEquals(new int[] {0xC3, 0xAF}, Arrays.copyOfRange(ids, 2, 4));
        for (int id : ids) {
            assertTrue(id >= 0 && id < 256, "id " + id);
        }
        assertEquals(text, tokenizer.decode(ids));
    }

    @Test
    void truncatedCharacterDecodesToReplacementInsteadOfFailing() {
        int[] ids = tokenizer.encode("a東");
        int[] cut = Arrays.copyOf(ids, ids.length - 1);
        assertEquals("a\uFFFD", tokenizer.decode(cut));
    }

    @Test
    void idsOutsideAByteAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[] {65, 256}));
    }

    @Test
    void hasNoSpecialTokens() {
        assertEquals(256, tokenizer.vocabSize());
        assertTrue(tokenizer.bosId().isEmpty());
        assertTrue(tokenizer.eosId().isEmpty());
    }
}
