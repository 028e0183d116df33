package io.moelab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moelab.MoelabInputException;
import io.moelab.model.ActivationMemory;
import io.moelab.model.WeightMemory;
import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.moe.MoeConfig;
import io.moelab.routing.FamilyRule;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code moelab inspect --model DIR}: what a checkpoint is and the memory each residency mode needs, from its config
 * and safetensors headers only (no weights read).
 */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = "Describe a Hugging Face MoE checkpoint: family, layers, experts, parameters, dtype, and the"
                + " memory its weights and activations need per residency mode.")
public final class InspectCommand implements Callable<Integer> {
    /** The activation estimate is given per this many tokens (it grows linearly with them). */
    static final int ACTIVATION_TOKENS = 1_000;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model directory (config.json + *.safetensors).")
    Path model;

    @Option(
            names = "--sequence-length",
            defaultValue = "2048",
            description = "Tokens per sequence assumed by the activation estimate (attention scores grow with it;"
                    + " default: ${DEFAULT-VALUE}).")
    int sequenceLength;

    @Option(names = "--json", description = "Print the figures as JSON (all sizes in bytes) instead of text.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        if (sequenceLength < 1) {
            throw new MoelabInputException(
                    "--sequence-length: the sequence length must be at least 1, got " + sequenceLength);
        }
        MoeConfig config = MoeConfig.load(model.resolve("config.json"));
        String dtype;
        WeightMemory weights;
        try (Checkpoint checkpoint = Checkpoint.open(model)) {
            dtype = checkpoint.dominantDType().name();
            weights = WeightMemory.of(config, checkpoint);
        }
        ActivationMemory activations = ActivationMemory.of(config, ACTIVATION_TOKENS, sequenceLength);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode root = JSON.createObjectNode()
                    .put("model", model.toString())
                    .put("family", config.family().modelType())
                    .put("dtype", dtype);
            root.set("parameters", JSON.valueToTree(config.parameterCount()));
            root.set("weights", JSON.valueToTree(weights));
            root.set("activations", JSON.valueToTree(activations));
            out.println(JSON.writeValueAsString(root));
            out.flush();
            return 0;
        }
        int[] moeLayers = config.layers().moeLayerIndices();
        int[] denseLayers = IntStream.range(0, config.layers().numLayers())
                .filter(l -> !config.layers().isMoeLayer(l))
                .toArray();
        MoeConfig.ParameterCount parameters = config.parameterCount();
        String shared = config.experts().sharedIntermediate() == 0
                ? "none"
                : "width " + config.experts().sharedIntermediate()
                        + (config.experts().sharedExpertGated() ? ", sigmoid-gated" : ", unscaled");
        spec.commandLine()
                .getOut()
                .printf(
                        Locale.ROOT,
                        """
                model        %s
                family       %s
                layers       %d (MoE: %s; dense: %s)
                experts      %d routed per MoE layer, top-%d, gates %s
                expert width %d%s
                shared       %s
                attention    %d heads, %d KV heads, head_dim %d, RoPE theta %s%s
                vocabulary   %d
                parameters   %,d total, %,d active per token
                dtype        %s (computed in float32)
                """,
                        model,
                        config.family().modelType(),
                        config.layers().numLayers(),
                        ranges(moeLayers),
                        ranges(denseLayers),
                        config.experts().numExperts(),
                        config.routing().topK(),
                        FamilyRule.renormalises(config, config.routing().topK())
                                ? "renormalised"
                                : "raw softmax probabilities",
                        config.experts().expertIntermediate(),
                        denseLayers.length > 0
                                ? " (dense MLP width " + config.layers().denseIntermediate() + ")"
                                : "",
                        shared,
                        config.attention().numHeads(),
                        config.attention().numKvHeads(),
                        config.attention().headDim(),
                        config.attention().ropeTheta(),
                        switch (config.attention().qkNorm()) {
                            case NONE -> "";
                            case PER_HEAD -> ", q/k norm per head";
                            case WHOLE_PROJECTION -> ", q/k norm over the whole projection";
                        },
                        config.vocabSize(),
                        parameters.total(),
                        parameters.activePerToken(),
                        dtype);
        printWeights(out, weights);
        printActivations(out, config, activations);
        out.flush();
        return 0;
    }

    private static void printWeights(PrintWriter out, WeightMemory weights) {
        out.println("memory       weights from the safetensors headers, in their stored dtype and widened to float32");
        WeightMemory.LayerBytes largest = weights.largestLayer();
        layerLine(out, "decoder layer", largest, largest.moe() ? ", MoE" : ", dense");
        if (weights.largestMoeLayer() != null) {
            layerLine(out, "MoE layer", weights.largestMoeLayer(), "");
            layerLine(out, "dense layer", weights.largestDenseLayer(), "");
        }
        out.printf(
                Locale.ROOT,
                "  embeddings+head  %s (embeddings, final norm, %s)%n",
                storedAndFloat32(
                        weights.embeddingsAndHead().stored(),
                        weights.embeddingsAndHead().float32()),
                weights.tiedLmHead()
                        ? "LM head tied to the embeddings (the float32 load copies them for it)"
                        : "separate LM head");
        out.printf(
                Locale.ROOT,
                "  widening buffer  %s%n",
                weights.wideningBuffer().tensor() == null
                        ? "none (every matrix is stored as float32)"
                        : bytes(weights.wideningBuffer().bytes()) + " (float32 copy of the largest matrix, "
                                + weights.wideningBuffer().tensor() + ", widened one at a time per matmul)");
        out.printf(
                Locale.ROOT,
                "  float32-held     %s (every weight widened to float32 at load: WeightPrecision.FLOAT32)%n",
                bytes(weights.float32Held()));
        out.printf(
                Locale.ROOT,
                "  RESIDENT         %s (matrices in their stored dtype, embedding table and vectors float32, + widening buffer: what MoeModel.load holds)%n",
                bytes(weights.resident()));
        out.printf(
                Locale.ROOT,
                "  STREAMED         %s (largest layer + widening buffer + embeddings and head; the hidden states"
                        + " between layers are extra: residual stream below)%n",
                bytes(weights.streamed()));
    }

    private static void layerLine(PrintWriter out, String label, WeightMemory.LayerBytes layer, String kind) {
        out.printf(
                Locale.ROOT,
                "  %-16s %s (largest: layer %d%s)%n",
                label,
                storedAndFloat32(layer.stored(), layer.float32()),
                layer.layer(),
                kind);
    }

    private static void printActivations(PrintWriter out, MoeConfig config, ActivationMemory activations) {
        out.printf(
                Locale.ROOT,
                "activations  estimate per %,d tokens in sequences of %,d (--sequence-length), float32, from the"
                        + " shapes the forward allocates%n",
                activations.tokens(),
                activations.sequenceLength());
        out.printf(
                Locale.ROOT,
                "  residual stream  %s (hidden states between layers: %d per token)%n",
                bytes(activations.residualStream()),
                config.hiddenSize());
        out.printf(
                Locale.ROOT,
                "  KV cache         %s (keys and values of %d layers: %d KV heads × %d per token each)%n",
                bytes(activations.kvCache()),
                config.layers().numLayers(),
                config.attention().numKvHeads(),
                config.attention().headDim());
        out.printf(
                Locale.ROOT,
                "  attention        %s (one layer: input, q, k, v, keys and values per query head, output; scores"
                        + " %d heads × %,d per token: %s)%n",
                bytes(activations.attention()),
                config.attention().numHeads(),
                activations.sequenceLength(),
                bytes(activations.attentionScores()));
        if (activations.moeBlock() > 0) {
            out.printf(
                    Locale.ROOT,
                    "  MoE block        %s (one layer: input, router logits, gathered input, gate, up and down of"
                            + " the top-%d routed pairs%s, output)%n",
                    bytes(activations.moeBlock()),
                    config.routing().topK(),
                    config.experts().sharedIntermediate() == 0 ? "" : ", shared expert");
        }
        if (activations.denseMlp() > 0) {
            out.printf(
                    Locale.ROOT,
                    "  dense MLP        %s (one layer: input, gate, up and down)%n",
                    bytes(activations.denseMlp()));
        }
        out.printf(
                Locale.ROOT,
                "  logits           %s (LM-head rows: %d per token)%n",
                bytes(activations.logits()),
                config.vocabSize());
        out.printf(
                Locale.ROOT,
                "  peak             %s (residual stream + KV cache + logits + one layer's attention and larger"
                        + " feed-forward block; not counted: Java/ND4J copies, workspace slack, kept layer"
                        + " outputs)%n",
                bytes(activations.total()));
    }

    private static String storedAndFloat32(long stored, long float32) {
        return bytes(stored) + " stored, " + bytes(float32) + " as float32";
    }

    /** Binary units, two decimals: 1.50 KiB, 12.25 MiB, 3.00 GiB. */
    static String bytes(long count) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        if (count < 1024) {
            return count + " B";
        }
        double value = count;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.2f %s", value, units[unit]);
    }

    private static String ranges(int[] layers) {
        if (layers.length == 0) {
            return "none";
        }
        return Arrays.stream(layers).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
}
