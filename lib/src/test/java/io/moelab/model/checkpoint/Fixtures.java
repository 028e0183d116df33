package io.moelab.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;

/** Paths to the shared reference checkpoints; surefire sets {@code moelab.shared} (see the parent pom). */
final class Fixtures {

    private Fixtures() {}

    static Path mixtral() {
        return shared().resolve("fixtures/hf/mixtral/model.safetensors");
    }

    static Path trainedMoe() {
        return shared().resolve("fixtures/trained-moe/model.safetensors");
    }

    private static Path shared() {
        String dir = System.getProperty("moelab.shared");
        assertNotNull(dir, "system property moelab.shared is not set (run the tests through Maven)");
        return Path.of(dir);
    }
}
