package io.moelab.compress.method;

import io.moelab.compress.CompressedLayer;
import io.moelab.compress.CompressionContext;
import io.moelab.compress.CompressionMethod;
import io.moelab.compress.LayerCalibration;
import io.moelab.compress.MoeLayerWeights;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random pruning, the baseline frequency pruning should beat: keep m experts per layer drawn
 * uniformly without replacement from a generator seeded by (seed, layer), so a layer's choice
 * does not depend on which other layers are compressed.
 */
public final class RandomPruning implements CompressionMethod {
    /** No knob of its own: the draw follows the run's seed. */
    public static final MethodDescriptor DESCRIPTOR =
            new MethodDescriptor("random", List.of(), (values, context) -> new RandomPruning(context.seed()));

    private final long seed;

    public RandomPruning(long seed) {
        this.seed = seed;
    }

    @Override
    public String name() {
        return DESCRIPTOR.name();
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("seed", seed);
    }

    @Override
    public CompressedLayer compress(MoeLayerWeights layer, LayerCalibration calibration, CompressionContext context) {
        context.requireFewerThan(layer.numExperts());
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + layer.layer());
        double[] score = random.doubles(layer.numExperts()).toArray();
        return ExpertPruning.keep(layer, ExpertPruning.topByScore(score, context.targetExperts()));
    }
}
