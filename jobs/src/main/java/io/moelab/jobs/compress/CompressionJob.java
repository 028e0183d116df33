package io.moelab.jobs.compress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moelab.MoelabInputException;
import io.moelab.compress.CompressedLayer;
import io.moelab.compress.CompressionMethod;
import io.moelab.compress.PlanEntry;
import io.moelab.compress.method.CompressionMethodRegistry;
import io.moelab.compress.pipeline.CompressedCheckpoint;
import io.moelab.compress.pipeline.CompressedModel;
import io.moelab.compress.pipeline.ModelCompressor;
import io.moelab.compress.pipeline.ModelTensors;
import io.moelab.data.CalibrationSequence;
import io.moelab.data.SequencingOptions;
import io.moelab.jobs.data.DatasetSource;
import io.moelab.jobs.data.SerializableTokenizerFactory;
import io.moelab.jobs.executor.ModelStager;
import io.moelab.jobs.warehouse.BuildInfo;
import io.moelab.jobs.warehouse.RunCommit;
import io.moelab.jobs.warehouse.RunRecord;
import io.moelab.jobs.warehouse.TableSchemas;
import io.moelab.jobs.warehouse.Warehouse;
import io.moelab.model.checkpoint.DType;
import io.moelab.model.checkpoint.ModelDirectory;
import io.moelab.model.tokenizer.Tokenizer;
import io.moelab.model.tokenizer.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * {@code moelab compress}: one compression method on one model. The driver reads the statistics
 * run and the calibration sequences with Spark, compresses the layers in-process (the method
 * needs a whole layer at once), writes the checkpoint atomically and then commits
 * {@code merge_plans} and a {@code runs} row. Everything is checked before anything is written;
 * if the warehouse commit fails, the new checkpoint is removed again.
 */
public final class CompressionJob {
    public static final String JOB_NAME = "compress";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SparkSession spark;
    private final CompressionMethodRegistry methods;

    /** A job that builds the config's method from {@code methods}. */
    public CompressionJob(SparkSession spark, CompressionMethodRegistry methods) {
        this.spark = spark;
        this.methods = methods;
    }

    /**
     * What a run produced.
     *
     * @param averageExpertBits bits per routed-expert weight as stored (the dtype's, or the mixed-precision budget met)
     */
    public record Summary(
            String runId,
            Path checkpoint,
            Map<Integer, CompressedLayer> layers,
            long planRows,
            int expertsPerLayer,
            double averageExpertBits) {}

