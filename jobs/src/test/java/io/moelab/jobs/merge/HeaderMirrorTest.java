package io.moelab.jobs.merge;

import static io.moelab.jobs.merge.MergeModelsCommandTest.BASE;
import static io.moelab.jobs.merge.MergeModelsCommandTest.fineTune;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.merge.MergeConfig;
import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.model.checkpoint.DType;
import io.moelab.model.checkpoint.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver's stand-ins for remote checkpoints, on {@link LocalAsRemoteFileSystem}: config and
 * headers as in the checkpoint, weights left out, messages naming the remote URIs.
 */
class HeaderMirrorTest {
    @TempDir
    Path dir;

    @Test
    void aStandInHasTheConfigAndHeadersButNoWeights() throws IOException {
        Path model = Files.createDirectories(dir.resolve("model"));
        for (String name : List.of("config.json", "model.safetensors", "vectors.json")) {
            Files.copy(BASE.resolve(name), model.resolve(name));
        }
        Files.write(model.resolve("training_args.bin"), new byte[] {1, 2, 3});
        Path standIn;
        try (HeaderMirror mirror = new HeaderMirror(LocalAsRemoteFileSystem.configuration())) {
            standIn = mirror.localDirectory(LocalAsRemoteFileSystem.uri(model));
            assertNotEquals(model, standIn);
            for (String name : List.of("config.json", "vectors.json")) {
                assertArrayEquals(Files.readAllBytes(model.resolve(name)), Files.readAllBytes(standIn.resolve(name)));
            }
            assertArrayEquals(new byte[3], Files.readAllBytes(standIn.resolve("training_args.bin")));
            Path weights = standIn.resolve("model.safetensors");
            assertEquals(Files.size(model.resolve("model.safetensors")), Files.size(weights));
            try (Checkpoint expected = Checkpoint.open(model);
                    Checkpoint actual = Checkpoint.open(standIn)) {
                assertEquals(List.copyOf(expected.tensorNames()), List.copyOf(actual.tensorNames()));
                for (String name : expected.tensorNames()) {
                    TensorInfo info = expected.info(name);
                    assertEquals(info.dtype(), actual.info(name).dtype(), name);
                    assertArrayEquals(info.shape(), actual.info(name).shape(), name);
                    assertEquals(info.dataBegin(), actual.info(name).dataBegin(), name);
                }
                String first = expected.tensorNames().iterator().next();
                float[] zeros = actual.floats(first);
                assertTrue(Arrays.equals(new float[zeros.length], zeros), "the weights were not read: they are holes");
            }
            assertEquals(
                    standIn, mirror.localDirectory(LocalAsRemoteFileSystem.uri(model)), "one stand-in per checkpoint");
            assertEquals(model, mirror.localDirectory(model.toString()), "a local checkpoint is used in place");
        }
        assertFalse(Files.exists(standIn), "close deletes the stand-ins");
    }

    @Test
    void mismatchesAndMissingCheckpointsNameTheRemoteUris() throws IOException {
        Path good = fineTune(dir, "good", 1, DType.F32, null, null);
        Path reshaped = fineTune(dir, "reshaped", 2, DType.F32, null, "model.norm.weight");
        String base = LocalAsRemoteFileSystem.uri(BASE);
        try (HeaderMirror mirror = new HeaderMirror(LocalAsRemoteFileSystem.configuration())) {
            try (Checkpoint expected = Checkpoint.open(BASE)) {
                assertEquals(
                        expected.tensorNames().size(),
                        mirror.check(ties(base, LocalAsRemoteFileSystem.uri(good)))
                                .size());
            }

            String reshapedUri = LocalAsRemoteFileSystem.uri(reshaped);
            MoelabInputException e = assertThrows(
                    MoelabInputException.class, () -> mirror.check(ties(base, good.toString(), reshapedUri)));
            assertTrue(
                    e.getMessage()
                            .startsWith(reshapedUri + ": tensor 'model.norm.weight' has shape [2, 32], but the base "
                                    + base + " has [64]"),
                    e.getMessage());

            String missing = LocalAsRemoteFileSystem.uri(dir.resolve("missing"));
            e = assertThrows(MoelabInputException.class, () -> mirror.check(ties(base, missing)));
            assertTrue(e.getMessage().startsWith(missing + ": no such directory"), e.getMessage());
        }
    }

    private MergeConfig ties(String base, String... models) {
        StringBuilder yaml = new StringBuilder("merge_method: ties\nbase_model: " + base + "\nmodels:\n");
        for (String model : models) {
            yaml.append("  - model: ").append(model).append("\n    parameters: {weight: 1, density: 0.5}\n");
        }
        return MergeConfig.parse(yaml.toString(), dir.resolve("merge.yaml"));
    }
}
