package io.moelab.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.model.checkpoint.DType;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mergekit-style YAML: defaults, path resolution, and errors that name the file and the field. */
class MergeConfigTest {
    private static final Path FILE = Path.of("/configs/merges/merge.yaml");

    private static MergeConfig parse(String yaml) {
        return MergeConfig.parse(yaml, FILE);
    }

    private static void assertRejected(String yaml, String... expectedInMessage) {
        MoelabInputException e = assertThrows(MoelabInputException.class, () -> parse(yaml));
        assertTrue(e.getMessage().startsWith(FILE + ": "), e.getMessage());
        for (String expected : expectedInMessage) {
            assertTrue(e.getMessage().contains(expected), e.getMessage());
        }
    }

    @Test
    void readsMergekitsLayoutWithDefaults() {
        MergeConfig config = parse("""
                merge_method: dare_ties
                base_model: ../base
                models:
                  - model: ../base          # listed without parameters, as mergekit configs often do
                  - model: ft/math
                    parameters: {weight: 0.6, density: 0.5}
                  - model: /abs/code
                parameters:
                  weight: 0.4
                  density: 0.7
                  seed: 9
                dtype: bfloat16
                """);
        assertEquals(MergeMethodName.DARE_TIES, config.method());
        assertEquals("/configs/base", config.baseModel());
        assertEquals(
                List.of(
                        new MergeModel(1, "/configs/merges/ft/math", 0.6, 0.5),
                        new MergeModel(2, "/abs/code", 0.4, 0.7)),
                config.models());
        assertEquals(1.0, config.lambda());
        assertFalse(config.normalize(), "mergekit's default for dare_ties");
        assertEquals(DareRescale.PAPER, config.rescale());
        assertEquals(9, config.seed());
        assertEquals(DType.BF16, config.dtype());
        assertTrue(config.newMethod() instanceof DareTiesMerge);
    }

    @Test
    void linearNeedsNoBaseAndNormalizesByDefault() {
        MergeConfig config = parse("""
                merge_method: linear
                models:
                  - model: a
                    parameters: {weight: 1}
                  - model: b
                    parameters: {weight: 3}
                """);
        assertNull(config.baseModel());
        assertTrue(config.normalize());
        assertEquals("/configs/merges/a", config.reference());
        assertNull(config.dtype());
        assertTrue(config.newMethod() instanceof LinearMerge);
    }

    @Test
    void modelUrisAreKeptAsWrittenBesideLocalPaths() {
        MergeConfig config = parse("""
                merge_method: ties
                base_model: s3a://bucket/models/base/
                models:
                  - model: s3a://bucket/models/base   # the base, trailing slash or not
                  - model: s3a://bucket/models/math
                  - model: ft/code
                parameters: {weight: 0.5}
                """);
        assertEquals("s3a://bucket/models/base", config.baseModel());
        assertEquals(
                List.of("s3a://bucket/models/math", "/configs/merges/ft/code"),
                config.models().stream().map(MergeModel::path).toList());
        assertEquals("s3a://bucket/models/base", config.reference());
    }

    @Test
    void aYamlOnAFileSystemUriResolvesRelativePathsAgainstItsFolder() {
        URI file = URI.create("s3a://bucket/merges/v1/merge.yaml");
        MergeConfig config = MergeConfig.parse("""
                merge_method: ties
                base_model: ../../models/base
                models:
                  - model: math sft/
                  - model: /models/code
                  - model: hdfs://namenode:8020/models/chat
                parameters: {weight: 0.5}
                """, file);
        assertEquals("s3a://bucket/merges/v1/merge.yaml", config.source());
        assertEquals("s3a://bucket/models/base", config.baseModel());
        assertEquals(
                List.of(
                        "s3a://bucket/merges/v1/math sft",
                        "s3a://bucket/models/code",
                        "hdfs://namenode:8020/models/chat"),
                config.models().stream().map(MergeModel::path).toList());
        MoelabInputException e =
                assertThrows(MoelabInputException.class, () -> MergeConfig.parse("merge_method: slerp\n", file));
        assertTrue(e.getMessage().startsWith(file + ": field 'merge_method'"), e.getMessage());
    }

