package io.moelab.jobs.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.moelab.MoelabInputException;
import io.moelab.jobs.data.DatasetOptions.Format;
import io.moelab.jobs.data.DatasetOptions.TextMode;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A dataset's rows, read ({@link DatasetFiles}), checked, each with its document id, and kept by
 * {@code --split} and {@code --filter}.
 *
 * <p><b>Document ids.</b> The id column (cast to string) when one is given; ids must be present and
 * unique. Otherwise {@code <file>:<row>} where {@code <file>} is the file's id prefix
 * ({@link DatasetFiles}) and {@code <row>} is the 0-based index of the row in its file: the line
 * number for plain text, the record number for JSONL (blank lines are not records), the row number for
 * Parquet. One document per file: just {@code <file>}. The row index does not come from the
 * partitioning ({@code monotonically_increasing_id} would): Spark reads each file split
 * ({@code _metadata.file_block_start}) in file order, so a row's index is its ordinal in its split plus
 * the rows of the same file's earlier splits, counted in a first pass ({@link ScanSummary}). The index
 * is taken before filters, so a filter never renumbers the rows it keeps.
 *
 * <p><b>Validation</b> (each a {@link MoelabInputException}): the columns the caller needs, the id
 * column and the {@code split} column (the message lists the columns there are); bytes that are not
 * UTF-8 in a text or JSONL file (Spark would silently turn them into U+FFFD or null rows; a file is
 * checked strictly by {@link Utf8Check} when its rows show either, and the message names the file and
 * the byte offset); a JSONL record that is not JSON; a filter that is not a Spark SQL condition; null or
 * duplicate values in the id column. Parquet strings are not checked for UTF-8: U+FFFD is legitimate
 * text there and Parquet writers validate on write.
 */
final class IdentifiedRows {

    static final String FILE_COL = "__moelab_file";
    static final String BLOCK_COL = "__moelab_block";
    static final String ID_COL = "__moelab_id";
    static final String SPLIT_COLUMN = "split";
    private static final char REPLACEMENT = '\uFFFD';

    private final Dataset<Row> table;
    private final DatasetOptions options;

    private IdentifiedRows(Dataset<Row> table, DatasetOptions options) {
        this.table = table;
        this.options = options;
    }

    /**
     * Reads, validates and identifies the rows (see the class comment).
     *
     * @param validateSchema checks the columns the caller needs and returns the string columns whose
     *                       text must be strictly UTF-8
     */
    static IdentifiedRows read(
            SparkSession spark, DatasetOptions options, Function<StructType, List<String>> validateSchema) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        DatasetFiles files = DatasetFiles.list(options, conf);
        Dataset<Row> raw = files.read(spark);
        StructType schema = raw.schema();
        String describe = options.describePaths();
        if (schema.fields().length == 0) {
            throw new MoelabInputException(describe + ": no documents (the files hold no rows)");
        }
        List<String> textColumns = validateSchema.apply(schema);
        if (options.idColumn() != null) {
            requireColumn(schema, options.idColumn(), "id column", describe);
        }
        if (options.split() != null) {
            requireColumn(schema, SPLIT_COLUMN, "split '" + options.split() + "' needs a column", describe);
        }
        boolean jsonCorrupt = Arrays.asList(schema.fieldNames()).contains(DatasetFiles.CORRUPT_COL);

        Dataset<Row> withFile = raw.select(
                col("*"),
                col("_metadata.file_path").as(FILE_COL),
                col("_metadata.file_block_start").as(BLOCK_COL));
        JavaRDD<Row> scan = withFile.javaRDD();
        int[] textIndices = textColumns.stream()
                .mapToInt(c -> withFile.schema().fieldIndex(c))
                .toArray();
        int fileIndex = withFile.schema().fieldIndex(FILE_COL);
        int blockIndex = withFile.schema().fieldIndex(BLOCK_COL);
        int corruptIndex = jsonCorrupt ? withFile.schema().fieldIndex(DatasetFiles.CORRUPT_COL) : -1;
        boolean checkUtf8 = files.format() != Format.PARQUET;

        // Pass 1: rows per file split, and which files show signs of bad bytes or bad JSON.
        ScanSummary summary = scan
                .mapPartitions(rows -> {
                    ScanSummary s = new ScanSummary();
                    while (rows.hasNext()) {
                        Row r = rows.next();
                        String file = r.getString(fileIndex);
                        s.count(file, r.getLong(blockIndex));
                        if (corruptIndex >= 0 && !r.isNullAt(corruptIndex)) {
                            s.corrupt.add(file);
                        }
                        if (checkUtf8) {
                            for (int textIndex : textIndices) {
                                if (!r.isNullAt(textIndex)
                                        && r.getString(textIndex).indexOf(REPLACEMENT) >= 0) {
                                    s.replacement.add(file);
                                }
                            }
                        }
                    }
                    return List.of(s).iterator();
                })
                .collect()
                .stream()
                .reduce(new ScanSummary(), ScanSummary::merge);
        checkEncoding(summary, conf);

