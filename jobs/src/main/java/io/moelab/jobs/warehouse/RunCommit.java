package io.moelab.jobs.warehouse;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tables of one run, staged and then committed together: builder, then commit.
 *
 * <p><b>{@link #stage}</b> validates without side effects: the table is registered, the rows have
 * exactly its columns and types, every {@code run_id} is this run's, and the table folder (if any)
 * has this build's major schema version.
 *
 * <p><b>{@link #commit}</b> runs in two phases:
 * <ol>
 *   <li><em>Stage</em>: each table, then the {@code runs} row, is written as Parquet to
 *       {@code <root>/_staging/<runId>-<nonce>/<table>/run_id=<runId>/}. This is where Spark
 *       computes the rows, so this is where job failures surface. A failure here deletes the
 *       staging folder and leaves the live tables exactly as they were, including an earlier
 *       commit of the same run id.</li>
 *   <li><em>Publish</em>: (a) record schema versions of new tables; (b) delete the run's old
 *       {@code runs} partition, which withdraws any earlier commit of this run id from
 *       {@link Warehouse#readSucceeded}; (c) for every table folder under the root, delete the
 *       run's partition and, for staged tables, rename the staged partition into its place;
 *       (d) rename the staged {@code runs} partition into place, last.</li>
 * </ol>
 * Re-running a run id therefore replaces the run whole: a table the new commit does not stage
 * loses its old partition for this run id too, because rows left from an earlier attempt (another
 * config, another model) would otherwise be reported under the new run's lineage.
 *
 * <p><b>What is atomic.</b> Each partition appears whole on file systems with atomic directory
 * rename (local, HDFS). On s3a a rename is a copy of each file followed by a delete, so during (c)
 * a partition can be seen half-copied, and across tables the swap is never atomic. Readers are
 * safe by going through the {@code runs} table: between (b) and (d) the run has no {@code runs}
 * row, so {@link Warehouse#readSucceeded} skips it. What remains is a reader that lists a table
 * while the same run id is being re-published; to avoid that, do not re-run a run id that is
 * being read (sweeps give every cell its own run id).
 *
 * <p><b>Who cleans up.</b> {@code commit} deletes its staging folder whether it succeeds or fails.
 * If publishing fails part way, the run stays withdrawn (no {@code runs} row) and re-running it
 * repairs it. A JVM that dies mid-commit can leave a folder under {@code _staging}, which readers
 * ignore; it can be deleted once no commit is running. {@link #abort} and {@link #close} before
 * {@code commit} only drop the staged datasets: nothing was written.
 */
public final class RunCommit implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommit.class);

    private enum State {
        OPEN,
        COMMITTED,
        FAILED,
        ABORTED
    }

    private final Warehouse warehouse;
    private final String runId;
    private final Map<String, Dataset<Row>> staged = new LinkedHashMap<>();
    private State state = State.OPEN;

    RunCommit(Warehouse warehouse, String runId) {
        this.warehouse = warehouse;
        this.runId = runId;
    }

    public String runId() {
        return runId;
    }

    /**
     * Adds a table's rows for this run. Columns may come in any order; they are written in registry
     * order. Checking {@code run_id} runs a Spark job over that column alone; when the column is the
     * literal run id, Spark's optimizer answers it without touching the data.
     *
     * @throws io.moelab.MoelabInputException if the table is unknown, or its folder has another major schema version
     * @throws IllegalArgumentException naming the table and column, if the rows do not match the registry
     *     or hold another run's id; or if the table is {@code runs} (use {@link #commit}) or already staged
     */
    public RunCommit stage(String table, Dataset<Row> rows) {
        requireOpen();
        TableSchema schema = TableSchemas.get(table);
        if (table.equals(TableSchemas.RUNS)) {
            throw new IllegalArgumentException("the runs row is written by commit(RunRecord), not staged");
        }
        if (staged.containsKey(table)) {
            throw new IllegalArgumentException("table " + table + " is already staged for run " + runId);
        }
        checkColumns(schema, rows);
        checkCompatible(schema);
        checkRunIds(table, rows);
        staged.put(
                table, rows.select(schema.columnNames().stream().map(rows::col).toArray(Column[]::new)));
        return this;
    }

    /**
     * Writes the staged tables and {@code runsRow} as described in the class comment.
     *
     * @throws IllegalArgumentException if {@code runsRow} is for another run id
     * @throws IllegalStateException wrapping the cause, if staging or publishing fails; the message
     *     says which, and what is left visible
     */
    public void commit(RunRecord runsRow) {
        requireOpen();
        if (!runId.equals(runsRow.runId())) {
            throw new IllegalArgumentException(
                    "runs row is for run " + runsRow.runId() + ", this commit is for run " + runId);
        }
        TableSchema runs = TableSchemas.get(TableSchemas.RUNS);
        checkCompatible(runs);
        state = State.FAILED;
        FileSystem fs = warehouse.fs();
        Path staging = new Path(
                warehouse.stagingRoot(),
                runId + "-" + UUID.randomUUID().toString().substring(0, 12));
        long start = System.nanoTime();
        try {
            writeToStaging(staging, runs, runsRow);
            publish(staging, runs);
            state = State.COMMITTED;
            LOG.info(
                    "committed run {} ({} tables) to {} in {} ms",
                    runId,
                    staged.size(),
                    warehouse.root(),
                    (System.nanoTime() - start) / 1_000_000);
        } finally {
            deleteStaging(fs, staging);
        }
    }

    /** Drops the staged tables without writing anything; the commit cannot be used afterwards. */
    public void abort() {
        if (state == State.OPEN) {
            staged.clear();
            state = State.ABORTED;
        }
    }

    /** Aborts unless committed, so try-with-resources never leaves a half-used commit behind. */
    @Override
    public void close() {
        abort();
    }

    private void writeToStaging(Path staging, TableSchema runs, RunRecord runsRow) {
        String table = null;
        try {
            for (Map.Entry<String, Dataset<Row>> entry : staged.entrySet()) {
                table = entry.getKey();
                writeParquet(entry.getValue(), stagedPartition(staging, table));
            }
            table = TableSchemas.RUNS;
            Dataset<Row> runsRows = warehouse.spark().createDataFrame(List.of(runsRow.toRow()), runs.schema());
            writeParquet(runsRows, stagedPartition(staging, table));
        } catch (Exception e) { // Spark throws its checked SparkException without declaring it
            throw new IllegalStateException(
                    "run " + runId + ": writing table " + table
                            + " failed; nothing was published and the live tables are unchanged",
                    e);
        }
    }

    /** The partition folder names the run: the files hold every column but {@code run_id}, as Spark's partitioned writes do. */
    private static void writeParquet(Dataset<Row> rows, Path partition) {
        rows.drop(TableSchemas.RUN_ID).write().mode(SaveMode.ErrorIfExists).parquet(partition.toString());
    }

    private void publish(Path staging, TableSchema runs) {
        FileSystem fs = warehouse.fs();
        String step = "recording schema versions";
        try {
            for (String table : staged.keySet()) {
                warehouse.markers().record(TableSchemas.get(table), warehouse.tableDir(table));
            }
            warehouse.markers().record(runs, warehouse.tableDir(TableSchemas.RUNS));

            step = "withdrawing the previous runs row";
            Path runsPartition = Warehouse.partitionDir(warehouse.tableDir(TableSchemas.RUNS), runId);
            fs.delete(runsPartition, true);

            for (String table : tablesToReplace()) {
                step = "replacing the partition of table " + table;
                Path live = Warehouse.partitionDir(warehouse.tableDir(table), runId);
                fs.delete(live, true);
                if (staged.containsKey(table)) {
                    rename(fs, stagedPartition(staging, table), live);
                }
            }

            step = "publishing the runs row";
            rename(fs, stagedPartition(staging, TableSchemas.RUNS), runsPartition);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "run " + runId + ": publishing failed while " + step
                            + "; the run has no runs row, so readers of succeeded runs ignore it; re-run it to repair",
                    e);
        }
    }

    /** Staged tables, then every other table folder under the root that may hold an old partition of this run. */
    private Set<String> tablesToReplace() throws IOException {
        Set<String> tables = new LinkedHashSet<>(staged.keySet());
        for (FileStatus entry : warehouse.fs().listStatus(warehouse.root())) {
            String name = entry.getPath().getName();
            if (entry.isDirectory()
                    && !name.startsWith("_")
                    && !name.startsWith(".")
                    && !name.equals(TableSchemas.RUNS)) {
                tables.add(name);
            }
        }
        return tables;
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        fs.mkdirs(to.getParent());
        if (!fs.rename(from, to)) {
            throw new IOException("rename " + from + " -> " + to + " returned false");
        }
    }

    private Path stagedPartition(Path staging, String table) {
        return Warehouse.partitionDir(new Path(staging, table), runId);
    }

    /** Deletes this commit's staging folder, and {@code _staging} itself once empty (non-recursively, so never another commit's). */
    private void deleteStaging(FileSystem fs, Path staging) {
        try {
            fs.delete(staging, true);
            Path stagingRoot = warehouse.stagingRoot();
            if (fs.exists(stagingRoot) && fs.listStatus(stagingRoot).length == 0) {
                fs.delete(stagingRoot, false);
            }
        } catch (FileNotFoundException e) {
            // Another commit removed _staging between our checks: nothing left to clean.
        } catch (IOException e) {
            LOG.warn("run {}: could not delete staging folder {}: {}", runId, staging, e.toString());
        }
    }

    private void checkColumns(TableSchema schema, Dataset<Row> rows) {
        List<String> problems = new ArrayList<>();
        for (StructField expected : schema.schema().fields()) {
            StructField found = field(rows, expected.name());
            if (found == null) {
                problems.add("column " + expected.name() + " is missing (expected "
                        + expected.dataType().simpleString() + ")");
            } else if (!TableSchemas.sameType(found.dataType(), expected.dataType())) {
                problems.add("column " + expected.name() + " has type "
                        + found.dataType().simpleString() + ", expected "
                        + expected.dataType().simpleString());
            }
        }
        for (String name : rows.columns()) {
            if (!schema.columnNames().contains(name)) {
                problems.add("column " + name + " is not in the table");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("table " + schema.name() + " (schema " + schema.version() + "), run "
                    + runId + ": " + String.join("; ", problems));
        }
    }

    private static StructField field(Dataset<Row> rows, String name) {
        for (StructField field : rows.schema().fields()) {
            if (field.name().equals(name)) {
                return field;
            }
        }
        return null;
    }

    private void checkRunIds(String table, Dataset<Row> rows) {
        List<Row> foreign = rows.where(not(col(TableSchemas.RUN_ID).eqNullSafe(lit(runId))))
                .select(TableSchemas.RUN_ID)
                .limit(1)
                .collectAsList();
        if (!foreign.isEmpty()) {
            throw new IllegalArgumentException("table " + table + ", column " + TableSchemas.RUN_ID + ": found run id '"
                    + foreign.get(0).get(0) + "', expected '" + runId + "' in every row");
        }
    }

    private void checkCompatible(TableSchema schema) {
        Path dir = warehouse.tableDir(schema.name());
        try {
            warehouse.markers().checkCompatible(schema, dir);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot read the schema version of table " + schema.name() + " at " + dir, e);
        }
    }

    private void requireOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("commit of run " + runId + " is "
                    + state.name().toLowerCase(java.util.Locale.ROOT) + "; begin a new one");
        }
    }
}
