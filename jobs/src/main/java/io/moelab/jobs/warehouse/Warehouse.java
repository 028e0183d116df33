package io.moelab.jobs.warehouse;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.moelab.MoelabInputException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Parquet tables of docs/DESIGN.md under one root folder ({@code file:}, {@code s3a:} or any Hadoop
 * file system): {@code <root>/<table>/run_id=<id>/part-*.parquet}, plus the table's
 * {@code _moelab_schema.json}. All file access goes through Hadoop's {@link FileSystem}, configured
 * from the Spark session's Hadoop configuration (which is where s3a credentials belong; this class
 * never logs or stores that configuration).
 *
 * <h2>Writing</h2>
 * A job writes a run through {@link #begin(String)}: it stages every table, then commits them with
 * the run's {@code runs} row ({@link RunCommit}). Re-running a run id replaces the run whole.
 *
 * <h2>Reading</h2>
 * {@link #read(String)} returns a table as written; {@link #readSucceeded(String)} keeps only runs
 * whose {@code runs} row says {@code succeeded}, which is what reports and notebooks should use:
 * the {@code runs} row is withdrawn before a commit touches any table and written after the last
 * one, so a crashed or half-published commit is never mistaken for a result.
 */
public final class Warehouse {
    /** Where commits write their tables before publishing them; readers never look here. */
    public static final String STAGING_DIR = "_staging";

    /** Run ids become folder names: letters, digits, {@code . _ -}, not starting with {@code . _ -}. */
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]{0,127}");

    private final SparkSession spark;
    private final FileSystem fs;
    private final Path root;
    private final SchemaMarker markers;

    private Warehouse(SparkSession spark, FileSystem fs, Path root) {
        this.spark = spark;
        this.fs = fs;
        this.root = root;
        this.markers = new SchemaMarker(fs);
    }

    /**
     * Opens the warehouse at {@code root}, which need not exist yet (the first commit creates it).
     *
     * @throws MoelabInputException if {@code root} is an existing file, or its file system cannot be reached
     */
    public static Warehouse open(SparkSession spark, String root) {
        Path rootPath = new Path(root);
        try {
            FileSystem fs = rootPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
            Path qualified = fs.makeQualified(rootPath);
            if (isFile(fs, qualified)) {
                throw new MoelabInputException(
                        "warehouse root " + qualified + " is a file; it must be a folder (or not exist yet)");
            }
            return new Warehouse(spark, fs, qualified);
        } catch (IOException e) {
            throw new MoelabInputException("cannot open warehouse root " + root + ": " + e.getMessage(), e);
        }
    }

    /** The fully qualified root folder. */
    public Path root() {
        return root;
    }

    /**
     * Starts writing run {@code runId}; nothing touches the file system until {@link RunCommit#commit}.
     *
     * @throws MoelabInputException if the run id cannot be a folder name
     */
    public RunCommit begin(String runId) {
        if (runId == null || !RUN_ID.matcher(runId).matches()) {
            throw new MoelabInputException("run id '" + runId + "' must be 1-128 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit");
        }
        return new RunCommit(this, runId);
    }

    /**
     * A registered table, every run in it, columns in registry order. A table never written reads
     * as empty.
     *
     * @throws MoelabInputException if the table is unknown, or was written with another major schema version
     */
    public Dataset<Row> read(String table) {
        TableSchema schema = TableSchemas.get(table);
        Path dir = tableDir(table);
        try {
            markers.checkCompatible(schema, dir);
            if (!fs.exists(dir)) {
                return spark.createDataFrame(Collections.emptyList(), schema.schema());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read table " + table + " at " + dir, e);
        }
        // The registry schema, not inference: run ids such as "007" must stay strings.
        Dataset<Row> rows = spark.read()
                .schema(schema.schema())
                .option("basePath", dir.toString())
                .parquet(dir.toString());
        return rows.select(schema.columnNames().stream().map(Column::new).toArray(Column[]::new));
    }

    /** {@link #read(String)}, keeping only runs whose {@code runs} row has status {@code succeeded}. */
    public Dataset<Row> readSucceeded(String table) {
        // The table is listed before the runs table: a commit publishing meanwhile has withdrawn
        // its runs row and brings it back only after its last table is in place.
        Dataset<Row> rows = read(table);
        Dataset<Row> succeeded = read(TableSchemas.RUNS)
                .where(col("status").equalTo(lit(RunRecord.SUCCEEDED)))
                .select(TableSchemas.RUN_ID);
        return rows.join(
                succeeded, rows.col(TableSchemas.RUN_ID).equalTo(succeeded.col(TableSchemas.RUN_ID)), "left_semi");
    }

    SparkSession spark() {
        return spark;
    }

    FileSystem fs() {
        return fs;
    }

    SchemaMarker markers() {
        return markers;
    }

    Path tableDir(String table) {
        return new Path(root, table);
    }

    static Path partitionDir(Path tableDir, String runId) {
        return new Path(tableDir, TableSchemas.RUN_ID + "=" + runId);
    }

    Path stagingRoot() {
        return new Path(root, STAGING_DIR);
    }

    private static boolean isFile(FileSystem fs, Path path) throws IOException {
        try {
            FileStatus status = fs.getFileStatus(path);
            return status.isFile();
        } catch (FileNotFoundException e) {
            return false;
        }
    }
}
