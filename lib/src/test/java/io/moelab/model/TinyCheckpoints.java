package io.moelab.model;

import io.moelab.model.checkpoint.DType;
import io.moelab.model.checkpoint.SafetensorsWriter;
import io.moelab.moe.ModelFamily;
import io.moelab.moe.MoeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Small random Hugging Face checkpoints for the families without a transformers fixture. Tensor
 * names are spelled out here per family as the transformers modeling files name them (not taken
 * from {@link ModelFamily}), so a wrong name in the runtime fails to load. Weights are large
 * enough to matter: matrices ~N(0, 0.3²), norm weights 1 ± 0.2, non-zero biases, and router rows
 * ~N(0, 1) so that top-k choices have clear margins.
 */
public final class TinyCheckpoints {
    static final String QWEN3_MOE = """
            {"model_type": "qwen3_moe", "vocab_size": 64, "hidden_size": 48, "num_hidden_layers": 3,
             "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16,
             "intermediate_size": 80, "moe_intermediate_size": 32, "num_experts": 6, "num_experts_per_tok": 2,
             "norm_topk_prob": true, "mlp_only_layers": [1], "decoder_sparse_step": 1,
             "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "max_position_embeddings": 64}""";

    public static final String OLMOE = """
            {"model_type": "olmoe", "vocab_size": 64, "hidden_size": 48, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 32,
             "num_experts": 6, "num_experts_per_tok": 2, "norm_topk_prob": false, "clip_qkv": null,
             "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "max_position_embeddings": 64}""";

    /** OLMoE with q, k and v clamped to ±1 after the q/k norm (tight enough to clip many values). */
    static final String OLMOE_CLIPPED = OLMOE.replace("\"clip_qkv\": null", "\"clip_qkv\": 1.0");

    public static final String DEEPSEEK = """
            {"model_type": "deepseek", "vocab_size": 64, "hidden_size": 48, "num_hidden_layers": 3,
             "num_attention_heads": 4, "num_key_value_heads": 4, "attention_bias": true,
             "intermediate_size": 80, "moe_intermediate_size": 24, "n_routed_experts": 6, "n_shared_experts": 2,
             "num_experts_per_tok": 2, "first_k_dense_replace": 1, "moe_layer_freq": 1, "norm_topk_prob": true,
             "scoring_func": "softmax", "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "max_position_embeddings": 64}""";

    /** top_k 1 with norm_topk_prob: DeepSeek keeps the single gate's probability instead of renormalising to 1. */
    static final String DEEPSEEK_TOP1 = DEEPSEEK.replace("\"num_experts_per_tok\": 2", "\"num_experts_per_tok\": 1");

    static final String DEEPSEEK_UNNORMALISED =
            DEEPSEEK.replace("\"norm_topk_prob\": true", "\"norm_topk_prob\": false");

    /**
     * DeepSeek has no shared-expert gate; each DeepSeek checkpoint carries a decoy tensor under
     * Qwen2-MoE's gate name, which the runtime must ignore and the gated counter-example reads.
     */
    static final String DECOY_SHARED_GATE = "mlp.shared_expert_gate.weight";

    private TinyCheckpoints() {}