        // Pass 2: the derived id, from the split offsets of pass 1.
        Map<String, String> prefixes = new HashMap<>();
        for (String file : summary.rowsPerBlock.keySet()) {
            prefixes.put(file, files.idPrefix(file));
        }
        Map<String, Map<Long, Long>> offsets = summary.blockOffsets();
        boolean onePerFile = files.format() == Format.TEXT && options.textMode() == TextMode.FILE;
        JavaRDD<Row> withIds = scan.mapPartitions(rows -> {
            Map<String, Long> ordinal = new HashMap<>();
            List<Row> out = new ArrayList<>();
            while (rows.hasNext()) {
                Row r = rows.next();
                String file = r.getString(fileIndex);
                long block = r.getLong(blockIndex);
                long n = ordinal.merge(file + '\u0000' + block, 1L, Long::sum) - 1;
                long row = offsets.get(file).get(block) + n;
                String id = onePerFile ? prefixes.get(file) : prefixes.get(file) + ":" + row;
                Object[] values = new Object[r.length() + 1];
                for (int i = 0; i < r.length(); i++) {
                    values[i] = r.get(i);
                }
                values[r.length()] = id;
                out.add(RowFactory.create(values));
            }
            return out.iterator();
        });
        Dataset<Row> table = spark.createDataFrame(withIds, withFile.schema().add(ID_COL, DataTypes.StringType, false));
        if (jsonCorrupt) {
            table = table.drop(DatasetFiles.CORRUPT_COL);
        }

        IdentifiedRows identified = new IdentifiedRows(applyFilters(table, options, describe), options);
        if (options.idColumn() != null) {
            identified.checkIds(describe);
        }
        return identified;
    }

    /**
     * The kept rows: every source column, the file as Spark names it ({@link #FILE_COL}), its split start
     * ({@link #BLOCK_COL}) and the derived id ({@link #ID_COL}).
     */
    Dataset<Row> table() {
        return table;
    }

    /** The document id: the id column as a string when one is given, else the derived id. */
    Column documentId() {
        return options.idColumn() == null
                ? col(ID_COL)
                : col(options.idColumn()).cast(DataTypes.StringType);
    }

    /**
     * @throws MoelabInputException when {@code schema} has no {@code column}, naming its {@code role} and the
     *                              columns there are
     */
    static void requireColumn(StructType schema, String column, String role, String describe) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            String available = Arrays.stream(schema.fieldNames())
                    .filter(n -> !n.equals(DatasetFiles.CORRUPT_COL))
                    .collect(Collectors.joining(", "));
            throw new MoelabInputException(describe + ": no column '" + column + "' (" + role + "); columns: "
                    + (available.isEmpty() ? "none" : available));
        }
    }

    private static Dataset<Row> applyFilters(Dataset<Row> table, DatasetOptions options, String describe) {
        Dataset<Row> out = table;
        if (options.split() != null) {
            out = out.where(col(SPLIT_COLUMN).cast(DataTypes.StringType).equalTo(options.split()));
        }
        if (options.filter() != null) {
            try {
                out = out.where(expr(options.filter()));
                out.schema(); // analyses the expression now
            } catch (Exception e) { // ParseException, AnalysisException (checked in Java terms)
                throw new MoelabInputException(
                        describe + ": filter '" + options.filter()
                                + "' is not a valid Spark SQL condition on this dataset (" + firstLine(e.getMessage())
                                + ")",
                        e);
            }
        }
        return out;
    }

    /** Every kept row has an id, and no two the same. */
    private void checkIds(String describe) {
        Dataset<Row> ids = table.select(documentId().as("id"), col(FILE_COL).as("file"));
        List<Row> nulls = ids.where(col("id").isNull()).select("file").limit(1).collectAsList();
        if (!nulls.isEmpty()) {
            throw new MoelabInputException(describe + ": id column has a null value (file "
                    + nulls.get(0).getString(0) + "); every document needs an id");
        }
        List<Row> dups =
                ids.groupBy("id").count().where(col("count").gt(1)).limit(1).collectAsList();
        if (!dups.isEmpty()) {
            throw new MoelabInputException(
                    describe + ": id column has duplicate value '" + dups.get(0).getString(0) + "' ("
                            + dups.get(0).getLong(1) + " rows); document ids must be unique");
        }
    }

    private static void checkEncoding(ScanSummary summary, Configuration conf) {
        Set<String> suspects = new LinkedHashSet<>(summary.corrupt);
        suspects.addAll(summary.replacement);
        for (String file : suspects) {
            Path path = new Path(URI.create(file));
            Optional<Utf8Check.Failure> failure;
            try {
                failure = Utf8Check.firstFailure(path, conf);
            } catch (IOException e) {
                throw new MoelabInputException(file + ": cannot be read (" + e.getMessage() + ")", e);
            }
            if (failure.isPresent()) {
                throw new MoelabInputException(
                        file + ": not valid UTF-8 (" + failure.get().describe()
                                + "); text must be UTF-8, convert it first (e.g. iconv -f latin1 -t utf-8)");
            }
            if (summary.corrupt.contains(file)) {
                throw new MoelabInputException(
                        file + ": a line is not a JSON object (JSONL needs one JSON object per line)");
            }
            // Only literal U+FFFD characters: valid text.
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