    @Test
    void tiesReadsLambdaNormalizeAndDensity() {
        MergeConfig config = parse("""
                merge_method: ties
                base_model: base
                models: [{model: a, parameters: {weight: 1, density: 0.2}}]
                parameters: {lambda: 0.5, normalize: false}
                """);
        assertEquals(0.5, config.lambda());
        assertFalse(config.normalize());
        assertEquals(0.2, config.models().get(0).density());
    }

    private static final String TIES = """
            merge_method: ties
            base_model: base
            models:
              - model: a
                parameters: {weight: 1, density: 0.5}
            """;

    @Test
    void unknownMethodIsRejected() {
        assertRejected(TIES.replace("ties", "slerp"), "merge_method", "slerp", "dare_ties");
    }

    @Test
    void unknownFieldsAreRejected() {
        assertRejected(TIES + "tokenizer_source: base\n", "unknown field 'tokenizer_source'");
        assertRejected(TIES.replace("density: 0.5", "denisty: 0.5"), "unknown field 'models[0].parameters.denisty'");
        assertRejected(TIES + "parameters: {int8_mask: true}\n", "unknown field 'parameters.int8_mask'");
    }

    @Test
    void parametersTheMethodDoesNotReadAreRejected() {
        assertRejected(TIES + "parameters: {seed: 3}\n", "unknown field 'parameters.seed'");
        assertRejected(TIES.replace("ties", "linear"), "unknown field 'models[0].parameters.density'");
        assertRejected(
                "merge_method: linear\nmodels: [{model: a, parameters: {weight: 1}}]\nparameters: {lambda: 2}\n",
                "unknown field 'parameters.lambda'");
    }

    @Test
    void densityOutsideZeroToOneIsRejected() {
        assertRejected(TIES.replace("density: 0.5", "density: 0"), "models[0].parameters.density", "(0, 1]");
        assertRejected(TIES.replace("density: 0.5", "density: 1.5"), "models[0].parameters.density", "1.5");
        assertRejected(TIES + "parameters: {density: -0.1}\n", "'parameters.density'");
    }

    @Test
    void missingRequiredFieldsAreRejected() {
        assertRejected(TIES.replace("merge_method: ties\n", ""), "'merge_method': missing");
        assertRejected(TIES.replace("base_model: base\n", ""), "'base_model': missing");
        assertRejected(TIES.replace("weight: 1, ", ""), "'models[0].parameters.weight': missing");
        assertRejected("merge_method: linear\n", "'models': missing");
        assertRejected(TIES.replace("- model: a", "- model: base"), "'models': no model to merge besides the base");
        assertRejected(
                "merge_method: ties\nbase_model: b\nmodels: [{parameters: {weight: 1}}]\n",
                "'models[0].model': missing");
    }

    @Test
    void badValuesAreRejected() {
        assertRejected(TIES.replace("weight: 1", "weight: '1'"), "'models[0].parameters.weight': expected a number");
        assertRejected(TIES.replace("weight: 1", "weight: [0, 1]"), "gradients");
        assertRejected(TIES + "dtype: int8\n", "'dtype'", "int8");
        assertRejected(TIES.replace("ties", "dare_linear") + "parameters: {rescale: true}\n", "'parameters.rescale'");
        assertRejected(TIES.replace("ties", "dare_linear") + "parameters: {seed: 1.5}\n", "'parameters.seed'");
        assertRejected(
                "merge_method: linear\nmodels: [{model: a, parameters: {weight: 1}}, {model: b, parameters: {weight: -1}}]\n",
                "sum to 0");
        assertRejected("merge_method: [linear\n", "not valid YAML");
    }
}
