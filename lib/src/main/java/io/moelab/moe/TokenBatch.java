package io.moelab.moe;

import io.moelab.MoelabInputException;
import java.util.Arrays;

/**
 * Sequences of token ids packed end to end, without padding. Every per-token operation runs on
 * the packed rows; only attention looks at sequence boundaries. Padded input (HF-style
 * {@code input_ids} + {@code attention_mask}) is unpacked on entry, so padding never costs
 * compute and never changes a result.
 */
public final class TokenBatch {
    private final int[] tokens;
    private final int[] starts;

    private TokenBatch(int[] tokens, int[] starts) {
        this.tokens = tokens;
        this.starts = starts;
    }

    public static TokenBatch of(int[]... sequences) {
        if (sequences.length == 0) {
            throw new MoelabInputException("a batch needs at least one sequence");
        }
        int[] starts = new int[sequences.length + 1];
        for (int s = 0; s < sequences.length; s++) {
            if (sequences[s].length == 0) {
                throw new MoelabInputException("sequence " + s + " of the batch is empty");
            }
            starts[s + 1] = starts[s] + sequences[s].length;
        }
        int[] tokens = new int[starts[sequences.length]];
        for (int s = 0; s < sequences.length; s++) {
            System.arraycopy(sequences[s], 0, tokens, starts[s], sequences[s].length);
        }
        return new TokenBatch(tokens, starts);
    }

    /**
     * From a padded batch: row {@code s} keeps the ids where {@code attentionMask[s][i] == 1};
     * those must be one contiguous run (left or right padding).
     */
    public static TokenBatch fromPadded(int[][] inputIds, int[][] attentionMask) {
        int[][] sequences = new int[inputIds.length][];
        for (int s = 0; s < inputIds.length; s++) {
            if (attentionMask[s].length != inputIds[s].length) {
                throw new MoelabInputException("attention_mask row " + s + " has length " + attentionMask[s].length
                        + ", input_ids row has " + inputIds[s].length);
            }
            int first = -1;
            int last = -1;
            for (int i = 0; i < inputIds[s].length; i++) {
                if (attentionMask[s][i] == 1) {
                    if (first < 0) {
                        first = i;
                    } else if (last != i - 1) {
                        throw new MoelabInputException("attention_mask row " + s
                                + " has padding between real tokens; only left or right padding is supported");
                    }
                    last = i;
                }
            }
            sequences[s] = first < 0 ? new int[0] : Arrays.copyOfRange(inputIds[s], first, last + 1);
        }
        return of(sequences);
    }

    public int size() {
        return starts.length - 1;
    }

    public int totalTokens() {
        return tokens.length;
    }

    public int start(int sequence) {
        return starts[sequence];
    }

    public int length(int sequence) {
        return starts[sequence + 1] - starts[sequence];
    }

    public int token(int index) {
        return tokens[index];
    }

    /** Sequences {@code from..to-1} as a batch of their own, packed from row 0. */
    public TokenBatch slice(int from, int to) {
        if (from < 0 || to > size() || from >= to) {
            throw new IllegalArgumentException(
                    "slice [" + from + ", " + to + ") of a batch of " + size() + " sequences");
        }
        int[] sliceStarts = new int[to - from + 1];
        for (int s = from; s <= to; s++) {
            sliceStarts[s - from] = starts[s] - starts[from];
        }
        return new TokenBatch(Arrays.copyOfRange(tokens, starts[from], starts[to]), sliceStarts);
    }

    /** The sequence each packed token belongs to. */
    public int[] sequenceOfTokens() {
        int[] out = new int[tokens.length];
        for (int s = 0; s < size(); s++) {
            Arrays.fill(out, starts[s], starts[s + 1], s);
        }
        return out;
    }
}
