package io.moelab.compress.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moelab.MoelabInputException;
import io.moelab.compress.CompressedLayer;
import io.moelab.compress.CompressionFixtures;
import io.moelab.compress.ExpertWeights;
import io.moelab.compress.MoeModelLogits;
import io.moelab.compress.method.ExpertPruning;
import io.moelab.compress.method.FrequencyPruning;
import io.moelab.compress.method.MSmoe;
import io.moelab.compress.method.ReconstructionPruning;
import io.moelab.model.MoeModel;
import io.moelab.model.checkpoint.DType;
import io.moelab.routing.policy.EvalPolicy;
import io.moelab.routing.policy.PolicySpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCompressorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<int[]> CALIBRATION = CompressionFixtures.calibrationSequences(8, 96);
    private static final int[][] PROBE = {
        CompressionFixtures.calibrationSequences(10, 64).get(9),
        CompressionFixtures.calibrationSequences(10, 40).get(3)
    };

    @TempDir
    Path temp;

    @Test
    void compressedCheckpointLoadsWithTheSameOutputsAsTheInMemoryModel() throws Exception {
        ModelTensors source = CompressionFixtures.trainedModel();
        ModelCompressor.Result result = new ModelCompressor(
                        new FrequencyPruning(), 4, ModelCompressor.Inputs.LAYER_WISE)
                .compress(source, CALIBRATION, null);
        CompressedModel compressed =
                new CompressedModel(source, result.layers(), ExportForm.SMALLER_ROUTER, source.dtype());
        Path out = temp.resolve("pruned");
        CompressedCheckpoint.write(compressed, result.skipBetas(), provenance(), out, 64 * 1024);

        MoeModel loaded = MoeModel.load(out);
        assertArrayEquals(
                logits(compressed.model()), logits(loaded), "written checkpoint = in-memory model, bit for bit");
        JsonNode config = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals(4, config.get("num_local_experts").asInt());
        assertEquals("bfloat16", config.get("torch_dtype").asText());
        assertTrue(Files.exists(out.resolve("model.safetensors.index.json")), "64 KiB shards force an index");
        assertTrue(Files.readString(out.resolve("README.md")).contains("frequency"));
        assertFalse(Files.list(temp).anyMatch(p -> p.getFileName().toString().contains("staging")));
        // The betas file is what the skip policy reads.
        EvalPolicy skip = PolicySpecs.parse("skip:betas=" + out.resolve("skip-betas.json"));
        skip.validateFor(loaded.config());
        assertThrows(
                MoelabInputException.class,
                () -> CompressedCheckpoint.write(compressed, result.skipBetas(), provenance(), out, 1L << 30),
                "an existing output is never overwritten");
    }

    @Test
    void exactRouterPruningRoutesLikeMaskingTheDroppedExperts() {
        ModelTensors source = CompressionFixtures.trainedModel();
        ModelCompressor.Result result = new ModelCompressor(
                        new FrequencyPruning(), 4, ModelCompressor.Inputs.LAYER_WISE)
                .compress(source, CALIBRATION, null);
        MoeModel exact = new CompressedModel(source, result.layers(), ExportForm.EXACT_ROUTER, source.dtype()).model();
        List<String> off = new ArrayList<>();
        result.layers().forEach((layer, compressed) -> {
            for (int e = 0; e < compressed.expertMap().length; e++) {
                if (compressed.expertMap()[e] < 0) {
                    off.add(layer + "/" + e);
                }
            }
        });
        assertEquals(4 * 4, off.size());
        EvalPolicy.Routed mask = (EvalPolicy.Routed) PolicySpecs.parse("mask:off=" + String.join("+", off));
        float[] masked = MoeModelLogits.of(source.model(), PROBE, mask);
        assertArrayEquals(masked, logits(exact));
    }

    @Test
    void exactRouterMergeRoundTripsAndKeepsTheOriginalRouter() throws Exception {
        ModelTensors source = CompressionFixtures.trainedModel();
        ModelCompressor.Result result = new ModelCompressor(new MSmoe(), 4, ModelCompressor.Inputs.LAYER_WISE)
                .compress(source, CALIBRATION, null);
        CompressedModel exact = new CompressedModel(source, result.layers(), ExportForm.EXACT_ROUTER, DType.F32);
        Path out = temp.resolve("m-smoe-exact");
        CompressedCheckpoint.write(exact, result.skipBetas(), provenance(), out, 1L << 30);
        MoeModel loaded = MoeModel.load(out);
        assertEquals(8, loaded.config().experts().numExperts(), "the router keeps its 8 outputs");
        assertArrayEquals(logits(exact.model()), logits(loaded));
        assertArrayEquals(source.model().routerWeights(0), loaded.routerWeights(0));
        JsonNode map = JSON.readTree(out.resolve("config.json").toFile()).get("moelab_expert_map");
        assertEquals(4, map.size());
        assertEquals(8, map.get("0").size());
    }

    @Test
    void pruningNothingGivesBackTheOriginalBitForBit() {
        ModelTensors source = CompressionFixtures.trainedModel();
        Map<Integer, CompressedLayer> identity = new TreeMap<>();
        for (int layer : source.config().layers().moeLayerIndices()) {
            identity.put(layer, ExpertPruning.keep(source.moeLayer(layer), CompressionFixtures.range(8)));
        }
        CompressedModel compressed = new CompressedModel(source, identity, ExportForm.SMALLER_ROUTER, source.dtype());
        compressed
                .tensors()
                .forEach((name, tensor) ->
                        assertArrayEquals(source.tensors().get(name).values(), tensor.values(), name));
        assertEquals(source.tensors().keySet(), compressed.tensors().keySet());
        assertArrayEquals(logits(source.model()), logits(compressed.model()));
    }

    @Test
    void mergingAnExpertWithItselfGivesItBack() {
        ExpertWeights expert =
                CompressionFixtures.trainedModel().moeLayer(1).experts().get(3);
        ExpertWeights merged = ExpertWeights.weightedSum(List.of(expert, expert), new double[] {0.3, 0.7});
        assertTrue(CompressionFixtures.maxAbsDifference(expert.gate(), merged.gate()) <= 1e-7f);
        assertTrue(CompressionFixtures.maxAbsDifference(expert.down(), merged.down()) <= 1e-7f);
    }

    @Test
    void progressiveInputsMatchLayerWiseOnTheFirstLayerOnly() {
        ModelTensors source = CompressionFixtures.trainedModel();
        ModelCompressor.Result layerWise = new ModelCompressor(
                        new ReconstructionPruning(128), 4, ModelCompressor.Inputs.LAYER_WISE)
                .compress(source, CALIBRATION, null);
        ModelCompressor.Result progressive = new ModelCompressor(
                        new ReconstructionPruning(128), 4, ModelCompressor.Inputs.PROGRESSIVE)
                .compress(source, CALIBRATION, null);
        assertArrayEquals(
                layerWise.layers().get(0).expertMap(),
                progressive.layers().get(0).expertMap());
        assertEquals(layerWise.skipBetas().get(0), progressive.skipBetas().get(0));
        assertFalse(
                layerWise.skipBetas().get(3).equals(progressive.skipBetas().get(3)),
                "layer 3 sees the inputs of a pruned model");
    }

    @Test
    void badTargetsAndStatisticsAreClearErrors() {
        ModelTensors source = CompressionFixtures.trainedModel();
        var error = assertThrows(
                MoelabInputException.class,
                () -> new ModelCompressor(new FrequencyPruning(), 8, ModelCompressor.Inputs.LAYER_WISE)
                        .compress(source, CALIBRATION, null));
        assertTrue(error.getMessage().contains("--target-experts 8"), error.getMessage());
        assertThrows(
                MoelabInputException.class,
                () -> new ModelCompressor(new FrequencyPruning(), 1, ModelCompressor.Inputs.LAYER_WISE)
                        .compress(source, CALIBRATION, null));
        Map<Integer, long[]> wrongExperts = new TreeMap<>();
        for (int layer : source.config().layers().moeLayerIndices()) {
            wrongExperts.put(layer, new long[16]);
        }
        error = assertThrows(
                MoelabInputException.class,
                () -> new ModelCompressor(new FrequencyPruning(), 4, ModelCompressor.Inputs.LAYER_WISE)
                        .compress(source, CALIBRATION, wrongExperts));
        assertTrue(error.getMessage().contains("16 experts"), error.getMessage());
    }

    private static CompressedCheckpoint.Provenance provenance() {
        return new CompressedCheckpoint.Provenance(
                "frequency", Map.of(), 4, null, "calibration-mix, 8 × 96 bytes", "layer-wise", "moelab test");
    }

    private static float[] logits(MoeModel model) {
        return MoeModelLogits.of(model, PROBE, null);
    }
}
