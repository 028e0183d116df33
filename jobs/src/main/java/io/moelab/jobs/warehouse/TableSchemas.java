package io.moelab.jobs.warehouse;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.FloatType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;

import io.moelab.MoelabInputException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The schema registry: every warehouse table, its exact Spark columns and its schema version
 * (docs/DESIGN.md, "Tables"). Every table starts with {@code run_id} (string), the partition column.
 * Counts are {@code long}; layer and expert indices are {@code int}; means, shares and masses are
 * {@code double}.
 *
 * <p>Changing a column means changing its table's version here: a new nullable column bumps the
 * minor version, anything else bumps the major version (which makes existing tables unreadable
 * until migrated, by design).
 */
public final class TableSchemas {
    public static final String RUN_ID = "run_id";

    public static final String RUNS = "runs";
    public static final String ROUTING_STATS = "routing_stats";
    public static final String ROUTING_LAYER_STATS = "routing_layer_stats";
    public static final String COACTIVATION = "coactivation";
    public static final String LAYER_AFFINITY = "layer_affinity";
    public static final String EXPERT_LABELS = "expert_labels";
    public static final String EXPERT_SIMILARITY = "expert_similarity";
    public static final String ROUTING_TRACE = "routing_trace";
    public static final String CACHE_REPLAY = "cache_replay";
    public static final String BENCHMARK_SCORES = "benchmark_scores";
    public static final String EVAL_EXAMPLES = "eval_examples";
    public static final String MERGE_PLANS = "merge_plans";
    public static final String COMPRESSION_REPORT = "compression_report";

    private static final SchemaVersion V1_0 = new SchemaVersion(1, 0);
    private static final Map<String, TableSchema> TABLES = new LinkedHashMap<>();

