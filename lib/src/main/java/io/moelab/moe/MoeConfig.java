package io.moelab.moe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moelab.MoelabInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * A decoder-only MoE architecture, parsed from a Hugging Face {@code config.json}. One record
 * covers the five families; each family's quirks become plain fields of the concern they belong
 * to (attention, experts, routing rule, layer plan), so that the forward pass never switches on
 * the family name.
 *
 * @param tieWordEmbeddings the LM head reuses the embedding matrix
 * @param torchDtype        the stored dtype as config.json names it
 */
public record MoeConfig(
        ModelFamily family,
        int vocabSize,
        int hiddenSize,
        double rmsNormEps,
        boolean tieWordEmbeddings,
        int bosTokenId,
        int eosTokenId,
        String torchDtype,
        AttentionShape attention,
        ExpertShape experts,
        RoutingRule routing,
        LayerPlan layers) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static MoeConfig load(Path configJson) {
        if (!Files.isRegularFile(configJson)) {
            throw new MoelabInputException(
                    configJson + ": no such file (a Hugging Face model directory needs config.json)");
        }
        try {
            return fromJson(Files.readString(configJson), configJson.toString());
        } catch (IOException e) {
            throw new MoelabInputException(configJson + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses config.json text; {@code source} names it in error messages. */
    public static MoeConfig fromJson(String json, String source) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !root.isObject()) {
                throw new MoelabInputException(source + ": expected a JSON object");
            }
            return parse(root, source);
        } catch (IOException e) {
            throw new MoelabInputException(source + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    static MoeConfig parse(JsonNode root, String source) {
        Fields f = new Fields(root, source);
        ModelFamily family = ModelFamily.fromModelType(f.requiredText("model_type"), source);
        f.family = family.modelType();
        f.rejectUnsupported();

        int hidden = f.requiredInt("hidden_size");
        int layers = f.requiredInt("num_hidden_layers");
        int heads = f.requiredInt("num_attention_heads");
        int kvHeads = f.optionalInt("num_key_value_heads", heads);
        int headDim = f.optionalInt("head_dim", hidden / heads);
        if (heads % kvHeads != 0) {
            throw f.error("num_attention_heads", heads + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        boolean[] moeLayers = new boolean[layers];
        int experts;
        int topK = f.requiredInt("num_experts_per_tok");
        int expertInter;
        int denseInter = 0;
        int sharedInter = 0;
        boolean sharedGated = false;
        boolean normTopk;
        boolean bias = f.optionalBool("attention_bias", false);
        boolean outputBias = bias;
        QkNorm qkNorm = QkNorm.NONE;
        int slidingWindow = 0;
        double clipQkv = 0;
        switch (family) {
            case MIXTRAL -> {
                experts = f.requiredInt("num_local_experts");
                expertInter = f.requiredInt("intermediate_size");
                normTopk = true;
                slidingWindow = f.optionalInt("sliding_window", 0);
                java.util.Arrays.fill(moeLayers, true);
            }
            case QWEN2_MOE, QWEN3_MOE -> {
                experts = f.requiredInt("num_experts");
                expertInter = f.requiredInt("moe_intermediate_size");
                denseInter = f.requiredInt("intermediate_size");
                normTopk = f.optionalBool("norm_topk_prob", false);
                if (f.optionalBool("use_sliding_window", false)) {
                    throw f.error("use_sliding_window", "true is not supported (Qwen's per-layer window schedule)");
                }
                int step = f.optionalInt("decoder_sparse_step", 1);
                Set<Integer> mlpOnly = f.intSet("mlp_only_layers");
                for (int l = 0; l < layers; l++) {
                    moeLayers[l] = !mlpOnly.contains(l) && experts > 0 && (l + 1) % step == 0;
                }
                if (family == ModelFamily.QWEN2_MOE) {
                    bias = true; // Qwen2-MoE's q/k/v projections always carry biases, o_proj never
                    outputBias = false;
                    sharedInter = f.optionalInt("shared_expert_intermediate_size", 0);
                    sharedGated = sharedInter > 0;
                } else {
                    qkNorm = QkNorm.PER_HEAD;
                }
            }
            case OLMOE -> {
                experts = f.requiredInt("num_experts");
                expertInter = f.requiredInt("intermediate_size");
                normTopk = f.optionalBool("norm_topk_prob", false);
                qkNorm = QkNorm.WHOLE_PROJECTION;
                clipQkv = f.optionalDouble("clip_qkv", 0);
                java.util.Arrays.fill(moeLayers, true);
            }
            case DEEPSEEK -> {
                experts = f.requiredInt("n_routed_experts");
                expertInter = f.requiredInt("moe_intermediate_size");
                denseInter = f.requiredInt("intermediate_size");
                sharedInter = f.optionalInt("n_shared_experts", 0) * expertInter;
                // Kept as configured even when top_k is 1: DeepSeek-MoE v1 renormalises whenever more
                // than one expert is selected, which a top-k override can make so (FamilyRule.renormalises).
                normTopk = f.optionalBool("norm_topk_prob", false);
                String scoring = f.optionalText("scoring_func", "softmax");
                if (!scoring.equals("softmax")) {
                    throw f.error("scoring_func", "'" + scoring + "' is not supported (DeepSeek-MoE v1 uses softmax)");
                }
                int firstDense = f.optionalInt("first_k_dense_replace", 0);
                int freq = f.optionalInt("moe_layer_freq", 1);
                for (int l = 0; l < layers; l++) {
                    moeLayers[l] = l >= firstDense && l % freq == 0;
                }
            }
            default -> throw new IllegalStateException(family.toString());
        }
        if (topK < 1 || topK > experts) {
            throw f.error("num_experts_per_tok", topK + " must be between 1 and the expert count " + experts);
        }
        AttentionShape attention = new AttentionShape(
                heads,
                kvHeads,
                headDim,
                f.optionalDouble("rope_theta", 10000.0),
                f.optionalInt("max_position_embeddings", 4096),
                slidingWindow,
                bias,
                outputBias,
                qkNorm,
                clipQkv);
        ExpertMap expertMap = root.hasNonNull(ExpertMap.CONFIG_FIELD)
                ? ExpertMap.parse(root.get(ExpertMap.CONFIG_FIELD), moeLayers, experts, topK, source)
                : new ExpertMap(java.util.Map.of());
        return new MoeConfig(
                family,
                f.requiredInt("vocab_size"),
                hidden,
                f.optionalDouble("rms_norm_eps", 1e-6),
                f.optionalBool("tie_word_embeddings", false),
                f.optionalInt("bos_token_id", -1),
                f.optionalInt("eos_token_id", -1),
                f.optionalText("torch_dtype", "float32"),
                attention,
                new ExpertShape(experts, expertInter, sharedInter, sharedGated, expertMap),
                new RoutingRule(topK, normTopk),
                LayerPlan.of(moeLayers, denseInter));
    }

    /** Parameters in total and used per token (embedding and LM head counted once each). */
    public ParameterCount parameterCount() {
        long hidden = hiddenSize;
        long attentionBlock = attention.parameters(hiddenSize);
        long total = (long) vocabSize * hidden * (tieWordEmbeddings ? 1 : 2) + hidden;
        long active = total;
        for (int l = 0; l < layers.numLayers(); l++) {
            long common = attentionBlock + 2 * hidden;
            total += common;
            active += common;
            if (layers.isMoeLayer(l)) {
                long expert = 3 * hidden * experts.expertIntermediate();
                long shared = 3 * hidden * experts.sharedIntermediate() + (experts.sharedExpertGated() ? hidden : 0);
                long router = hidden * experts.numExperts();
                total += router + expert * experts.numExperts() + shared;
                active += router + expert * routing.topK() + shared;
            } else {
                long dense = 3 * hidden * layers.denseIntermediate();
                total += dense;
                active += dense;
            }
        }
        return new ParameterCount(total, active);
    }

    /** Number of parameters, in total and active for one token under native routing. */
    public record ParameterCount(long total, long activePerToken) {}

    /** Reads config.json fields with errors that name the file, the field and what was expected. */
    private static final class Fields {
        private final JsonNode root;
        private final String source;
        private String family = "?";

        Fields(JsonNode root, String source) {
            this.root = root;
            this.source = source;
        }

        MoelabInputException error(String field, String what) {
            return new MoelabInputException(source + ": field '" + field + "': " + what);
        }

        void rejectUnsupported() {
            JsonNode scaling = root.get("rope_scaling");
            if (scaling != null && !scaling.isNull()) {
                throw error("rope_scaling", scaling + " is not supported (only plain RoPE)");
            }
            String act = optionalText("hidden_act", "silu");
            if (!act.equals("silu")) {
                throw error("hidden_act", "'" + act + "' is not supported (SwiGLU experts need silu)");
            }
        }

        JsonNode required(String field) {
            JsonNode n = root.get(field);
            if (n == null || n.isNull()) {
                throw error(field, "missing (required for model_type " + family + ")");
            }
            return n;
        }

        String requiredText(String field) {
            JsonNode n = required(field);
            if (!n.isTextual()) {
                throw error(field, "expected a string, found " + n);
            }
            return n.asText();
        }

        int requiredInt(String field) {
            JsonNode n = required(field);
            if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 0) {
                throw error(field, "expected a non-negative integer, found " + n);
            }
            return n.asInt();
        }

        int optionalInt(String field, int fallback) {
            JsonNode n = root.get(field);
            return n == null || n.isNull() ? fallback : requiredInt(field);
        }

        double optionalDouble(String field, double fallback) {
            JsonNode n = root.get(field);
            if (n == null || n.isNull()) {
                return fallback;
            }
            if (!n.isNumber()) {
                throw error(field, "expected a number, found " + n);
            }
            return n.asDouble();
        }

        boolean optionalBool(String field, boolean fallback) {
            JsonNode n = root.get(field);
            if (n == null || n.isNull()) {
                return fallback;
            }
            if (!n.isBoolean()) {
                throw error(field, "expected true or false, found " + n);
            }
            return n.asBoolean();
        }

        String optionalText(String field, String fallback) {
            JsonNode n = root.get(field);
            return n == null || n.isNull() ? fallback : requiredText(field);
        }

        Set<Integer> intSet(String field) {
            Set<Integer> out = new HashSet<>();
            JsonNode n = root.get(field);
            if (n == null || n.isNull()) {
                return out;
            }
            if (!n.isArray()) {
                throw error(field, "expected a list of layer indices, found " + n);
            }
            n.forEach(v -> out.add(v.asInt()));
            return out;
        }
    }
}
