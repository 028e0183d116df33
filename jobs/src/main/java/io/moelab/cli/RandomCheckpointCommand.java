package io.moelab.cli;

import io.moelab.MoelabInputException;
import io.moelab.model.checkpoint.DType;
import io.moelab.model.synthetic.RandomCheckpointWriter;
import io.moelab.model.synthetic.ShapePreset;
import io.moelab.moe.MoeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code moelab random-checkpoint --shape olmoe-1b-7b --layers 2 --output DIR}: a checkpoint of seeded random weights
 * with a real model's widths, for benchmarks at real size without downloading the model. No Spark.
 */
@Command(
        name = "random-checkpoint",
        mixinStandardHelpOptions = true,
        description = "Write a Hugging Face checkpoint of seeded random weights with a real model's widths.")
public final class RandomCheckpointCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--shape",
            description = "Widths of a real model: olmoe-1b-7b, qwen1.5-moe-a2.7b or mixtral-8x7b (or give --config).")
    String shape;

    @Option(names = "--config", description = "A config.json moelab loads, instead of --shape.")
    Path config;

    @Option(names = "--layers", description = "Decoder layers to write instead of the config's num_hidden_layers.")
    Integer layers;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--dtype",
            defaultValue = "bfloat16",
            description = "Stored dtype: bfloat16, float16 or float32 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--output", required = true, description = "Model directory to create; must not exist.")
    Path output;

    @Option(
            names = "--max-shard-bytes",
            defaultValue = "5000000000",
            description = "Shard the safetensors past this size, as save_pretrained's 5GB (default: ${DEFAULT-VALUE}).")
    long maxShardBytes;

    @Override
    public Integer call() {
        String configJson = configJson();
        DType storedAs = DType.fromTorchName(dtype)
                .orElseThrow(() ->
                        new MoelabInputException("--dtype: '" + dtype + "' is not one of bfloat16, float16, float32"));
        if (layers != null && layers < 1) {
            throw new MoelabInputException("--layers: must be at least 1, got " + layers);
        }
        if (maxShardBytes <= 0) {
            throw new MoelabInputException("--max-shard-bytes: must be positive, got " + maxShardBytes);
        }
        if (Files.exists(output)) {
            throw new MoelabInputException("--output " + output + ": already exists; choose a new directory");
        }
        RandomCheckpointWriter writer = RandomCheckpointWriter.of(
                configJson,
                shape != null ? "--shape " + shape : config.toString(),
                layers == null ? OptionalInt.empty() : OptionalInt.of(layers),
                seed,
                storedAs);
        long start = System.nanoTime();
        writer.write(output, maxShardBytes);
        double seconds = (System.nanoTime() - start) / 1e9;
        MoeConfig written = writer.config();
        spec.commandLine()
                .getOut()
                .printf(
                        Locale.ROOT,
                        "wrote %s: %s, %d layer%s, %,d parameters, %.2f GB of %s in %.1f s (%.0f MB/s)%n",
                        output,
                        written.family().modelType(),
                        written.layers().numLayers(),
                        written.layers().numLayers() == 1 ? "" : "s",
                        written.parameterCount().total(),
                        writer.dataBytes() / 1e9,
                        storedAs.torchName(),
                        seconds,
                        writer.dataBytes() / 1e6 / seconds);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The text of the preset or the file that exactly one of --shape and --config names. */
    private String configJson() {
        if ((shape == null) == (config == null)) {
            throw new MoelabInputException("--shape or --config: give exactly one");
        }
        if (shape != null) {
            return ShapePreset.fromCliName(shape)
                    .orElseThrow(() -> new MoelabInputException(
                            "--shape: '" + shape + "' is not one of " + ShapePreset.cliNames()))
                    .configJson();
        }
        try {
            return Files.readString(config);
        } catch (IOException e) {
            throw new MoelabInputException("--config " + config + ": cannot read: " + e, e);
        }
    }
}
