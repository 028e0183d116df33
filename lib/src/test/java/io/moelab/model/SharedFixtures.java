package io.moelab.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The reference checkpoints in ../shared/fixtures (path from the {@code moelab.shared} property Surefire sets). */
public final class SharedFixtures {
    private SharedFixtures() {}

    public static Path shared() {
        Path shared = Path.of(System.getProperty("moelab.shared", "../../shared"))
                .toAbsolutePath()
                .normalize();
        assertTrue(
                Files.isDirectory(shared.resolve("fixtures")),
                shared + "/fixtures is missing: the tests need ../shared beside the checkout");
        return shared;
    }

    public static Path hf(String family) {
        return shared().resolve("fixtures/hf").resolve(family);
    }

    public static Path trainedMoe() {
        return shared().resolve("fixtures/trained-moe");
    }

    public static JsonNode vectors(Path modelDir) {
        try {
            return new ObjectMapper().readTree(modelDir.resolve("vectors.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    public static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }
}
