package io.moelab.jobs.compress;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.moelab.compress.method.MethodContext;
import io.moelab.compress.method.MethodParameter;
import io.moelab.compress.method.ParameterValues;
import io.moelab.compress.pipeline.ExportForm;
import io.moelab.compress.pipeline.ModelCompressor;
import io.moelab.jobs.data.DatasetOptions;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a compression run depends on; its JSON form is the run's {@code runs.config}.
 *
 * @param statsRun         routing_stats run whose selection counts drive the method (null: count on the calibration data)
 * @param statsLabel       take the counts of this label from the run's expert_labels (per-task pruning); null for all tokens
 * @param methodParameters the values of every registered method's parameters; the method reads its own
 * @param methodContext    the seed and K-means every method is built with
 * @param calibration      calibration documents (for methods that need hidden states, and NAEE's β)
 * @param sequences        calibration sequences used, the first of the seed's order
 * @param sequenceLength   tokens per calibration sequence, BOS included
 * @param dtype            output dtype name (float32, float16, bfloat16); null keeps the source's
 * @param maxShardBytes    safetensors shard size past which the checkpoint is split
 */
@JsonPropertyOrder({"model", "statsRun", "statsLabel", "method", "settings"})
public record CompressionConfig(
        String model,
        String statsRun,
        String statsLabel,
        String method,
        @JsonIgnore ParameterValues methodParameters,
        @JsonIgnore MethodContext methodContext,
        int targetExperts,
        ModelCompressor.Inputs inputs,
        ExportForm form,
        DatasetOptions calibration,
        int sequences,
        int sequenceLength,
        String dtype,
        String output,
        long maxShardBytes,
        String warehouse,
        String runId)
        implements Serializable {

    /** The same run for another method, output and run id (the report compresses with each method in turn). */
    public CompressionConfig withMethod(String otherMethod, String otherOutput, String otherRunId) {
        return new CompressionConfig(
                model,
                statsRun,
                statsLabel,
                otherMethod,
                methodParameters,
                methodContext,
                targetExperts,
                inputs,
                form,
                calibration,
                sequences,
                sequenceLength,
                dtype,
                otherOutput,
                maxShardBytes,
                warehouse,
                otherRunId);
    }

    /**
     * runs.config's {@code settings}: the seed, then each method parameter by its camelCase name, as
     * runs recorded them before each method declared its own parameters.
     */
    @JsonProperty("settings")
    Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("seed", methodContext.seed());
        methodParameters.values().forEach((name, value) -> settings.put(MethodParameter.camelCase(name), value));
        return settings;
    }
}
