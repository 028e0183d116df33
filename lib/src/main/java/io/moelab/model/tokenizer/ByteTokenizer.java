package io.moelab.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * Byte-level tokenizer for models trained by moelab: each token is one byte of the text's UTF-8
 * encoding, so the vocabulary is exactly 256 ids and there are no special tokens.
 */
public final class ByteTokenizer implements Tokenizer {

    public static final int VOCAB_SIZE = 256;

    @Override
    public int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = Byte.toUnsignedInt(bytes[i]);
        }
        return ids;
    }

    /**
     * Decodes leniently: byte sequences that are not valid UTF-8 (a model may emit half a
     * multi-byte character) become U+FFFD instead of failing.
     *
     * @throws IllegalArgumentException if an id is outside 0..255
     */
    @Override
    public String decode(int[] ids) {
        byte[] bytes = new byte[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= VOCAB_SIZE) {
                throw new IllegalArgumentException(
                        "token id " + ids[i] + " at position " + i + " is not a byte (0..255)");
            }
            bytes[i] = (byte) ids[i];
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public OptionalInt bosId() {
        return OptionalInt.empty();
    }

    @Override
    public OptionalInt eosId() {
        return OptionalInt.empty();
    }

    @Override
    public void close() {
        // holds nothing
    }
}
