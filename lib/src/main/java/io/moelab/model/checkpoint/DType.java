package io.moelab.model.checkpoint;

import io.moelab.MoelabInputException;
import java.nio.file.Path;
import java.util.Arrays;

/** The floating-point element types moelab reads and writes; names match the safetensors header. */
public enum DType {
    F32(4, "float32"),
    F16(2, "float16"),
    BF16(2, "bfloat16");

    private final int byteSize;
    private final String torchName;

    DType(int byteSize, String torchName) {
        this.byteSize = byteSize;
        this.torchName = torchName;
    }

    /** The name torch and {@code config.json}'s {@code torch_dtype} use: float32, float16, bfloat16. */
    public String torchName() {
        return torchName;
    }

    /** The dtype of a torch name; empty for any other name. */
    public static java.util.Optional<DType> fromTorchName(String name) {
        return Arrays.stream(values())
                .filter(type -> type.torchName.equals(name))
                .findFirst();
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
