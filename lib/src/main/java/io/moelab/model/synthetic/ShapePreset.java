package io.moelab.model.synthetic;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Real models whose widths a random checkpoint can take: each holds the model's published Hugging Face
 * {@code config.json}, field for field, so that a random checkpoint of it is that model in every size but its weights.
 */
public enum ShapePreset {
    /** 6.9 B parameters, 1.3 B active per token. */
    OLMOE_1B_7B("olmoe-1b-7b", "allenai/OLMoE-1B-7B-0924", """
            {
              "architectures": ["OlmoeForCausalLM"],
              "attention_bias": false,
              "attention_dropout": 0.0,
              "bos_token_id": null,
              "clip_qkv": null,
              "eos_token_id": 50279,
              "hidden_act": "silu",
              "hidden_size": 2048,
              "initializer_range": 0.02,
              "intermediate_size": 1024,
              "max_position_embeddings": 4096,
              "model_type": "olmoe",
              "norm_topk_prob": false,
              "num_attention_heads": 16,
              "num_experts": 64,
              "num_experts_per_tok": 8,
              "num_hidden_layers": 16,
              "num_key_value_heads": 16,
              "output_router_logits": false,
              "pad_token_id": 1,
              "rms_norm_eps": 1e-05,
              "rope_scaling": null,
              "rope_theta": 10000.0,
              "router_aux_loss_coef": 0.01,
              "tie_word_embeddings": false,
              "torch_dtype": "bfloat16",
              "transformers_version": "4.43.0.dev0",
              "use_cache": true,
              "vocab_size": 50304
            }
            """),
    /** 14.3 B parameters, 2.7 B active per token; four of 60 routed experts plus a gated shared one. */
    QWEN1_5_MOE_A2_7B("qwen1.5-moe-a2.7b", "Qwen/Qwen1.5-MoE-A2.7B", """
            {
              "architectures": ["Qwen2MoeForCausalLM"],
              "attention_dropout": 0.0,
              "bos_token_id": 151643,
              "decoder_sparse_step": 1,
              "eos_token_id": 151643,
              "hidden_act": "silu",
              "hidden_size": 2048,
              "initializer_range": 0.02,
              "intermediate_size": 5632,
              "max_position_embeddings": 8192,
              "max_window_layers": 21,
              "model_type": "qwen2_moe",
              "moe_intermediate_size": 1408,
              "norm_topk_prob": false,
              "num_attention_heads": 16,
              "num_experts": 60,
              "num_experts_per_tok": 4,
              "num_hidden_layers": 24,
              "num_key_value_heads": 16,
              "output_router_logits": false,
              "rms_norm_eps": 1e-06,
              "rope_theta": 1000000.0,
              "router_aux_loss_coef": 0.001,
              "shared_expert_intermediate_size": 5632,
              "sliding_window": 32768,
              "tie_word_embeddings": false,
              "torch_dtype": "bfloat16",
              "transformers_version": "4.40.0.dev0",
              "use_cache": true,
              "use_sliding_window": false,
              "vocab_size": 151936
            }
            """),
    /** 46.7 B parameters, 12.9 B active per token. */
    MIXTRAL_8X7B("mixtral-8x7b", "mistralai/Mixtral-8x7B-v0.1", """
            {
              "architectures": ["MixtralForCausalLM"],
              "attention_dropout": 0.0,
              "bos_token_id": 1,
              "eos_token_id": 2,
              "hidden_act": "silu",
              "hidden_size": 4096,
              "initializer_range": 0.02,
              "intermediate_size": 14336,
              "max_position_embeddings": 32768,
              "model_type": "mixtral",
              "num_attention_heads": 32,
              "num_experts_per_tok": 2,
              "num_hidden_layers": 32,
              "num_key_value_heads": 8,
              "num_local_experts": 8,
              "output_router_logits": false,
              "rms_norm_eps": 1e-05,
              "rope_theta": 1000000.0,
              "router_aux_loss_coef": 0.02,
              "sliding_window": null,
              "tie_word_embeddings": false,
              "torch_dtype": "bfloat16",
              "transformers_version": "4.36.0.dev0",
              "use_cache": true,
              "vocab_size": 32000
            }
            """);

    private final String cliName;
    private final String huggingFaceId;
    private final String configJson;

    ShapePreset(String cliName, String huggingFaceId, String configJson) {
        this.cliName = cliName;
        this.huggingFaceId = huggingFaceId;
        this.configJson = configJson;
    }

    /** The name the command line takes, e.g. {@code olmoe-1b-7b}. */
    public String cliName() {
        return cliName;
    }

    /** The Hugging Face repository whose config.json this is. */
    public String huggingFaceId() {
        return huggingFaceId;
    }

    /** The model's config.json text. */
    public String configJson() {
        return configJson;
    }

    /** The preset of a command-line name; empty for any other name. */
    public static Optional<ShapePreset> fromCliName(String name) {
        return Arrays.stream(values())
                .filter(preset -> preset.cliName.equals(name))
                .findFirst();
    }

    /** Every command-line name, comma-separated, for messages. */
    public static String cliNames() {
        return Arrays.stream(values()).map(ShapePreset::cliName).collect(Collectors.joining(", "));
    }
}
