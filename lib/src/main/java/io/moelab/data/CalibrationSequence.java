package io.moelab.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One model input cut from a dataset by {@link Sequencer}.
 *
 * @param sequenceId  position of the sequence in the dataset's global order for the seed (PACK: block
 *                    index in the packed stream; WHOLE: rank of the document); independent of how the
 *                    data was partitioned
 * @param tokens      token ids including BOS/EOS where {@link SequencingOptions} puts them
 * @param label       the label shared by every contributing document, {@link #MIXED} when they differ,
 *                    null when none has a label
 * @param documentIds ids of the contributing documents, in stream order
 */
public record CalibrationSequence(long sequenceId, int[] tokens, String label, List<String> documentIds)
        implements Serializable {

    /** Label of a packed block whose documents carry different labels. */
    public static final String MIXED = "mixed";

    public CalibrationSequence {
        Objects.requireNonNull(tokens, "tokens");
        documentIds = List.copyOf(documentIds);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CalibrationSequence s
                && sequenceId == s.sequenceId
                && Arrays.equals(tokens, s.tokens)
                && Objects.equals(label, s.label)
                && documentIds.equals(s.documentIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sequenceId, Arrays.hashCode(tokens), label, documentIds);
    }

    @Override
    public String toString() {
        return "CalibrationSequence[id=" + sequenceId + ", label=" + label + ", documents=" + documentIds + ", tokens("
                + tokens.length + ")=" + Arrays.toString(tokens) + "]";
    }
}
