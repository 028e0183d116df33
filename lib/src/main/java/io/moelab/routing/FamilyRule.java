package io.moelab.routing;

import io.moelab.moe.ModelFamily;
import io.moelab.moe.MoeConfig;

/**
 * How a family turns router probabilities into gates, as transformers implements it: the k most
 * probable experts (ties to the lower index), gates their probabilities, renormalised to sum 1
 * when the family says so. Shared by every policy whose gates "follow the family's rule".
 */
public final class FamilyRule {
    private FamilyRule() {}

    /**
     * Whether the family renormalises the gates of {@code selected} experts: {@code norm_topk_prob}
     * (Mixtral always), and for DeepSeek-MoE v1 only when more than one expert is selected.
     */
    public static boolean renormalises(MoeConfig config, int selected) {
        return config.routing().normTopkProb() && !(config.family() == ModelFamily.DEEPSEEK && selected == 1);
    }

    /** The k most probable experts of every token, gated by the family's rule. */
    public static RoutingDecision topK(float[] probabilities, int tokens, int k, MoeConfig config) {
        int numExperts = config.experts().numExperts();
        boolean renormalise = renormalises(config, k);
        int[] starts = new int[tokens + 1];
        int[] experts = new int[tokens * k];
        float[] gates = new float[tokens * k];
        for (int t = 0; t < tokens; t++) {
            starts[t + 1] = (t + 1) * k;
            TopK.select(probabilities, t * numExperts, numExperts, k, experts, t * k);
            gate(probabilities, t * numExperts, experts, t * k, k, renormalise, gates);
        }
        return new RoutingDecision(numExperts, starts, experts, gates, probabilities);
    }

    /**
     * Writes into {@code gates[from..from+count)} the probabilities of {@code experts[from..from+count)}
     * read from the row starting at {@code row}, divided by their sum when {@code renormalise}.
     * The sum runs in slot order in float32, as torch sums the top-k weights.
     */
    public static void gate(
            float[] probabilities, int row, int[] experts, int from, int count, boolean renormalise, float[] gates) {
        float sum = 0;
        for (int s = from; s < from + count; s++) {
            gates[s] = probabilities[row + experts[s]];
            sum += gates[s];
        }
        if (renormalise) {
            for (int s = from; s < from + count; s++) {
                gates[s] /= sum;
            }
        }
    }
}
