package io.moelab.model.synthetic;

import io.moelab.model.TinyCheckpoints;

/** A small config.json of every family, with every quirk its layout has (biases, q/k norms, shared experts, dense layers). */
final class TinyConfigs {
    static final String MIXTRAL = """
            {"model_type": "mixtral", "vocab_size": 64, "hidden_size": 32, "num_hidden_layers": 3,
             "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 48,
             "num_local_experts": 4, "num_experts_per_tok": 2, "rms_norm_eps": 1e-5, "rope_theta": 1000000.0}""";

    static final String QWEN2_MOE = """
            {"model_type": "qwen2_moe", "vocab_size": 64, "hidden_size": 32, "num_hidden_layers": 3,
             "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 40,
             "moe_intermediate_size": 24, "shared_expert_intermediate_size": 40, "num_experts": 6,
             "num_experts_per_tok": 2, "norm_topk_prob": false, "mlp_only_layers": [1], "use_sliding_window": false}""";

    static final String QWEN3_MOE = """
            {"model_type": "qwen3_moe", "vocab_size": 64, "hidden_size": 32, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16, "intermediate_size": 40,
             "moe_intermediate_size": 24, "num_experts": 6, "num_experts_per_tok": 2, "norm_topk_prob": true,
             "tie_word_embeddings": true}""";

    static final String OLMOE = TinyCheckpoints.OLMOE;

    static final String DEEPSEEK = TinyCheckpoints.DEEPSEEK;

    static final String[] ALL = {MIXTRAL, QWEN2_MOE, QWEN3_MOE, OLMOE, DEEPSEEK};

    private TinyConfigs() {}
}
