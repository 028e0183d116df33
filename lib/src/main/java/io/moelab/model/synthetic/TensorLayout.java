package io.moelab.model.synthetic;

import io.moelab.moe.ModelFamily;
import io.moelab.moe.MoeConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensors a checkpoint of a config holds: exactly those moelab's weight loader reads for the config's family, named
 * by {@link ModelFamily} and shaped as Hugging Face stores them ([out, in] for projections), in the order of a
 * transformers state dict. A tied LM head is not stored, as {@code save_pretrained} leaves it out.
 */
public final class TensorLayout {
    private final MoeConfig config;
    private final Map<String, long[]> shapes = new LinkedHashMap<>();

    private TensorLayout(MoeConfig config) {
        this.config = config;
    }

    /** Tensor name → shape, in state-dict order. */
    public static Map<String, long[]> of(MoeConfig config) {
        TensorLayout layout = new TensorLayout(config);
        layout.addAll();
        return layout.shapes;
    }

    private void addAll() {
        long hidden = config.hiddenSize();
        add("model.embed_tokens.weight", config.vocabSize(), hidden);
        for (int l = 0; l < config.layers().numLayers(); l++) {
            addLayer(l);
        }
        add("model.norm.weight", hidden);
        if (!config.tieWordEmbeddings()) {
            add("lm_head.weight", config.vocabSize(), hidden);
        }
    }

    private void addLayer(int l) {
        long hidden = config.hiddenSize();
        String p = ModelFamily.layerPrefix(l) + "self_attn.";
        long headDim = config.attention().headDim();
        long qWidth = config.attention().numHeads() * headDim;
        long kvWidth = config.attention().numKvHeads() * headDim;
        add(p + "q_proj.weight", qWidth, hidden);
        add(p + "k_proj.weight", kvWidth, hidden);
        add(p + "v_proj.weight", kvWidth, hidden);
        add(p + "o_proj.weight", hidden, qWidth);
        if (config.attention().attentionBias()) {
            add(p + "q_proj.bias", qWidth);
            add(p + "k_proj.bias", kvWidth);
            add(p + "v_proj.bias", kvWidth);
        }
        if (config.attention().outputBias()) {
            add(p + "o_proj.bias", hidden);
        }
        switch (config.attention().qkNorm()) {
            case WHOLE_PROJECTION -> {
                add(p + "q_norm.weight", qWidth);
                add(p + "k_norm.weight", kvWidth);
            }
            case PER_HEAD -> {
                add(p + "q_norm.weight", headDim);
                add(p + "k_norm.weight", headDim);
            }
            case NONE -> {}
        }
        if (config.layers().isMoeLayer(l)) {
            addMoeBlock(l);
        } else {
            addSwiGlu(ModelFamily.denseMlpWeights(l), config.layers().denseIntermediate());
        }
        add(ModelFamily.layerPrefix(l) + "input_layernorm.weight", hidden);
        add(ModelFamily.layerPrefix(l) + "post_attention_layernorm.weight", hidden);
    }

    private void addMoeBlock(int l) {
        ModelFamily family = config.family();
        int experts = config.experts().numExperts();
        add(family.routerWeight(l), experts, config.hiddenSize());
        // The exact-router compressed form stores fewer experts than the router has outputs.
        int stored = config.experts().expertMap().storedExperts(l, experts);
        for (int e = 0; e < stored; e++) {
            addSwiGlu(family.expertWeights(l, e), config.experts().expertIntermediate());
        }
        if (config.experts().sharedIntermediate() > 0) {
            addSwiGlu(family.sharedExpertWeights(l), config.experts().sharedIntermediate());
        }
        if (config.experts().sharedExpertGated()) {
            add(family.sharedExpertGateWeight(l), 1, config.hiddenSize());
        }
    }

    /** Gate, up and down projection of a SwiGLU MLP. */
    private void addSwiGlu(String[] names, long intermediate) {
        long hidden = config.hiddenSize();
        add(names[0], intermediate, hidden);
        add(names[1], intermediate, hidden);
        add(names[2], hidden, intermediate);
    }

    private void add(String name, long... shape) {
        shapes.put(name, shape);
    }
}
