package io.moelab.compress.method;

import io.moelab.compress.CompressedLayer;
import io.moelab.compress.CompressionContext;
import io.moelab.compress.CompressionMethod;
import io.moelab.compress.LayerCalibration;
import io.moelab.compress.MoeLayerWeights;
import java.util.List;
import java.util.Map;

/**
 * Frequency pruning (docs/METHODS.md §2): keep the m experts with the most top-k selections per layer
 * and drop the others with their router rows. The per-task variant is the same method fed with
 * statistics of task-specific calibration data (the job's {@code --stats-label}).
 */
public final class FrequencyPruning implements CompressionMethod {
    public static final MethodDescriptor DESCRIPTOR =
            new MethodDescriptor("frequency", List.of(), (values, context) -> new FrequencyPruning());

    @Override
    public String name() {
        return DESCRIPTOR.name();
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of();
    }

    @Override
    public CompressedLayer compress(MoeLayerWeights layer, LayerCalibration calibration, CompressionContext context) {
        context.requireFewerThan(layer.numExperts());
        double[] selections = java.util.Arrays.stream(calibration.selections())
                .asDoubleStream()
                .toArray();
        return ExpertPruning.keep(layer, ExpertPruning.topByScore(selections, context.targetExperts()));
    }
}
