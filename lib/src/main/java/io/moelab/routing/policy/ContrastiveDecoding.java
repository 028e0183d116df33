package io.moelab.routing.policy;

/**
 * SCMoE's self-contrast (Shi et al. 2024, "Unchosen Experts Can Contribute Too: Unleashing MoE
 * Models' Power by Self-Contrast"): the same model runs with a strong routing policy and a weak
 * one, and the next token is chosen by {@code (1+β)·z_strong − β·z_weak} over the tokens whose
 * strong probability is at least α times the strong maximum; the others score −∞. On logits,
 * {@code p_s ≥ α·max p_s} is {@code z_s ≥ max z_s + ln α}, so no softmax is needed.
 */
public final class ContrastiveDecoding {
    private ContrastiveDecoding() {}

    /**
     * @param strongLogits next-token logits under the strong policy [vocab]
     * @param weakLogits   next-token logits under the weak policy [vocab]
     * @param alpha        plausibility cut-off in [0, 1] (0 keeps every token)
     * @param beta         contrast strength ≥ 0 (0 gives the strong logits on the kept tokens)
     */
    public static float[] scores(float[] strongLogits, float[] weakLogits, double alpha, double beta) {
        if (strongLogits.length != weakLogits.length) {
            throw new IllegalArgumentException(
                    "strong logits have " + strongLogits.length + " entries, weak " + weakLogits.length);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float z : strongLogits) {
            max = Math.max(max, z);
        }
        double cutoff = max + Math.log(alpha);
        float[] scores = new float[strongLogits.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = strongLogits[i] >= cutoff
                    ? (float) ((1 + beta) * strongLogits[i] - beta * weakLogits[i])
                    : Float.NEGATIVE_INFINITY;
        }
        return scores;
    }

    /** The index of the highest score; ties go to the lowest index. */
    public static int argmax(float[] scores) {
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        return best;
    }
}
