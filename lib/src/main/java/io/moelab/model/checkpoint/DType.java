package io.moelab.model.checkpoint;

import io.moelab.MoelabInputException;
import java.nio.file.Path;
import java.util.Arrays;

/** The floating-point element types moelab reads and writes; names match the safetensors header. */
public enum DType {
    F32(4),
    F16(2),
    BF16(2);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /**
     * Parses a safetensors {@code dtype} string.
     *
     * @throws MoelabInputException naming the file, the tensor and the dtype when it is not F32, F16 or BF16
     */
    public static DType fromSafetensors(String name, Path file, String tensor) {
        for (DType type : values()) {
            if (type.name().equals(name)) {
                return type;
            }
        }
        throw new MoelabInputException(file + ": tensor '" + tensor + "' has unsupported dtype " + name
                + " (supported: " + Arrays.toString(values()) + ")");
    }
}
