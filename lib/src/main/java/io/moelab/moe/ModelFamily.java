package io.moelab.moe;

import io.moelab.MoelabInputException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The Hugging Face MoE families moelab runs, keyed by {@code config.json}'s {@code model_type}.
 * Each knows the tensor names of its MoE block; everything else (attention, norms) shares the
 * Llama naming that all five use.
 */
public enum ModelFamily {
    MIXTRAL("mixtral", "block_sparse_moe", "experts.%d.w1", "experts.%d.w3", "experts.%d.w2", null),
    QWEN2_MOE(
            "qwen2_moe", "mlp", "experts.%d.gate_proj", "experts.%d.up_proj", "experts.%d.down_proj", "shared_expert"),
    QWEN3_MOE("qwen3_moe", "mlp", "experts.%d.gate_proj", "experts.%d.up_proj", "experts.%d.down_proj", null),
    OLMOE("olmoe", "mlp", "experts.%d.gate_proj", "experts.%d.up_proj", "experts.%d.down_proj", null),
    DEEPSEEK("deepseek", "mlp", "experts.%d.gate_proj", "experts.%d.up_proj", "experts.%d.down_proj", "shared_experts");

    private final String modelType;
    private final String moeModule;
    private final String gateProj;
    private final String upProj;
    private final String downProj;
    private final String sharedModule;

    ModelFamily(
            String modelType, String moeModule, String gateProj, String upProj, String downProj, String sharedModule) {
        this.modelType = modelType;
        this.moeModule = moeModule;
        this.gateProj = gateProj;
        this.upProj = upProj;
        this.downProj = downProj;
        this.sharedModule = sharedModule;
    }

    public String modelType() {
        return modelType;
    }

    public static ModelFamily fromModelType(String modelType, String source) {
        for (ModelFamily family : values()) {
            if (family.modelType.equals(modelType)) {
                return family;
            }
        }
        throw new MoelabInputException(source + ": model_type '" + modelType + "' is not supported; supported: "
                + Arrays.stream(values()).map(ModelFamily::modelType).collect(Collectors.joining(", ")));
    }

    /** Prefix of a decoder layer's tensors. */
    public static String layerPrefix(int layer) {
        return "model.layers." + layer + ".";
    }

    /** The config.json field holding the routed-expert count. */
    public String expertCountField() {
        return switch (this) {
            case MIXTRAL -> "num_local_experts";
            case DEEPSEEK -> "n_routed_experts";
            default -> "num_experts";
        };
    }

    public String routerWeight(int layer) {
        return layerPrefix(layer) + moeModule + ".gate.weight";
    }

    /** The three SwiGLU projections of routed expert {@code e}: gate (W1), up (W3), down (W2). */
    public String[] expertWeights(int layer, int expert) {
        String p = layerPrefix(layer) + moeModule + ".";
        return new String[] {
            p + String.format(gateProj, expert) + ".weight",
            p + String.format(upProj, expert) + ".weight",
            p + String.format(downProj, expert) + ".weight"
        };
    }

    public String[] sharedExpertWeights(int layer) {
        String p = layerPrefix(layer) + "mlp." + sharedModule + ".";
        return new String[] {p + "gate_proj.weight", p + "up_proj.weight", p + "down_proj.weight"};
    }

    /** Qwen2-MoE's scalar gate on the shared expert: sigmoid(w · x). */
    public String sharedExpertGateWeight(int layer) {
        return layerPrefix(layer) + "mlp.shared_expert_gate.weight";
    }

    /** A dense (non-MoE) layer's SwiGLU MLP. */
    public static String[] denseMlpWeights(int layer) {
        String p = layerPrefix(layer) + "mlp.";
        return new String[] {p + "gate_proj.weight", p + "up_proj.weight", p + "down_proj.weight"};
    }
}
