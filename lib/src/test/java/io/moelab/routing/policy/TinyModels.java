package io.moelab.routing.policy;

import io.moelab.model.ForwardOptions;
import io.moelab.model.ForwardResult;
import io.moelab.model.KvCache;
import io.moelab.model.MoeModel;
import io.moelab.moe.MoeConfig;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.RoutingContext;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.RoutingPolicy;
import io.moelab.routing.RoutingRecorder;
import java.util.HashMap;
import java.util.Map;

/** Small configs of two families (one renormalising its top-k gates, one not), random models, and routing helpers. */
final class TinyModels {
    /** Mixtral always renormalises; 3 layers, 6 experts, top-2. */
    static final MoeConfig MIXTRAL = MoeConfig.fromJson("""
            {"model_type": "mixtral", "vocab_size": 64, "hidden_size": 32, "num_hidden_layers": 3,
             "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 48,
             "num_local_experts": 6, "num_experts_per_tok": 2, "rms_norm_eps": 1e-5}""", "tiny mixtral config.json");

    /** Qwen2-MoE without norm_topk_prob; layer 1 is dense, so MoE layers are 0 and 2. */
    static final MoeConfig QWEN2_MOE = MoeConfig.fromJson("""
            {"model_type": "qwen2_moe", "vocab_size": 64, "hidden_size": 32, "num_hidden_layers": 3,
             "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 48,
             "moe_intermediate_size": 16, "shared_expert_intermediate_size": 24, "num_experts": 6,
             "num_experts_per_tok": 2, "norm_topk_prob": false, "mlp_only_layers": [1]}""", "tiny qwen2_moe config.json");

    /** DeepSeek-MoE v1 with norm_topk_prob: renormalises only when more than one expert is selected. */
    static final MoeConfig DEEPSEEK = MoeConfig.fromJson("""
            {"model_type": "deepseek", "vocab_size": 64, "hidden_size": 32, "num_hidden_layers": 2,
             "num_attention_heads": 4, "intermediate_size": 48, "moe_intermediate_size": 16, "n_routed_experts": 6,
             "n_shared_experts": 1, "num_experts_per_tok": 2, "norm_topk_prob": true, "first_k_dense_replace": 1}""", "tiny deepseek config.json");

    /** Mixtral routing each token to three experts. */
    static final MoeConfig MIXTRAL_TOP3 = MoeConfig.fromJson("""
            {"model_type": "mixtral", "vocab_size": 64, "hidden_size": 32, "num_hidden_layers": 1,
             "num_attention_heads": 4, "intermediate_size": 48, "num_local_experts": 6, "num_experts_per_tok": 3}""", "tiny top-3 mixtral config.json");

    private static final Map<MoeConfig, MoeModel> MODELS = new HashMap<>();

    private TinyModels() {}

    static synchronized MoeModel model(MoeConfig config) {
        return MODELS.computeIfAbsent(config, c -> MoeModel.randomlyInitialised(c, 17));
    }

    /** Routes one token's logits in {@code layer} through {@code policy}. */
    static RoutingDecision routeOne(RoutingPolicy policy, MoeConfig config, int layer, float... logits) {
        return policy.route(layer, logits, 1, config, RoutingContext.of(TokenBatch.of(new int[] {5})));
    }

    /** A policy from its spec, checked against {@code config}. */
    static RoutingPolicy policy(String spec, MoeConfig config) {
        EvalPolicy.Routed routed = (EvalPolicy.Routed) PolicySpecs.parse(spec);
        routed.validateFor(config);
        return routed.policy();
    }

    /** A forward pass with {@code policy}, recording every MoE layer's routing. */
    static ForwardResult forward(
            MoeModel model, TokenBatch batch, RoutingPolicy policy, RoutingRecorder recorder, KvCache cache) {
        ForwardOptions.Builder options =
                ForwardOptions.builder().routing(policy).observe(recorder);
        if (cache != null) {
            options.kvCache(cache);
        }
        return model.forward(batch, options.build());
    }

    /** Softmax in double, the hand computation tests compare with. */
    static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float z : logits) {
            max = Math.max(max, z);
        }
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** Logits whose softmax is {@code probabilities} (which must sum to 1). */
    static float[] logitsOf(double... probabilities) {
        float[] logits = new float[probabilities.length];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = probabilities[i] == 0 ? Float.NEGATIVE_INFINITY : (float) Math.log(probabilities[i]);
        }
        return logits;
    }

    static int[] experts(RoutingDecision decision, int token) {
        int[] out = new int[decision.count(token)];
        for (int s = 0; s < out.length; s++) {
            out[s] = decision.expert(token, s);
        }
        return out;
    }

    static float[] gates(RoutingDecision decision, int token) {
        float[] out = new float[decision.count(token)];
        for (int s = 0; s < out.length; s++) {
            out[s] = decision.gate(token, s);
        }
        return out;
    }
}