    static {
        register(
                RUNS,
                V1_0,
                table().add("job", StringType)
                        .add("config", StringType)
                        .add("moelab_version", StringType)
                        .add("git_commit", StringType)
                        .add("model_ref", StringType)
                        .add("dataset_ref", StringType)
                        .add("started_at", TimestampType)
                        .add("finished_at", TimestampType)
                        .add("status", StringType)
                        .add("spark_application_id", StringType)
                        .add("tokens_processed", LongType));
        register(
                ROUTING_STATS,
                V1_0,
                table().add("layer", IntegerType)
                        .add("expert", IntegerType)
                        .add("tokens", LongType)
                        .add("top1_tokens", LongType)
                        .add("gate_mass", DoubleType)
                        .add("prob_mass", DoubleType)
                        .add("frequency", DoubleType)
                        .add("zero_activation_share", DoubleType)
                        .add("output_norm_mean", DoubleType)
                        .add("max_abs_output", DoubleType)
                        .add("max_abs_dim", IntegerType));
        register(
                ROUTING_LAYER_STATS,
                V1_0,
                table().add("layer", IntegerType)
                        .add("tokens", LongType)
                        .add("mean_entropy", DoubleType)
                        .add("load_cv", DoubleType)
                        .add("max_over_mean", DoubleType)
                        .add("dead_experts", LongType)
                        .add("mean_experts_per_token", DoubleType));
        register(
                COACTIVATION,
                V1_0,
                table().add("layer", IntegerType)
                        .add("expert_a", IntegerType)
                        .add("expert_b", IntegerType)
                        .add("tokens", LongType));
        register(
                LAYER_AFFINITY,
                V1_0,
                table().add("layer", IntegerType)
                        .add("expert", IntegerType)
                        .add("next_expert", IntegerType)
                        .add("tokens", LongType));
        register(
                EXPERT_LABELS,
                V1_0,
                table().add("layer", IntegerType)
                        .add("expert", IntegerType)
                        .add("label", StringType)
                        .add("tokens", LongType)
                        .add("npmi", DoubleType));
        register(
                EXPERT_SIMILARITY,
                V1_0,
                table().add("layer", IntegerType)
                        .add("expert_a", IntegerType)
                        .add("expert_b", IntegerType)
                        .add("output_cosine", DoubleType)
                        .add("router_cosine", DoubleType));
        register(
                ROUTING_TRACE,
                V1_0,
                table().add("sequence_id", LongType)
                        .add("position", IntegerType)
                        .add("layer", IntegerType)
                        .add("experts", createArrayType(IntegerType))
                        .add("gates", createArrayType(FloatType)));
        register(
                CACHE_REPLAY,
                V1_0,
                table().add("policy", StringType)
                        .add("capacity", IntegerType)
                        .add("layer", IntegerType)
                        .add("lookups", LongType)
                        .add("hits", LongType)
                        .add("hit_rate", DoubleType));
        register(
                BENCHMARK_SCORES,
                V1_0,
                table().add("model_variant", StringType)
                        .add("routing_policy", StringType)
                        .add("task", StringType)
                        .add("dataset", StringType)
                        .add("metric", StringType)
                        .add("filter", StringType)
                        .add("value", DoubleType)
                        .add("stderr", DoubleType)
                        .add("n", LongType)
                        .add("mean_experts_per_token", DoubleType)
                        .add("tokens_per_second", DoubleType));
        register(
                EVAL_EXAMPLES,
                V1_0,
                table().add("model_variant", StringType)
                        .add("routing_policy", StringType)
                        .add("task", StringType)
                        .add("example_id", StringType)
                        .add("prediction", StringType)
                        .add("target", StringType)
                        .add("correct", BooleanType)
                        .add("loglikelihoods", createArrayType(DoubleType)));
        // One row per (layer, target expert, source expert) for expert compression; for model
        // merging layer = target_expert = -1, source_expert is the model's index in the config and
        // source_model names it. permutation_digest is set only where a source's neurons were
        // permuted before merging (M-SMoE); parameters is the method's settings as JSON.
        register(
                MERGE_PLANS,
                V1_0,
                table().add("method", StringType)
                        .add("layer", IntegerType)
                        .add("target_expert", IntegerType)
                        .add("source_expert", IntegerType)
                        .add("coefficient", DoubleType)
                        .add("source_model", StringType)
                        .add("permutation_digest", StringType)
                        .add("parameters", StringType));
        register(
                COMPRESSION_REPORT,
                V1_0,
                table().add("method", StringType)
                        .add("experts_per_layer", IntegerType)
                        .add("average_expert_bits", DoubleType)
                        .add("domain", StringType)
                        .add("bits_per_byte", DoubleType)
                        .add("bits_per_byte_original", DoubleType)
                        .add("n", LongType)
                        .add("checkpoint", StringType));
    }

    private TableSchemas() {}

    /** The registered table called {@code name}; unknown names are bad input. */
    public static TableSchema get(String name) {
        TableSchema table = TABLES.get(name);
        if (table == null) {
            throw new MoelabInputException("unknown table '" + name + "'; known tables: " + names());
        }
        return table;
    }

    /** Every registered table name, {@code runs} first. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(TABLES.keySet());
    }

    /**
     * Whether two column types are the same, ignoring nullability (Spark reports every column read
     * from files as nullable, and array nullability depends on how the array was built).
     */
    static boolean sameType(DataType a, DataType b) {
        if (a instanceof ArrayType arrayA && b instanceof ArrayType arrayB) {
            return sameType(arrayA.elementType(), arrayB.elementType());
        }
        if (a instanceof MapType mapA && b instanceof MapType mapB) {
            return sameType(mapA.keyType(), mapB.keyType()) && sameType(mapA.valueType(), mapB.valueType());
        }
        if (a instanceof StructType structA && b instanceof StructType structB) {
            StructField[] fieldsA = structA.fields();
            StructField[] fieldsB = structB.fields();
            if (fieldsA.length != fieldsB.length) {
                return false;
            }
            for (int i = 0; i < fieldsA.length; i++) {
                if (!fieldsA[i].name().equals(fieldsB[i].name())
                        || !sameType(fieldsA[i].dataType(), fieldsB[i].dataType())) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static StructType table() {
        return new StructType().add(RUN_ID, StringType);
    }

    private static void register(String name, SchemaVersion version, StructType schema) {
        TABLES.put(name, new TableSchema(name, version, schema));
    }
}