    public Summary run(CompressionConfig config) {
        Instant started = Instant.now();
        Path output = Path.of(config.output());
        if (Files.exists(output)) {
            throw new MoelabInputException("--output " + output + ": already exists; choose a new directory");
        }
        CompressionMethod method = methods.create(config.method(), config.methodParameters(), config.methodContext());
        Warehouse warehouse = Warehouse.open(spark, config.warehouse());
        Path localModel = ModelStager.executor()
                .localDirectory(config.model(), spark.sparkContext().hadoopConfiguration());
        ModelTensors source = ModelTensors.load(localModel);
        // Fake-quantised grid values are exact only in float32; other methods keep the source's dtype, as
        // save_pretrained does.
        DType dtype = config.dtype() != null
                ? DType.fromTorchName(config.dtype())
                        .orElseThrow(() -> new MoelabInputException(
                                "--dtype: '" + config.dtype() + "' is not one of float32, float16, bfloat16"))
                : method.reducesExperts() ? source.dtype() : DType.F32;
        Map<Integer, long[]> counts = config.statsRun() == null
                ? null
                : RoutingCounts.read(warehouse, config.statsRun(), config.statsLabel(), source.config());
        List<int[]> calibration = calibrationSequences(config, localModel, source);
        ModelCompressor.Result result = new ModelCompressor(method, config.targetExperts(), config.inputs())
                .compress(source, calibration, counts);
        CompressedModel compressed = new CompressedModel(source, result.layers(), config.form(), dtype);

        Map<String, Object> parameters = new LinkedHashMap<>(new TreeMap<>(method.parameters()));
        parameters.put("target_experts", config.targetExperts());
        parameters.put("inputs", config.inputs().name().toLowerCase());
        parameters.put("form", config.form().name().toLowerCase());
        parameters.put("stats_run", config.statsRun());
        parameters.put("stats_label", config.statsLabel());
        List<Row> plan = planRows(config, method.name(), json(parameters), result.layers());
        try (RunCommit commit = warehouse.begin(config.runId())) {
            commit.stage(
                    TableSchemas.MERGE_PLANS,
                    spark.createDataFrame(
                            plan, TableSchemas.get(TableSchemas.MERGE_PLANS).schema()));
            CompressedCheckpoint.write(
                    compressed,
                    result.skipBetas(),
                    new CompressedCheckpoint.Provenance(
                            method.name(),
                            parameters,
                            config.targetExperts(),
                            config.statsRun(),
                            String.join(",", config.calibration().paths()) + ", " + calibration.size()
                                    + " sequences of " + config.sequenceLength() + " tokens",
                            config.inputs().name().toLowerCase(),
                            "moelab " + BuildInfo.version()),
                    output,
                    config.maxShardBytes());
            try {
                commit.commit(RunRecord.builder(config.runId(), JOB_NAME)
                        .configOf(config)
                        .modelRef(config.model())
                        .datasetRef(String.join(",", config.calibration().paths()))
                        .startedAt(started)
                        .finishedAt(Instant.now())
                        .status(RunRecord.SUCCEEDED)
                        .sparkApplicationId(spark.sparkContext().applicationId())
                        .tokensProcessed(
                                calibration.stream().mapToLong(s -> s.length).sum())
                        .build());
            } catch (RuntimeException e) {
                ModelDirectory.deleteTree(output);
                throw e;
            }
        }
        return new Summary(
                config.runId(),
                output,
                result.layers(),
                plan.size(),
                result.layers().values().iterator().next().numExperts(),
                ExpertBits.average(result.layers(), dtype));
    }

    /** The first {@code sequences} calibration sequences in the seed's order, packed as the calibrate job packs them. */
    private List<int[]> calibrationSequences(CompressionConfig config, Path localModel, ModelTensors source) {
        int vocab = source.config().vocabSize();
        SequencingOptions sequencing;
        try (Tokenizer tokenizer = Tokenizers.forModel(localModel, vocab)) {
            sequencing = SequencingOptions.forModel(
                    SequencingOptions.Mode.PACK, config.sequenceLength(), tokenizer, source.config());
        }
        String modelPath = localModel.toString();
        SerializableTokenizerFactory tokenizer = () -> Tokenizers.forModel(Path.of(modelPath), vocab);
        List<int[]> sequences = new ArrayList<>();
        for (CalibrationSequence sequence : new DatasetSource(spark, config.calibration())
                .sequences(tokenizer, vocab, sequencing)
                .take(config.sequences())) {
            sequences.add(sequence.tokens());
        }
        if (sequences.size() < config.sequences()) {
            throw new MoelabInputException(
                    "--calibration " + String.join(",", config.calibration().paths()) + " gave "
                            + sequences.size() + " sequences of " + config.sequenceLength() + " tokens; "
                            + config.sequences() + " asked for");
        }
        return sequences;
    }

    private static List<Row> planRows(
            CompressionConfig config, String method, String parameters, Map<Integer, CompressedLayer> layers) {
        List<Row> rows = new ArrayList<>();
        layers.forEach((layer, compressed) -> {
            for (PlanEntry entry : compressed.plan()) {
                rows.add(RowFactory.create(
                        config.runId(),
                        method,
                        layer,
                        entry.target(),
                        entry.source(),
                        entry.coefficient(),
                        config.model(),
                        entry.permutationDigest(),
                        parameters));
            }
        });
        return rows;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
