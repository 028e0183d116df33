package io.moelab.cli;

import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.moe.MoeConfig;
import io.moelab.routing.FamilyRule;
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

/** {@code moelab inspect --model DIR}: what a checkpoint is, from its config and safetensors headers only (no weights read). */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = "Describe a Hugging Face MoE checkpoint: family, layers, experts, parameters, dtype.")
public final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model directory (config.json + *.safetensors).")
    Path model;

    @Override
    public Integer call() {
        MoeConfig config = MoeConfig.load(model.resolve("config.json"));
        String dtype;
        try (Checkpoint checkpoint = Checkpoint.open(model)) {
            dtype = checkpoint.dominantDType().name();
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
        spec.commandLine().getOut().flush();
        return 0;
    }

    private static String ranges(int[] layers) {
        if (layers.length == 0) {
            return "none";
        }
        return Arrays.stream(layers).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
}
