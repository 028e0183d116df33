package io.moelab.compress.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moelab.MoelabInputException;
import io.moelab.compress.ExpertWeights;
import io.moelab.compress.MoeLayerWeights;
import io.moelab.model.FloatTensor;
import io.moelab.model.MoeModel;
import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.model.checkpoint.DType;
import io.moelab.model.checkpoint.TensorInfo;
import io.moelab.moe.ModelFamily;
import io.moelab.moe.MoeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A checkpoint held in memory as float32 tensors, with its raw {@code config.json} (so that the
 * compressed config keeps every field transformers needs, not only those moelab parses).
 * Expert compression holds the whole model; model merging streams tensor by tensor instead.
 */
public final class ModelTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path directory;
    private final ObjectNode configJson;
    private final MoeConfig config;
    private final Map<String, FloatTensor> tensors;
    private final DType dtype;
    private final MoeModel model;

    private ModelTensors(
            Path directory,
            ObjectNode configJson,
            MoeConfig config,
            Map<String, FloatTensor> tensors,
            DType dtype,
            MoeModel model) {
        this.directory = directory;
        this.configJson = configJson;
        this.config = config;
        this.tensors = tensors;
        this.dtype = dtype;
        this.model = model;
    }

    public static ModelTensors load(Path directory) {
        Path configFile = directory.resolve("config.json");
        MoeConfig config = MoeConfig.load(configFile);
        if (config.experts().expertMap().covers(config.layers().moeLayerIndices()[0])) {
            throw new MoelabInputException(configFile + ": already compressed in the exact-router form ("
                    + io.moelab.moe.ExpertMap.CONFIG_FIELD + "); compress its smaller-router export instead");
        }
        ObjectNode json;
        try {
            json = (ObjectNode) JSON.readTree(Files.readString(configFile));
        } catch (IOException e) {
            throw new MoelabInputException(configFile + ": cannot read: " + e.getMessage(), e);
        }
        Map<String, FloatTensor> tensors = new TreeMap<>();
        DType dtype;
        try (Checkpoint checkpoint = Checkpoint.open(directory)) {
            for (String name : checkpoint.tensorNames()) {
                TensorInfo info = checkpoint.info(name);
                tensors.put(name, new FloatTensor(info.shape(), checkpoint.floats(name, info.shape())));
            }
            dtype = checkpoint.dominantDType();
        }
        // Built through the model's own checks, so a broken checkpoint fails here naming the tensor.
        MoeModel model = MoeModel.fromTensors(config, tensors);
        return new ModelTensors(directory, json, config, Collections.unmodifiableMap(tensors), dtype, model);
    }

    public Path directory() {
        return directory;
    }

    /** The original model, for calibration forwards. */
    public MoeModel model() {
        return model;
    }

    public ObjectNode configJson() {
        return configJson.deepCopy();
    }

    public MoeConfig config() {
        return config;
    }

    public Map<String, FloatTensor> tensors() {
        return tensors;
    }

    /** The dtype most of the checkpoint's bytes are stored in. */
    public DType dtype() {
        return dtype;
    }

    /** The router and experts of MoE layer {@code layer}. */
    public MoeLayerWeights moeLayer(int layer) {
        if (layer < 0
                || layer >= config.layers().numLayers()
                || !config.layers().isMoeLayer(layer)) {
            throw new MoelabInputException("layer " + layer + " is not a MoE layer");
        }
        ModelFamily family = config.family();
        int hidden = config.hiddenSize();
        int intermediate = config.experts().expertIntermediate();
        List<ExpertWeights> experts = new ArrayList<>();
        for (int e = 0; e < config.experts().numExperts(); e++) {
            String[] names = family.expertWeights(layer, e);
            experts.add(new ExpertWeights(
                    hidden,
                    intermediate,
                    tensors.get(names[0]).values(),
                    tensors.get(names[1]).values(),
                    tensors.get(names[2]).values()));
        }
        return new MoeLayerWeights(
                layer, hidden, tensors.get(family.routerWeight(layer)).values(), experts);
    }
}
