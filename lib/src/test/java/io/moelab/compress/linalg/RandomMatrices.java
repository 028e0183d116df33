package io.moelab.compress.linalg;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/** Seeded random matrices and permutations for the linear-algebra and alignment tests. */
public final class RandomMatrices {
    private RandomMatrices() {}

    /** {@code length} draws of N(0, std²). */
    public static float[] gaussian(int length, double std, Random random) {
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = (float) (std * random.nextGaussian());
        }
        return out;
    }

    /** A uniformly random permutation of 0..n-1. */
    public static int[] shuffled(int n, Random random) {
        List<Integer> permutation =
                new ArrayList<>(IntStream.range(0, n).boxed().toList());
        Collections.shuffle(permutation, random);
        return permutation.stream().mapToInt(Integer::intValue).toArray();
    }
}
