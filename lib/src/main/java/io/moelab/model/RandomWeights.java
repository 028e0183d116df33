package io.moelab.model;

import io.moelab.model.checkpoint.SafetensorsWriter.ValueStream;
import io.moelab.model.synthetic.SeededInit;
import java.nio.FloatBuffer;

/** Weights drawn from {@link SeededInit}, Hugging Face's default init seeded per tensor name, instead of read from disk. */
final class RandomWeights implements WeightSource {
    /** Values drawn per step, so that a large tensor needs no second full-size array. */
    private static final int CHUNK = 1 << 16;

    private final SeededInit init;

    RandomWeights(long seed) {
        this.init = new SeededInit(seed);
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
        ValueStream values = init.values(name);
        float[] chunk = new float[(int) Math.min(count, CHUNK)];
        for (long done = 0; done < count; ) {
            int n = (int) Math.min(chunk.length, count - done);
            values.next(chunk, n);
            destination.put((int) done, chunk, 0, n);
            done += n;
        }
    }
}
