package io.moelab.model;

import io.moelab.MoelabInputException;
import io.moelab.model.checkpoint.Checkpoint;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

/** Where a model's float32 weights come from: a checkpoint on disk, or a seeded random init. */
interface WeightSource {
    boolean has(String name);

    /** Fills {@code destination} with the tensor, after checking it has {@code shape}. */
    void read(String name, FloatBuffer destination, long... shape);

    static WeightSource of(Checkpoint checkpoint) {
        return new WeightSource() {
            @Override
            public boolean has(String name) {
                return checkpoint.has(name);
            }

            @Override
            public void read(String name, FloatBuffer destination, long... shape) {
                checkpoint.floatsInto(name, destination, shape);
            }
        };
    }

    static WeightSource of(Map<String, FloatTensor> tensors) {
        return new WeightSource() {
            @Override
            public boolean has(String name) {
                return tensors.containsKey(name);
            }

            @Override
            public void read(String name, FloatBuffer destination, long... shape) {
                FloatTensor tensor = tensors.get(name);
                if (tensor == null) {
                    throw new MoelabInputException("tensor '" + name + "' is missing");
                }
                if (!Arrays.equals(tensor.shape(), shape)) {
                    throw new MoelabInputException("tensor '" + name + "' has shape " + Arrays.toString(tensor.shape())
                            + ", expected " + Arrays.toString(shape));
                }
                destination.put(tensor.values());
            }
        };
    }
}
