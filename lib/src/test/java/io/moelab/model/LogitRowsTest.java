package io.moelab.model;

import static io.moelab.model.HuggingFaceReferenceTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.moe.TokenBatch;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A forward asked for some rows' logits computes those rows, equal to the full forward's, and only those. */
class LogitRowsTest {
    private static final int[] LENGTHS = {9, 4, 13, 6};

    private static TokenBatch batch(MoeModel model) {
        Random random = new Random(5);
        int[][] sequences = new int[LENGTHS.length][];
        for (int s = 0; s < LENGTHS.length; s++) {
            sequences[s] =
                    random.ints(LENGTHS[s], 0, model.config().vocabSize()).toArray();
        }
        return TokenBatch.of(sequences);
    }

    @Test
    void someRowsEqualThoseRowsOfTheFullLogitsOnOneOrSeveralThreads() {
        MoeModel model = MoeModel.load(SharedFixtures.hf("qwen2_moe"));
        TokenBatch batch = batch(model);
        float[] full = MatrixOps.toFloats(model.forward(batch).logits());
        int vocab = model.config().vocabSize();
        // Rows in the first and third sequences only: with 2 threads the second shard has some, with 4 one shard has
        // none.
        int[] rows = {0, 8, 13 + 2, 13 + 12};
        for (int threads : new int[] {1, 2, 4}) {
            ForwardResult some = model.forward(
                    batch,
                    ForwardOptions.builder().logitRows(rows).threads(threads).build());
            assertEquals(rows.length, some.logits().size(0), threads + " threads: logit rows computed");
            float[] computed = MatrixOps.toFloats(some.logits());
            for (int i = 0; i < rows.length; i++) {
                assertEquals(i, some.logitRow(rows[i]));
                assertClose(
                        Arrays.copyOfRange(full, rows[i] * vocab, (rows[i] + 1) * vocab),
                        Arrays.copyOfRange(computed, i * vocab, (i + 1) * vocab),
                        threads + " threads: packed row " + rows[i]);
            }
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> some.logitRow(1));
            assertTrue(missing.getMessage().contains("packed row 1 has no logits"), missing.getMessage());
            assertThrows(IllegalArgumentException.class, () -> some.logitsOf(1));
        }
    }

    @Test
    void badRowsAreRefused() {
        MoeModel model = MoeModel.load(SharedFixtures.hf("qwen2_moe"));
        TokenBatch batch = batch(model);
        assertThrows(MoelabInputException.class, () -> ForwardOptions.builder().logitRows(3, 2));
        assertThrows(MoelabInputException.class, () -> ForwardOptions.builder().logitRows(2, 2));
        assertThrows(MoelabInputException.class, () -> ForwardOptions.builder().logitRows(-1));
        assertThrows(MoelabInputException.class, () -> ForwardOptions.builder().logitRows());
        MoelabInputException outside = assertThrows(
                MoelabInputException.class,
                () -> model.forward(
                        batch,
                        ForwardOptions.builder()
                                .logitRows(1, batch.totalTokens())
                                .build()));
        assertTrue(
                outside.getMessage().contains("outside the batch's " + batch.totalTokens() + " tokens"),
                outside.getMessage());
    }
}
