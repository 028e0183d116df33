package io.moelab.model;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * Hugging Face's default init for these families, seeded: matrices N(0, 0.02²), norm weights 1,
 * biases 0. Each tensor draws from its own stream derived from the seed and its name, so a
 * tensor's values do not depend on which other tensors were drawn first.
 */
final class RandomWeights implements WeightSource {
    private static final double STD = 0.02;
    private final long seed;

    RandomWeights(long seed) {
        this.seed = seed;
    }

    @Override
    public boolean has(String name) {
        return true;
    }

    @Override
    public void read(String name, FloatBuffer destination, long... shape) {
        long count = 1;
        for (long dim : shape) {
            count *= dim;
        }
        boolean ones = name.endsWith("norm.weight");
        boolean zeros = name.endsWith(".bias");
        SplittableRandom random = new SplittableRandom(seed ^ ((long) name.hashCode() << 32));
        for (long i = 0; i < count; i++) {
            float value = ones ? 1f : zeros ? 0f : (float) (gaussian(random) * STD);
            destination.put((int) i, value);
        }
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian in Java 17.
        double u = 1.0 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
