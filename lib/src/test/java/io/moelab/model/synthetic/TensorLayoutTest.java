package io.moelab.model.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.moelab.model.FloatTensor;
import io.moelab.model.MoeModel;
import io.moelab.moe.MoeConfig;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The layout holds exactly the tensors the weight loader reads, in the shapes it checks, and counts as MoeConfig does. */
class TensorLayoutTest {

    @Test
    void layoutIsWhatTheLoaderReads() {
        for (String json : TinyConfigs.ALL) {
            MoeConfig config = MoeConfig.fromJson(json, "tiny");
            Map<String, long[]> layout = TensorLayout.of(config);
            Set<String> read = new LinkedHashSet<>();
            Map<String, FloatTensor> tensors = new HashMap<>() {
                @Override
                public FloatTensor get(Object name) {
                    read.add((String) name);
                    return super.get(name);
                }
            };
            layout.forEach((name, shape) -> tensors.put(
                    name,
                    new FloatTensor(
                            shape,
                            new float[Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b))])));
            MoeModel.fromTensors(config, tensors); // throws on a missing tensor or a wrong shape
            assertEquals(layout.keySet(), read, config.family() + ": tensors stored but never read");
        }
    }

    @Test
    void layoutCountsTheParametersMoeConfigCounts() {
        for (String json : TinyConfigs.ALL) {
            MoeConfig config = MoeConfig.fromJson(json, "tiny");
            assertEquals(
                    config.parameterCount().total(),
                    elements(TensorLayout.of(config)),
                    config.family().toString());
        }
        for (ShapePreset preset : ShapePreset.values()) {
            MoeConfig config = MoeConfig.fromJson(preset.configJson(), preset.cliName());
            assertEquals(config.parameterCount().total(), elements(TensorLayout.of(config)), preset.cliName());
        }
    }

    @Test
    void tiedEmbeddingsStoreNoLmHead() {
        MoeConfig tied = MoeConfig.fromJson(TinyConfigs.QWEN3_MOE, "tiny");
        assertFalse(TensorLayout.of(tied).containsKey("lm_head.weight"));
    }

    private static long elements(Map<String, long[]> layout) {
        return layout.values().stream()
                .mapToLong(shape -> Arrays.stream(shape).reduce(1, (a, b) -> a * b))
                .sum();
    }
}
