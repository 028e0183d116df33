package io.moelab.compress;

import io.moelab.moe.MoeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small configs and seeded random layers for compression-method tests. */
public final class RandomLayers {
    private RandomLayers() {}

    /** A one-layer Mixtral (renormalised top-k gates) with {@code experts} experts of width {@code hidden}. */
    public static MoeConfig mixtral(int experts, int topK, int hidden) {
        return MoeConfig.fromJson("""
                {"model_type": "mixtral", "vocab_size": 16, "hidden_size": %d, "num_hidden_layers": 1,
                 "num_attention_heads": 1, "intermediate_size": 4, "num_local_experts": %d,
                 "num_experts_per_tok": %d}""".formatted(hidden, experts, topK), "test mixtral config.json");
    }

    public static float[] gaussians(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    public static ExpertWeights randomExpert(Random random, int hidden, int intermediate) {
        int size = hidden * intermediate;
        return new ExpertWeights(
                hidden, intermediate, gaussians(random, size), gaussians(random, size), gaussians(random, size));
    }

    public static MoeLayerWeights randomLayer(Random random, int experts, int hidden, int intermediate) {
        List<ExpertWeights> list = new ArrayList<>();
        for (int e = 0; e < experts; e++) {
            list.add(randomExpert(random, hidden, intermediate));
        }
        return new MoeLayerWeights(0, hidden, gaussians(random, experts * hidden), list);
    }

    /** {@code selections} with Gaussian inputs [tokens × hidden]. */
    public static LayerCalibration randomCalibration(Random random, long[] selections, int tokens, int hidden) {
        return new LayerCalibration(selections, gaussians(random, tokens * hidden), tokens, hidden);
    }
}
