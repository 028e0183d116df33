package io.moelab.merge;

import io.moelab.MoelabInputException;
import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.model.checkpoint.TensorInfo;
import io.moelab.moe.MoeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Checks, from {@code config.json} and the safetensors headers only (no weights are read), that the
 * checkpoints of a merge share one architecture: the same {@code model_type} and MoE shape, the same
 * tensor names, and the same shape for every tensor. Dtypes may differ (every value is upcast to
 * float32). Every mismatch is a {@link MoelabInputException} naming the checkpoint and what differs.
 */
public final class MergeCompatibility {
    private MergeCompatibility() {}

    /**
     * Checks every model of {@code config} against its reference checkpoint (the base, or the first
     * model for {@code linear} without a base).
     *
     * @return the reference's tensors, sorted by name: what the merged checkpoint will hold
     */
    public static List<TensorInfo> check(MergeConfig config) {
        return check(config, Path::of);
    }

    /**
     * As {@link #check(MergeConfig)}, reading each checkpoint of the config (a path or URI) from the
     * local directory {@code locate} gives for it: enough that it holds config.json and intact
     * safetensors headers, as no weights are read.
     */
    public static List<TensorInfo> check(MergeConfig config, Function<String, Path> locate) {
        Path reference = locate.apply(config.reference());
        String referenceLabel = (config.baseModel() != null ? "the base " : "the first model ") + reference;
        Map<String, Object> referenceShape = architecture(reference);
        List<TensorInfo> tensors;
        try (Checkpoint expected = Checkpoint.open(reference)) {
            tensors = expected.tensorNames().stream()
                    .map(expected::info)
                    .sorted(Comparator.comparing(TensorInfo::name))
                    .toList();
            for (MergeModel model : config.models()) {
                Path dir = locate.apply(model.path());
                compareArchitecture(dir, architecture(dir), referenceShape, referenceLabel);
                try (Checkpoint actual = Checkpoint.open(dir)) {
                    compareTensors(expected, actual, referenceLabel);
                }
            }
        }
        return tensors;
    }

    /** What must match across checkpoints, by a name a user finds in config.json. */
    private static Map<String, Object> architecture(Path dir) {
        MoeConfig c = MoeConfig.load(dir.resolve("config.json"));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("model_type", c.family().modelType());
        fields.put("hidden_size", c.hiddenSize());
        fields.put("num_hidden_layers", c.layers().numLayers());
        fields.put("num_attention_heads", c.attention().numHeads());
        fields.put("num_key_value_heads", c.attention().numKvHeads());
        fields.put("head_dim", c.attention().headDim());
        fields.put("vocab_size", c.vocabSize());
        fields.put("number of experts", c.experts().numExperts());
        fields.put("num_experts_per_tok", c.routing().topK());
        fields.put("expert intermediate size", c.experts().expertIntermediate());
        fields.put("dense intermediate size", c.layers().denseIntermediate());
        fields.put("shared expert intermediate size", c.experts().sharedIntermediate());
        fields.put("MoE layers", Arrays.toString(c.layers().moeLayerIndices()));
        return fields;
    }

    private static void compareArchitecture(
            Path dir, Map<String, Object> actual, Map<String, Object> expected, String referenceLabel) {
        for (Map.Entry<String, Object> field : expected.entrySet()) {
            Object value = actual.get(field.getKey());
            if (!Objects.equals(value, field.getValue())) {
                throw new MoelabInputException(dir.resolve("config.json") + ": " + field.getKey() + " is " + value
                        + ", but " + referenceLabel + " has " + field.getValue()
                        + " (checkpoints to merge must share one architecture)");
            }
        }
    }

    private static void compareTensors(Checkpoint expected, Checkpoint actual, String referenceLabel) {
        for (String name : actual.tensorNames()) {
            if (!expected.has(name)) {
                throw new MoelabInputException(
                        expected.directory() + ": missing tensor '" + name + "' that " + actual.directory() + " has");
            }
        }
        List<String> missing = new ArrayList<>();
        for (String name : expected.tensorNames()) {
            if (!actual.has(name)) {
                missing.add(name);
            } else if (!Arrays.equals(
                    actual.info(name).shape(), expected.info(name).shape())) {
                throw new MoelabInputException(actual.directory() + ": tensor '" + name + "' has shape "
                        + actual.info(name).shapeString() + ", but " + referenceLabel + " has "
                        + expected.info(name).shapeString());
            }
        }
        if (!missing.isEmpty()) {
            throw new MoelabInputException(actual.directory() + ": missing tensor '" + missing.get(0) + "' that "
                    + referenceLabel + " has" + (missing.size() > 1 ? " (and " + (missing.size() - 1) + " more)" : ""));
        }
    }
}
