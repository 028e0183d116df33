package io.moelab.routing.policy;

import io.moelab.moe.MoeConfig;
import io.moelab.routing.ExpertSelection;
import io.moelab.routing.FamilyRule;
import io.moelab.routing.RoutingContext;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.Softmax;
import io.moelab.routing.TopK;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code random:k=K,seed=S}: K experts drawn uniformly without replacement, the stochastic-experts
 * baseline of THOR (Zuo et al. 2022, "Taming Sparsely Activated Transformer with Stochastic
 * Experts"). Gates: the chosen experts' router probabilities, renormalised when the family
 * renormalises ({@link FamilyRule}), so only the choice differs from native routing. Experts a
 * mask switched off (logit −∞) are never drawn.
 *
 * <p>The draw for a token is a function of (seed, layer, the token's prefix key) only, so it is
 * the same in any batch, partition or KV-cache use, and reproducible per seed.
 */
public final class RandomRouting implements ExpertSelection {
    static final PolicyKind KIND = new PolicyKind.Selector("random", "random:k=K,seed=S", RandomRouting::parse);
    private static final long serialVersionUID = 1L;
    private final int k;
    private final long seed;

    public RandomRouting(int k, long seed) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, was " + k);
        }
        this.k = k;
        this.seed = seed;
    }

    /** The body {@code k=K,seed=S}; errors quote {@code spec}. */
    static RandomRouting parse(String spec, String body) {
        Map<String, String> params = SpecSyntax.parameters(spec, body, List.of("k", "seed"), List.of());
        return new RandomRouting(
                SpecSyntax.integer(spec, "k", params.get("k"), 1),
                SpecSyntax.longInteger(spec, "seed", params.get("seed")));
    }

    @Override
    public RoutingDecision route(
            int layer, float[] routerLogits, int tokens, MoeConfig config, RoutingContext context) {
        int numExperts = config.experts().numExperts();
        float[] probs = Softmax.rows(routerLogits, tokens, numExperts);
        boolean renormalise = FamilyRule.renormalises(config, k);
        int[] starts = new int[tokens + 1];
        int[] experts = new int[tokens * k];
        float[] gates = new float[tokens * k];
        int[] candidates = new int[numExperts];
        for (int t = 0; t < tokens; t++) {
            int allowed = 0;
            for (int e = 0; e < numExperts; e++) {
                if (routerLogits[t * numExperts + e] != Float.NEGATIVE_INFINITY) {
                    candidates[allowed++] = e;
                }
            }
            SplittableRandom random = new SplittableRandom(streamSeed(layer, context.tokenKey(t)));
            // Partial Fisher–Yates: the first k candidates become a uniform sample without replacement.
            for (int s = 0; s < k; s++) {
                int j = s + random.nextInt(allowed - s);
                int swap = candidates[s];
                candidates[s] = candidates[j];
                candidates[j] = swap;
            }
            System.arraycopy(candidates, 0, experts, t * k, k);
            // Slots in descending probability, as every decision lists them.
            TopK.sortDescending(probs, t * numExperts, experts, t * k, k);
            FamilyRule.gate(probs, t * numExperts, experts, t * k, k, renormalise, gates);
            starts[t + 1] = (t + 1) * k;
        }
        return new RoutingDecision(numExperts, starts, experts, gates, probs);
    }

    private long streamSeed(int layer, long tokenKey) {
        return mix(mix(mix(seed) ^ layer) ^ tokenKey);
    }

    /** SplitMix64's step: decorrelates the three inputs before they seed a stream. */
    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public int expertsNeeded(MoeConfig config) {
        return k;
    }

    @Override
    public boolean gatesByFamilyRule() {
        return true;
    }

    @Override
    public void validateFor(MoeConfig config) {
        SpecSyntax.requireAtMostExperts(spec(), "k", k, config);
    }

    @Override
    public String spec() {
        return "random:k=" + k + ",seed=" + seed;
    }
}
