package io.moelab.compress.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moelab.MoelabInputException;
import io.moelab.compress.CompressedLayer;
import io.moelab.compress.ExpertWeights;
import io.moelab.model.FloatTensor;
import io.moelab.model.MoeModel;
import io.moelab.model.checkpoint.DType;
import io.moelab.model.checkpoint.HalfFloats;
import io.moelab.moe.ExpertMap;
import io.moelab.moe.ModelFamily;
import io.moelab.moe.MoeConfig;
import java.util.Map;
import java.util.TreeMap;

/**
 * The original tensors with some MoE layers replaced by their compressed form, in either export
 * form. Tensors that changed are rounded to the output dtype here (round-to-nearest-even, as torch
 * casts), so the in-memory model is exactly what the written checkpoint loads as.
 */
public final class CompressedModel {
    private final ModelTensors source;
    private final Map<Integer, CompressedLayer> layers;
    private final ExportForm form;
    private final DType dtype;

    public CompressedModel(ModelTensors source, Map<Integer, CompressedLayer> layers, ExportForm form, DType dtype) {
        this.source = source;
        this.layers = new TreeMap<>(layers);
        this.form = form;
        this.dtype = dtype;
        if (form == ExportForm.SMALLER_ROUTER) {
            java.util.Set<Integer> counts = new java.util.HashSet<>();
            this.layers.values().forEach(layer -> counts.add(layer.numExperts()));
            if (this.layers.size() < source.config().layers().moeLayerIndices().length) {
                counts.add(source.config().experts().numExperts());
            }
            if (counts.size() > 1) {
                throw new MoelabInputException("the smaller-router form needs one expert count in every MoE layer, got "
                        + counts + "; use the exact-router form");
            }
        }
    }

    public ExportForm form() {
        return form;
    }

    public DType dtype() {
        return dtype;
    }

    public Map<Integer, CompressedLayer> layers() {
        return layers;
    }

    public ModelTensors source() {
        return source;
    }

    public ObjectNode configJson() {
        ObjectNode json = source.configJson();
        MoeConfig config = source.config();
        if (form == ExportForm.SMALLER_ROUTER && !layers.isEmpty()) {
            json.put(
                    config.family().expertCountField(),
                    layers.values().iterator().next().numExperts());
        } else if (form == ExportForm.EXACT_ROUTER) {
            Map<Integer, int[]> maps = new TreeMap<>();
            layers.forEach((layer, compressed) -> maps.put(layer, compressed.expertMap()));
            json.set(ExpertMap.CONFIG_FIELD, new ExpertMap(maps).toJson());
        }
        json.put("torch_dtype", dtype.torchName());
        return json;
    }

    public MoeConfig config() {
        return MoeConfig.fromJson(configJson().toString(), "compressed config.json");
    }

    /** Every tensor of the compressed checkpoint. */
    public Map<String, FloatTensor> tensors() {
        Map<String, FloatTensor> tensors = new TreeMap<>(source.tensors());
        ModelFamily family = source.config().family();
        int hidden = source.config().hiddenSize();
        layers.forEach((layer, compressed) -> {
            for (int e = 0; e < source.config().experts().numExperts(); e++) {
                for (String name : family.expertWeights(layer, e)) {
                    tensors.remove(name);
                }
            }
            for (int t = 0; t < compressed.numExperts(); t++) {
                ExpertWeights expert = compressed.experts().get(t);
                String[] names = family.expertWeights(layer, t);
                int intermediate = expert.intermediate();
                tensors.put(names[0], rounded(FloatTensor.matrix(intermediate, hidden, expert.gate())));
                tensors.put(names[1], rounded(FloatTensor.matrix(intermediate, hidden, expert.up())));
                tensors.put(names[2], rounded(FloatTensor.matrix(hidden, intermediate, expert.down())));
            }
            if (form == ExportForm.SMALLER_ROUTER) {
                tensors.put(
                        family.routerWeight(layer),
                        rounded(FloatTensor.matrix(compressed.numExperts(), hidden, compressed.router())));
            }
        });
        return tensors;
    }

    public MoeModel model() {
        return MoeModel.fromTensors(config(), tensors());
    }

    private FloatTensor rounded(FloatTensor tensor) {
        if (dtype == DType.F32) {
            return tensor;
        }
        float[] values = tensor.values().clone();
        for (int i = 0; i < values.length; i++) {
            values[i] = dtype == DType.BF16
                    ? HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(values[i]))
                    : HalfFloats.f16ToFloat(HalfFloats.floatToF16(values[i]));
        }
        return new FloatTensor(tensor.shape(), values);
    }
}
