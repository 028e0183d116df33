package io.moelab.jobs.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.merge.MergeConfig;
import io.moelab.merge.MergeModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The merge YAML read from a Hadoop file system ({@link LocalAsRemoteFileSystem} standing in for s3a). */
class MergeConfigReaderTest {
    @TempDir
    Path dir;

    @Test
    void relativePathsResolveAgainstTheYamlsFolderOnItsFileSystem() throws IOException {
        Path yaml = Files.createDirectories(dir.resolve("merges")).resolve("merge.yaml");
        Files.writeString(yaml, """
                merge_method: task_arithmetic
                base_model: ../models/base
                models:
                  - model: math
                  - model: s3a://bucket/models/code
                  - model: %s
                parameters: {weight: 0.5}
                """.formatted(dir.resolve("chat")));
        String remote = LocalAsRemoteFileSystem.uri(dir);
        MergeConfig config =
                MergeConfigReader.read(LocalAsRemoteFileSystem.uri(yaml), LocalAsRemoteFileSystem.configuration());
        assertEquals(remote + "/merges/merge.yaml", config.source());
        assertEquals(remote + "/models/base", config.baseModel());
        assertEquals(
                List.of(remote + "/merges/math", "s3a://bucket/models/code", remote + "/chat"),
                config.models().stream().map(MergeModel::path).toList(),
                "a local-looking absolute path is absolute on the YAML's file system");
    }

    @Test
    void aMissingConfigIsBadInput() {
        String missing = LocalAsRemoteFileSystem.uri(dir.resolve("missing.yaml"));
        MoelabInputException e = assertThrows(
                MoelabInputException.class,
                () -> MergeConfigReader.read(missing, LocalAsRemoteFileSystem.configuration()));
        assertTrue(e.getMessage().startsWith(missing + ": cannot read the merge config"), e.getMessage());
    }

    @Test
    void credentialsInAModelUriAreRefusedAndMasked() throws IOException {
        Path yaml = Files.writeString(dir.resolve("merge.yaml"), """
                merge_method: linear
                models:
                  - {model: a, parameters: {weight: 1}}
                  - {model: "s3a://AKIAKEY:SECRET@bucket/b", parameters: {weight: 1}}
                """);
        MoelabInputException e = assertThrows(
                MoelabInputException.class,
                () -> MergeConfigReader.read(yaml.toString(), LocalAsRemoteFileSystem.configuration()));
        assertTrue(
                e.getMessage().startsWith(yaml + ": field 'models[1].model': s3a://***@bucket/b: credentials"),
                e.getMessage());
        assertFalse(e.getMessage().contains("AKIAKEY") || e.getMessage().contains("SECRET"), e.getMessage());
    }
}
