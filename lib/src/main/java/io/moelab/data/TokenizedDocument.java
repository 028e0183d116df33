package io.moelab.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A document's token ids (without special tokens), with its id and label carried along.
 *
 * @param id     the {@link Document#id()}
 * @param label  the {@link Document#label()}, may be null
 * @param tokens token ids from {@code Tokenizer.encode}, no BOS/EOS
 */
public record TokenizedDocument(String id, String label, int[] tokens) implements Serializable {
    public TokenizedDocument {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tokens, "tokens");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenizedDocument t
                && id.equals(t.id)
                && Objects.equals(label, t.label)
                && Arrays.equals(tokens, t.tokens);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, label, Arrays.hashCode(tokens));
    }

    @Override
    public String toString() {
        return "TokenizedDocument[id=" + id + ", label=" + label + ", tokens=" + Arrays.toString(tokens) + "]";
    }
}