    /** Writes {@code config.json} and {@code model.safetensors} into {@code dir}; returns {@code dir}. */
    static Path write(Path dir, String configJson, long seed) {
        MoeConfig config = MoeConfig.fromJson(configJson, "tiny config.json");
        Random random = new Random(seed);
        SafetensorsWriter writer = new SafetensorsWriter(Map.of("format", "pt"));
        int hidden = config.hiddenSize();
        int qWidth = config.attention().numHeads() * config.attention().headDim();
        int kvWidth = config.attention().numKvHeads() * config.attention().headDim();
        matrix(writer, random, "model.embed_tokens.weight", config.vocabSize(), hidden);
        for (int l = 0; l < config.layers().numLayers(); l++) {
            String p = "model.layers." + l + ".";
            norm(writer, random, p + "input_layernorm.weight", hidden);
            norm(writer, random, p + "post_attention_layernorm.weight", hidden);
            matrix(writer, random, p + "self_attn.q_proj.weight", qWidth, hidden);
            matrix(writer, random, p + "self_attn.k_proj.weight", kvWidth, hidden);
            matrix(writer, random, p + "self_attn.v_proj.weight", kvWidth, hidden);
            matrix(writer, random, p + "self_attn.o_proj.weight", hidden, qWidth);
            if (config.attention().attentionBias()) {
                bias(writer, random, p + "self_attn.q_proj.bias", qWidth);
                bias(writer, random, p + "self_attn.k_proj.bias", kvWidth);
                bias(writer, random, p + "self_attn.v_proj.bias", kvWidth);
            }
            if (config.attention().outputBias()) { // Llama-style attention_bias also gives o_proj a bias
                bias(writer, random, p + "self_attn.o_proj.bias", hidden);
            }
            switch (config.family()) {
                case QWEN3_MOE -> { // one weight of head_dim, shared by every head
                    norm(
                            writer,
                            random,
                            p + "self_attn.q_norm.weight",
                            config.attention().headDim());
                    norm(
                            writer,
                            random,
                            p + "self_attn.k_norm.weight",
                            config.attention().headDim());
                }
                case OLMOE -> { // one weight over the whole projection output
                    norm(writer, random, p + "self_attn.q_norm.weight", qWidth);
                    norm(writer, random, p + "self_attn.k_norm.weight", kvWidth);
                }
                default -> {}
            }
            if (!config.layers().isMoeLayer(l)) {
                swiGlu(writer, random, p + "mlp.", hidden, config.layers().denseIntermediate());
                continue;
            }
            router(writer, random, p + "mlp.gate.weight", config.experts().numExperts(), hidden);
            for (int e = 0; e < config.experts().numExperts(); e++) {
                swiGlu(
                        writer,
                        random,
                        p + "mlp.experts." + e + ".",
                        hidden,
                        config.experts().expertIntermediate());
            }
            if (config.family() == ModelFamily.DEEPSEEK) {
                swiGlu(
                        writer,
                        random,
                        p + "mlp.shared_experts.",
                        hidden,
                        config.experts().sharedIntermediate());
                matrix(writer, random, p + DECOY_SHARED_GATE, 1, hidden);
            }
        }
        norm(writer, random, "model.norm.weight", hidden);
        matrix(writer, random, "lm_head.weight", config.vocabSize(), hidden);
        try {
            Files.writeString(dir.resolve("config.json"), configJson);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writer.write(dir.resolve("model.safetensors"));
        return dir;
    }

    /** A seeded input sequence of {@code length} ids below {@code vocab}. */
    static int[] inputIds(int length, int vocab, long seed) {
        return new Random(seed).ints(length, 0, vocab).toArray();
    }

    private static void swiGlu(SafetensorsWriter writer, Random random, String prefix, int hidden, int intermediate) {
        matrix(writer, random, prefix + "gate_proj.weight", intermediate, hidden);
        matrix(writer, random, prefix + "up_proj.weight", intermediate, hidden);
        matrix(writer, random, prefix + "down_proj.weight", hidden, intermediate);
    }

    private static void matrix(SafetensorsWriter writer, Random random, String name, int rows, int cols) {
        writer.add(name, DType.F32, new long[] {rows, cols}, gaussian(random, rows * cols, 0.3));
    }

    private static void router(SafetensorsWriter writer, Random random, String name, int experts, int hidden) {
        writer.add(name, DType.F32, new long[] {experts, hidden}, gaussian(random, experts * hidden, 1.0));
    }

    private static void bias(SafetensorsWriter writer, Random random, String name, int width) {
        writer.add(name, DType.F32, new long[] {width}, gaussian(random, width, 0.3));
    }

    private static void norm(SafetensorsWriter writer, Random random, String name, int width) {
        float[] values = new float[width];
        for (int i = 0; i < width; i++) {
            values[i] = (float) (0.8 + 0.4 * random.nextDouble());
        }
        writer.add(name, DType.F32, new long[] {width}, values);
    }

    private static float[] gaussian(Random random, int count, double std) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (std * random.nextGaussian());
        }
        return values;
    }
}
