package io.moelab.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A streamed tensor is written byte for byte as the same values added in memory, across chunk boundaries. */
class SafetensorsWriterStreamingTest {

    @Test
    void streamedTensorsWriteTheSameFileAsHeldOnes(@TempDir Path dir) throws IOException {
        float[] large = randomValues(1_500_000, 1); // past one chunk of a million values
        float[] small = randomValues(12, 2);
        for (DType dtype : DType.values()) {
            new SafetensorsWriter(Map.of("format", "pt"))
                    .add("a", dtype, new long[] {1500, 1000}, large)
                    .add("b", dtype, new long[] {12}, small)
                    .write(dir.resolve("held-" + dtype));
            new SafetensorsWriter(Map.of("format", "pt"))
                    .addStreamed("a", dtype, new long[] {1500, 1000}, () -> stream(large))
                    .addStreamed("b", dtype, new long[] {12}, () -> stream(small))
                    .write(dir.resolve("streamed-" + dtype));
            assertEquals(
                    -1, Files.mismatch(dir.resolve("held-" + dtype), dir.resolve("streamed-" + dtype)), dtype.name());
        }
    }

    @Test
    void aFailingStreamLeavesNoFile(@TempDir Path dir) throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter(Map.of()).addStreamed("x", DType.BF16, new long[] {4}, () -> {
            throw new IllegalStateException("no values");
        });
        assertThrows(IllegalStateException.class, () -> writer.write(dir.resolve("model.safetensors")));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
    }

    /** Hands out {@code values} in the chunks asked for. */
    private static SafetensorsWriter.ValueStream stream(float[] values) {
        int[] next = {0};
        return (chunk, count) -> {
            System.arraycopy(values, next[0], chunk, 0, count);
            next[0] += count;
        };
    }

    private static float[] randomValues(int count, long seed) {
        Random random = new Random(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
