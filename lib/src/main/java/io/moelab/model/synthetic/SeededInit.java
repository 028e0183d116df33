package io.moelab.model.synthetic;

import io.moelab.model.checkpoint.SafetensorsWriter.ValueStream;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Hugging Face's default init for these families, seeded: matrices N(0, 0.02²), norm weights 1, biases 0. Each tensor
 * draws from its own stream derived from the seed and its name, so a tensor's values do not depend on which other
 * tensors were drawn first.
 */
public final class SeededInit {
    private static final double STD = 0.02;
    private final long seed;

    public SeededInit(long seed) {
        this.seed = seed;
    }

    /**
     * A fresh stream of the named tensor's values in row-major order: ones for a name ending in {@code norm.weight},
     * zeros for one ending in {@code .bias}, N(0, 0.02²) otherwise. Two streams of one name give the same values.
     */
    public ValueStream values(String name) {
        if (name.endsWith("norm.weight")) {
            return (chunk, count) -> Arrays.fill(chunk, 0, count, 1f);
        }
        if (name.endsWith(".bias")) {
            return (chunk, count) -> Arrays.fill(chunk, 0, count, 0f);
        }
        SplittableRandom random = new SplittableRandom(seed ^ ((long) name.hashCode() << 32));
        return (chunk, count) -> {
            for (int i = 0; i < count; i++) {
                chunk[i] = (float) (gaussian(random) * STD);
            }
        };
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian in Java 17.
        double u = 1.0 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
