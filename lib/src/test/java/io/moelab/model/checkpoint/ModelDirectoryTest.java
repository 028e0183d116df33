package io.moelab.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.moelab.MoelabInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {
    @Test
    void aStagedDirectoryAppearsWholeOrNotAtAll(@TempDir Path dir) throws IOException {
        Path output = dir.resolve("model");
        ModelDirectory.writeStaged(output, staging -> Files.writeString(staging.resolve("config.json"), "{}"));
        assertEquals("{}", Files.readString(output.resolve("config.json")));

        Path failed = dir.resolve("failed");
        assertThrows(
                UncheckedIOException.class,
                () -> ModelDirectory.writeStaged(failed, staging -> {
                    Files.writeString(staging.resolve("config.json"), "{}");
                    throw new IOException("disk full");
                }));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(output), left.toList(), "no output and no staging folder left behind");
        }
        assertThrows(MoelabInputException.class, () -> ModelDirectory.writeStaged(output, staging -> {}));
    }
}
