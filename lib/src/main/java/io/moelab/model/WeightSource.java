package io.moelab.model;

import io.moelab.MoelabInputException;
import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.model.checkpoint.DType;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * Where a model's weights come from: a checkpoint on disk, float32 tensors in memory, or a seeded
 * random init. Every source reads float32; a checkpoint can also hand over its stored bytes.
 */
interface WeightSource {
    boolean has(String name);

    /** Fills {@code destination} with the tensor widened to float32, after checking it has {@code shape}. */
    void read(String name, FloatBuffer destination, long... shape);

    /** The dtype the tensor is stored in; float32 for every source but a checkpoint. */
    default DType storedDType(String name) {
        return DType.F32;
    }

    /**
     * The tensor's stored bytes (little-endian, {@link #storedDType}) after checking its shape;
     * only called for tensors not stored as float32.
     */
    default ByteBuffer storedBytes(String name, long... shape) {
        throw new UnsupportedOperationException(name + " is held as float32");
    }

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

            @Override
            public DType storedDType(String name) {
                return checkpoint.info(name).dtype();
            }

            @Override
            public ByteBuffer storedBytes(String name, long... shape) {
                return checkpoint.storedBytes(name, shape);
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
