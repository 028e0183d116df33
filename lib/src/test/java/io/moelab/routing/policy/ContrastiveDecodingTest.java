package io.moelab.routing.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** SCMoE's score {@code (1+β)·z_s − β·z_w} on the plausible tokens ({@code p_s ≥ α·max p_s}), −∞ elsewhere. */
class ContrastiveDecodingTest {
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    @Test
    void scoresBeforeHandOnASmallVector() {
        // Strong probabilities ∝ e^z: relative to the max (z = 3), e^-1 = 0.37, e^-2 = 0.14, e^-2.5 = 0.08, e^-4 =
        // 0.02.
        float[] strong = {3f, 2f, 1f, 0.5f, -1f};
        float[] weak = {2.5f, 2.5f, -1f, 0f, 4f};
        float[] scores = ContrastiveDecoding.scores(strong, weak, 0.1, 0.5);
        // α = 0.1 keeps the first three (0.37, 0.14 ≥ 0.1) and drops 0.08 and 0.02.
        assertArrayEquals(
                new float[] {1.5f * 3 - 0.5f * 2.5f, 1.5f * 2 - 0.5f * 2.5f, 1.5f * 1 + 0.5f, NEG_INF, NEG_INF},
                scores,
                1e-6f);
        assertEquals(0, ContrastiveDecoding.argmax(scores));
        // A stronger contrast lets the weak model's disagreement decide: 4·1 + 3 = 7 beats 4·3 − 3·2.5 = 4.5.
        float[] contrasted = ContrastiveDecoding.scores(strong, weak, 0.1, 3);
        assertEquals(2, ContrastiveDecoding.argmax(contrasted));
    }

    @Test
    void alphaOneKeepsOnlyTheStrongMaximumAndZeroKeepsAll() {
        float[] strong = {1f, 4f, 4f, 2f};
        float[] weak = {0f, 1f, 0f, 9f};
        assertArrayEquals(
                new float[] {NEG_INF, 5.5f, 6f, NEG_INF}, ContrastiveDecoding.scores(strong, weak, 1, 0.5), 1e-6f);
        assertArrayEquals(new float[] {1.5f, 5.5f, 6f, -1.5f}, ContrastiveDecoding.scores(strong, weak, 0, 0.5), 1e-6f);
    }

    @Test
    void betaZeroPicksTheStrongArgmax() {
        java.util.Random random = new java.util.Random(3);
        for (int trial = 0; trial < 50; trial++) {
            float[] strong = new float[40];
            float[] weak = new float[40];
            for (int i = 0; i < 40; i++) {
                strong[i] = (float) random.nextGaussian() * 3;
                weak[i] = (float) random.nextGaussian() * 3;
            }
            assertEquals(
                    ContrastiveDecoding.argmax(strong),
                    ContrastiveDecoding.argmax(ContrastiveDecoding.scores(strong, weak, 0.1, 0)));
        }
    }

    @Test
    void tiesGoToTheLowestId() {
        assertEquals(1, ContrastiveDecoding.argmax(new float[] {NEG_INF, 2f, 0f, 2f}));
    }
}
