package io.moelab.jobs.warehouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Objects;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One row of the {@code runs} lineage table: what ran, on what, from which build, and how it ended.
 * A run's rows in the other tables are trustworthy only while its {@code runs} row says
 * {@link #SUCCEEDED} (see {@link Warehouse}).
 *
 * <p>{@code config} is redacted on construction ({@link ConfigRedactor}), so no {@code RunRecord}
 * can carry a credential into the table, whichever way it was built.
 *
 * @param config the job's effective config as JSON text, secrets replaced by {@code ***}
 * @param gitCommit the commit the moelab build came from, {@value BuildInfo#UNKNOWN} if not recorded
 * @param sparkApplicationId the Spark application that produced the run's tables, if any
 * @param tokensProcessed tokens the job pushed through the model (0 for jobs that run no model)
 */
public record RunRecord(
        String runId,
        String job,
        String config,
        String moelabVersion,
        String gitCommit,
        String modelRef,
        String datasetRef,
        Instant startedAt,
        Instant finishedAt,
        String status,
        String sparkApplicationId,
        long tokensProcessed) {

    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    private static final ObjectMapper JSON = new ObjectMapper();

    public RunRecord {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(status, "status");
        config = ConfigRedactor.redact(config);
    }

    /** A builder with this build's version and git commit filled in. */
    public static Builder builder(String runId, String job) {
        return new Builder(runId, job);
    }

    /** The row in {@link TableSchemas#RUNS} column order. */
    public Row toRow() {
        return RowFactory.create(
                runId,
                job,
                config,
                moelabVersion,
                gitCommit,
                modelRef,
                datasetRef,
                timestamp(startedAt),
                timestamp(finishedAt),
                status,
                sparkApplicationId,
                tokensProcessed);
    }

    /** Reads a row of the {@code runs} table back (by column name, so column order does not matter). */
    public static RunRecord fromRow(Row row) {
        return new RunRecord(
                row.getAs("run_id"),
                row.getAs("job"),
                row.getAs("config"),
                row.getAs("moelab_version"),
                row.getAs("git_commit"),
                row.getAs("model_ref"),
                row.getAs("dataset_ref"),
                instant(row.getAs("started_at")),
                instant(row.getAs("finished_at")),
                row.getAs("status"),
                row.getAs("spark_application_id"),
                row.isNullAt(row.fieldIndex("tokens_processed")) ? 0L : row.<Long>getAs("tokens_processed"));
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    /** Spark hands timestamps back as {@link Timestamp}, or as {@link Instant} with its Java 8 time API on. */
    private static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof Timestamp timestamp ? timestamp.toInstant() : (Instant) value;
    }

    /** Builds a {@link RunRecord}; only run id, job and status are required. */
    public static final class Builder {
        private final String runId;
        private final String job;
        private String config;
        private String moelabVersion = BuildInfo.version();
        private String gitCommit = BuildInfo.gitCommit();
        private String modelRef;
        private String datasetRef;
        private Instant startedAt;
        private Instant finishedAt;
        private String status = SUCCEEDED;
        private String sparkApplicationId;
        private long tokensProcessed;

        private Builder(String runId, String job) {
            this.runId = runId;
            this.job = job;
        }

        /** The config as JSON text. */
        public Builder config(String configJson) {
            this.config = configJson;
            return this;
        }

        /** The config as any object Jackson can serialise (a config class, a map of settings). */
        public Builder configOf(Object config) {
            this.config = JSON.valueToTree(config).toString();
            return this;
        }

        public Builder moelabVersion(String moelabVersion) {
            this.moelabVersion = moelabVersion;
            return this;
        }

        public Builder gitCommit(String gitCommit) {
            this.gitCommit = gitCommit;
            return this;
        }

        public Builder modelRef(String modelRef) {
            this.modelRef = modelRef;
            return this;
        }

        public Builder datasetRef(String datasetRef) {
            this.datasetRef = datasetRef;
            return this;
        }

        public Builder startedAt(Instant startedAt) {
            this.startedAt = startedAt;
            return this;
        }

        public Builder finishedAt(Instant finishedAt) {
            this.finishedAt = finishedAt;
            return this;
        }

        /** {@link #SUCCEEDED} unless set. */
        public Builder status(String status) {
            this.status = status;
            return this;
        }

        public Builder sparkApplicationId(String sparkApplicationId) {
            this.sparkApplicationId = sparkApplicationId;
            return this;
        }

        public Builder tokensProcessed(long tokensProcessed) {
            this.tokensProcessed = tokensProcessed;
            return this;
        }

        public RunRecord build() {
            return new RunRecord(
                    runId,
                    job,
                    config,
                    moelabVersion,
                    gitCommit,
                    modelRef,
                    datasetRef,
                    startedAt,
                    finishedAt,
                    status,
                    sparkApplicationId,
                    tokensProcessed);
        }
    }
}
