package io.moelab.model.checkpoint;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor's header entry: name, element type, shape and its byte range {@code [dataBegin, dataEnd)}, relative to
 * the start of the data section (as {@code data_offsets} in the safetensors header).
 */
public record TensorInfo(String name, DType dtype, long[] shape, long dataBegin, long dataEnd) {

    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the dimensions (1 for a scalar). */
    public long numel() {
        long n = 1;
        for (long dim : shape) {
            n = Math.multiplyExact(n, dim);
        }
        return n;
    }

    /** Size of the tensor's data in bytes. */
    public long byteLength() {
        return dataEnd - dataBegin;
    }

    /** The shape as {@code [8, 64]}, for messages. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    // Records compare arrays by identity; a header entry is a value, so compare shapes by content.
    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo other
                && name.equals(other.name)
                && dtype == other.dtype
                && Arrays.equals(shape, other.shape)
                && dataBegin == other.dataBegin
                && dataEnd == other.dataEnd;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), dataBegin, dataEnd);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + shapeString() + " @[" + dataBegin + ", " + dataEnd + ")";
    }
}
