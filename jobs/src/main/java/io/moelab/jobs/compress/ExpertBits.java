package io.moelab.jobs.compress;

import io.moelab.compress.CompressedLayer;
import io.moelab.model.checkpoint.DType;
import java.util.Map;

/** Average bits per stored routed-expert weight: the dtype's width, unless a method quantised the experts. */
final class ExpertBits {
    private ExpertBits() {}

    static double average(Map<Integer, CompressedLayer> layers, DType dtype) {
        return layers.values().stream()
                .mapToDouble(layer -> layer.averageBits().orElse(dtype.byteSize() * 8.0))
                .average()
                .orElse(dtype.byteSize() * 8.0);
    }
}
