package io.moelab.jobs.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.moelab.MoelabInputException;
import io.moelab.data.CalibrationSequence;
import io.moelab.data.Document;
import io.moelab.data.DocumentSampler;
import io.moelab.data.Sequencer;
import io.moelab.data.SequencingOptions;
import io.moelab.data.TokenizedDocument;
import io.moelab.jobs.data.DatasetOptions.Format;
import io.moelab.jobs.data.DatasetOptions.TextMode;
import io.moelab.model.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import io.moelab.eval.task.TaskDocument;
import java.util.ArrayList;
import java.util.Collection;
import java.util.function.Function;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Reads a dataset with Spark, validates it, and yields {@link Document}s and
 * {@link CalibrationSequence}s (DESIGN.md: "DatasetSource: read, tokenize, cut into sequences").
 *
 * <p><b>Reading.</b> Parquet ({@code spark.read.parquet}), JSON Lines ({@code spark.read.json}) and
 * plain text ({@code spark.read.text}, with {@code wholetext} for one document per file). Every path,
 * local or {@code s3a://}, goes through Hadoop's FileSystem; nothing is read from the local disk
 * directly.
 *
 * <p><b>Document ids.</b> The id column (cast to string) when one is given; ids must be present and
 * unique. Otherwise {@code <file>:<row>} where {@code <file>} is the file's path relative to the
 * dataset path it was found under (its name when the path names the file itself), so the same data
 * under another directory or bucket gets the same ids, and {@code <row>} is the 0-based index of the
 * row in its file: the line number for plain text, the record number for JSONL (blank lines are not
 * records), the row number for Parquet. One document per file: just {@code <file>}. The row index
 * does not come from the partitioning ({@code monotonically_increasing_id} would): Spark reads each
 * file split ({@code _metadata.file_block_start}) in file order, so a row's index is its ordinal in
 * its split plus the rows of the same file's earlier splits, counted in a first pass. The index is
 * taken before filters, so a filter never renumbers the rows it keeps.
 *
 * <p><b>Order and sampling.</b> {@link DocumentSampler}: documents sorted by MurmurHash3 of (seed, id),
 * the first {@code maxDocuments} kept; {@link Sequencer} then packs or keeps them whole along that
 * order with the {@code maxTokens} cap. Every step depends on ids and the seed only, so 1 or N
 * partitions give the same sequences.
 *
 * <p><b>Validation</b> (each a {@link MoelabInputException}, before anything is written): missing path;
 * missing text/id/label/split column (the message lists the columns there are); a text column that is
 * not a string; no documents after the filter and split; bytes that are not UTF-8 in a text or JSONL
 * file (Spark would silently turn them into U+FFFD or null rows; the file is checked strictly when its
 * rows show either, and the message names the file and the byte offset); a JSONL record that is not
 * JSON; a tokenizer whose ids do not fit the model ({@link #validateVocabulary}). Parquet strings are
 * not checked for UTF-8: U+FFFD is legitimate text there and Parquet writers validate on write.
 */
public final class DatasetSource {

    static final String FILE_COL = "__moelab_file";
    static final String BLOCK_COL = "__moelab_block";
    static final String ID_COL = "__moelab_id";
    static final String DOCUMENT_ID_COL = "__moelab_document_id";
    static final String CORRUPT_COL = "__moelab_corrupt_record";
    static final String SPLIT_COLUMN = "split";
    private static final char REPLACEMENT = '\uFFFD';

    private final SparkSession spark;
    private final DatasetOptions options;

    public DatasetSource(SparkSession spark, DatasetOptions options) {
        this.spark = spark;
        this.options = options;
    }

    public DatasetOptions options() {
        return options;
    }

    /**
     * The validated documents, in the seed's global order and cut to {@code maxDocuments}.
     *
     * @throws MoelabInputException for any of the bad inputs in the class comment
     */
    public JavaRDD<Document> documents() {
        String textColumn = options.textColumn();
        IdentifiedRows rows = identifiedRows(schema -> {
            String describe = describe();
            requireColumn(schema, textColumn, "text column", describe);
            DataType textType = schema.apply(textColumn).dataType();
            if (!textType.equals(DataTypes.StringType)) {
                throw new MoelabInputException(describe + ": text column '" + textColumn + "' is "
                        + textType.simpleString() + ", expected string");
            }
            if (options.labelColumn() != null) {
                requireColumn(schema, options.labelColumn(), "label column", describe);
            }
            return List.of(textColumn);
        });
        Dataset<Row> table = rows.table();
        String describe = rows.describe();
        Column id = options.idColumn() == null ? col(ID_COL) : col(options.idColumn()).cast(DataTypes.StringType);
        Column label = options.labelColumn() == null ? org.apache.spark.sql.functions.lit(null).cast(DataTypes.StringType)
                : col(options.labelColumn()).cast(DataTypes.StringType);
        Dataset<Row> selected = table.select(id.as("id"), col(textColumn).as("text"), label.as("label"),
                col(FILE_COL).as("file"));
        if (options.idColumn() != null) {
            checkIds(selected, "id", "file", describe);
        }
        JavaRDD<Document> docs = selected
                .where(col("text").isNotNull().and(org.apache.spark.sql.functions.length(col("text")).gt(0)))
                .javaRDD()
                .map(r -> new Document(r.getString(0), r.getString(1), r.isNullAt(2) ? null : r.getString(2)));
        JavaRDD<Document> ordered = order(docs, options.seed(), options.maxDocuments())
                .persist(StorageLevel.MEMORY_AND_DISK());
        if (ordered.isEmpty()) {
            throw new MoelabInputException(describe + ": no documents"
                    + (options.filter() == null && options.split() == null ? "" : " after"
                    + (options.filter() == null ? "" : " filter '" + options.filter() + "'")
                    + (options.filter() != null && options.split() != null ? " and" : "")
                    + (options.split() == null ? "" : " split '" + options.split() + "'"))
                    + " (documents are rows with a non-empty '" + textColumn + "')");
        }
        return ordered;
    }

    /**
     * Every row of a task's dataset with all its columns as plain Java values ({@link RowValues}),
     * in the seed's global order, the first {@code maxDocuments}.
     *
     * @param requiredColumns columns the task reads; a missing one is an error listing the columns there are
     */
    public JavaRDD<TaskDocument> taskDocuments(Collection<String> requiredColumns) {
        IdentifiedRows rows = identifiedRows(schema -> {
            for (String column : requiredColumns) {
                requireColumn(schema, column, "the task reads it", describe());
            }
            return Arrays.stream(schema.fields()).filter(f -> f.dataType().equals(DataTypes.StringType))
                    .map(StructField::name).filter(n -> !n.equals(CORRUPT_COL)).toList();
        });
        Dataset<Row> table = rows.table();
        Column id = options.idColumn() == null ? col(ID_COL) : col(options.idColumn()).cast(DataTypes.StringType);
        String[] dataColumns = Arrays.stream(table.schema().fieldNames())
                .filter(n -> !n.equals(ID_COL) && !n.equals(FILE_COL) && !n.equals(BLOCK_COL)).toArray(String[]::new);
        Column[] selection = new Column[dataColumns.length + 2];
        selection[0] = id.as(DOCUMENT_ID_COL);
        selection[1] = col(FILE_COL);
        for (int i = 0; i < dataColumns.length; i++) {
            selection[i + 2] = col(dataColumns[i]);
        }
        Dataset<Row> selected = table.select(selection);
        if (options.idColumn() != null) {
            checkIds(selected, DOCUMENT_ID_COL, FILE_COL, rows.describe());
        }
        DocumentSampler sampler = new DocumentSampler(options.seed());
        long maxDocuments = options.maxDocuments();
        JavaRDD<TaskDocument> docs = selected.javaRDD().map(r -> new TaskDocument(r.getString(0), RowValues.fields(r, 2)));
        JavaRDD<TaskDocument> sorted = docs.sortBy(d -> sampler.key(d.id()), true, Math.max(1, docs.getNumPartitions()));
        JavaRDD<TaskDocument> kept = maxDocuments == DocumentSampler.ALL ? sorted
                : sorted.zipWithIndex().filter(t -> t._2() < maxDocuments).map(Tuple2::_1);
        JavaRDD<TaskDocument> persisted = kept.persist(StorageLevel.MEMORY_AND_DISK());
        if (persisted.isEmpty()) {
            throw new MoelabInputException(rows.describe() + ": no rows" + (options.filter() == null ? "" : " after filter '"
                    + options.filter() + "'"));
        }
        return persisted;
    }

    private String describe() {
        return String.join(", ", options.paths());
    }

    /** Rows with the derived id column, checked and filtered; {@code table} keeps every source column. */
    private record IdentifiedRows(Dataset<Row> table, String describe) {
    }

    /**
     * Reads, validates and identifies the rows (see the class comment).
     *
     * @param validateSchema checks the columns the caller needs and returns the string columns whose
     *                       text must be strictly UTF-8
     */
    private IdentifiedRows identifiedRows(Function<StructType, List<String>> validateSchema) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Map<String, String> listed = new LinkedHashMap<>(); // normalised file URI -> id prefix
        Set<String> named = new LinkedHashSet<>(); // files named directly (not found in a directory)
        listFiles(conf, listed, named);
        Format format = resolveFormat(listed.keySet(), named);
        // Under a directory, read the files with the format's extension, or all when none has it.
        boolean anyWithExtension = listed.keySet().stream().anyMatch(f -> !named.contains(f) && formatOf(f) == format);
        Map<String, String> files = new LinkedHashMap<>();
        listed.forEach((file, prefix) -> {
            if (named.contains(file) || !anyWithExtension || formatOf(file) == format) {
                files.put(file, prefix);
            }
        });
        checkPrefixes(files);
        Dataset<Row> raw = read(format, files.keySet().toArray(String[]::new));
        StructType schema = raw.schema();
        String describe = describe();
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
        boolean jsonCorrupt = Arrays.asList(schema.fieldNames()).contains(CORRUPT_COL);

        Dataset<Row> withFile = raw.select(col("*"), col("_metadata.file_path").as(FILE_COL),
                col("_metadata.file_block_start").as(BLOCK_COL));
        JavaRDD<Row> scan = withFile.javaRDD();
        int[] textIndices = textColumns.stream().mapToInt(c -> withFile.schema().fieldIndex(c)).toArray();
        int fileIndex = withFile.schema().fieldIndex(FILE_COL);
        int blockIndex = withFile.schema().fieldIndex(BLOCK_COL);
        int corruptIndex = jsonCorrupt ? withFile.schema().fieldIndex(CORRUPT_COL) : -1;
        boolean checkUtf8 = format != Format.PARQUET;

        // Pass 1: rows per file split, and which files show signs of bad bytes or bad JSON.
        ScanSummary summary = scan.mapPartitions(rows -> {
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
                        if (!r.isNullAt(textIndex) && r.getString(textIndex).indexOf(REPLACEMENT) >= 0) {
                            s.replacement.add(file);
                        }
                    }
                }
            }
            return List.of(s).iterator();
        }).collect().stream().reduce(new ScanSummary(), ScanSummary::merge);
        checkEncoding(summary, files, conf);

        // Pass 2: the derived id, from the split offsets of pass 1.
        Map<String, String> prefixes = new HashMap<>();
        for (String file : summary.rowsPerBlock.keySet()) {
            prefixes.put(file, prefixFor(file, files));
        }
        Map<String, Map<Long, Long>> offsets = summary.blockOffsets();
        boolean onePerFile = format == Format.TEXT && options.textMode() == TextMode.FILE;
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
        Dataset<Row> table = spark.createDataFrame(withIds,
                withFile.schema().add(ID_COL, DataTypes.StringType, false));
        if (jsonCorrupt) {
            table = table.drop(CORRUPT_COL);
        }

        table = applyFilters(table, describe);
        return new IdentifiedRows(table, describe);
    }

    /**
     * Sequences of this dataset: {@link #documents()} tokenized on the executors and cut as
     * {@code sequencing} says, capped at {@code maxTokens}.
     *
     * @param modelVocabSize the model's {@code vocab_size}, checked against the tokenizer's
     */
    public JavaRDD<CalibrationSequence> sequences(SerializableTokenizerFactory tokenizer, int modelVocabSize,
            SequencingOptions sequencing) {
        try (Tokenizer t = tokenizer.create()) {
            validateVocabulary(t.vocabSize(), modelVocabSize);
        }
        return sequences(documents(), options.seed(), options.maxTokens(), tokenizer, sequencing);
    }

    /**
     * @throws MoelabInputException when the tokenizer can produce ids the model has no embedding for
     */
    public static void validateVocabulary(int tokenizerVocabSize, int modelVocabSize) {
        if (tokenizerVocabSize > modelVocabSize) {
            throw new MoelabInputException("tokenizer and model do not match: the tokenizer has "
                    + tokenizerVocabSize + " token ids (0.." + (tokenizerVocabSize - 1)
                    + ") but the model's vocab_size is " + modelVocabSize
                    + "; ids >= " + modelVocabSize + " have no embedding");
        }
    }

    /** {@code docs} in the seed's global order ({@link DocumentSampler}), the first {@code maxDocuments}. */
    public static JavaRDD<Document> order(JavaRDD<Document> docs, long seed, long maxDocuments) {
        DocumentSampler sampler = new DocumentSampler(seed);
        int partitions = Math.max(1, docs.getNumPartitions());
        JavaRDD<Document> sorted = docs.sortBy(d -> sampler.key(d.id()), true, partitions);
        if (maxDocuments == DocumentSampler.ALL) {
            return sorted;
        }
        return sorted.zipWithIndex().filter(t -> t._2() < maxDocuments).map(Tuple2::_1);
    }

    /**
     * Sequences of {@code docs} (any order, any partitioning): ordered by the seed, tokenized per
     * partition on the executors, then cut by {@link Sequencer}; sorted by sequence id. Equal to
     * {@code new Sequencer(sequencing).sequence(...)} over the same documents in memory.
     */
    public static JavaRDD<CalibrationSequence> sequences(JavaRDD<Document> docs, long seed, long maxTokens,
            SerializableTokenizerFactory tokenizer, SequencingOptions sequencing) {
        Sequencer sequencer = new Sequencer(sequencing);
        JavaRDD<TokenizedDocument> tokenized = order(docs, seed, DocumentSampler.ALL)
                .mapPartitions(it -> {
                    List<TokenizedDocument> out = new ArrayList<>();
                    try (Tokenizer t = tokenizer.create()) {
                        while (it.hasNext()) {
                            Document d = it.next();
                            out.add(new TokenizedDocument(d.id(), d.label(), t.encode(d.text())));
                        }
                    }
                    return out.iterator();
                })
                .filter(d -> d.tokens().length > 0)
                .persist(StorageLevel.MEMORY_AND_DISK());
        // Per partition: documents and stream tokens; prefix sums give each partition its start.
        List<long[]> totals = tokenized.mapPartitionsWithIndex((index, it) -> {
            long n = 0;
            long tokens = 0;
            while (it.hasNext()) {
                tokens += sequencer.streamLength(it.next());
                n++;
            }
            return List.of(new long[] {index, n, tokens}).iterator();
        }, true).collect();
        long[][] starts = new long[totals.size()][2];
        long rank = 0;
        long offset = 0;
        for (long[] t : totals.stream().sorted((a, b) -> Long.compare(a[0], b[0])).toList()) {
            starts[(int) t[0]] = new long[] {rank, offset};
            rank += t[1];
            offset += t[2];
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(docs.context());
        Broadcast<long[][]> startsB = jsc.broadcast(starts);
        JavaRDD<CalibrationSequence> sequences;
        if (sequencing.mode() == SequencingOptions.Mode.PACK) {
            long maxBlocks = sequencer.maxBlocks(maxTokens);
            JavaPairRDD<Long, Sequencer.Piece> pieces = tokenized.mapPartitionsWithIndex((index, it) -> {
                long at = startsB.value()[index][1];
                List<Sequencer.Piece> out = new ArrayList<>();
                while (it.hasNext()) {
                    TokenizedDocument d = it.next();
                    out.addAll(sequencer.pieces(d, at, maxBlocks));
                    at += sequencer.streamLength(d);
                }
                return out.iterator();
            }, true).mapToPair(p -> new Tuple2<>(p.blockIndex(), p));
            sequences = pieces.groupByKey()
                    .flatMap(g -> sequencer.assemble(g._1(), g._2()).stream().iterator());
        } else {
            sequences = tokenized.mapPartitionsWithIndex((index, it) -> {
                long r = startsB.value()[index][0];
                long at = startsB.value()[index][1];
                List<CalibrationSequence> out = new ArrayList<>();
                while (it.hasNext()) {
                    TokenizedDocument d = it.next();
                    long length = sequencer.streamLength(d);
                    if (Sequencer.withinCap(at, length, maxTokens)) {
                        out.add(sequencer.whole(r, d));
                    }
                    r++;
                    at += length;
                }
                return out.iterator();
            }, true);
        }
        return sequences.sortBy(CalibrationSequence::sequenceId, true, Math.max(1, docs.getNumPartitions()));
    }

    // ---------------------------------------------------------------- reading and validation

    private Dataset<Row> read(Format format, String[] paths) {
        switch (format) {
            case PARQUET:
                return spark.read().parquet(paths);
            case JSONL:
                return spark.read().option("mode", "PERMISSIVE")
                        .option("columnNameOfCorruptRecord", CORRUPT_COL).json(paths);
            case TEXT:
                if (options.idColumn() != null || options.labelColumn() != null || options.split() != null) {
                    throw new MoelabInputException(describe()
                            + ": plain text has no columns, so no id, label or split column can be used"
                            + " (use JSONL or Parquet for those)");
                }
                Dataset<Row> text = options.textMode() == TextMode.FILE
                        ? spark.read().option("wholetext", true).text(paths) : spark.read().text(paths);
                return text.withColumnRenamed("value", options.textColumn());
            default:
                throw new IllegalStateException("unresolved format " + format);
        }
    }

    /**
     * Every input file (normalised URI) with its id prefix, the path relative to the dataset path it
     * was found under; files named by the path itself (or a glob) go to {@code named} too.
     */
    private void listFiles(Configuration conf, Map<String, String> files, Set<String> named) {
        for (String p : options.paths()) {
            Path path = new Path(p);
            try {
                FileSystem fs = path.getFileSystem(conf);
                FileStatus[] matches = fs.globStatus(path);
                if (matches == null || matches.length == 0) {
                    throw new MoelabInputException("dataset path not found: " + p);
                }
                int before = files.size();
                for (FileStatus match : matches) {
                    if (match.isDirectory()) {
                        String root = normalise(match.getPath());
                        for (FileStatus f : listRecursively(fs, match.getPath())) {
                            String file = normalise(f.getPath());
                            files.put(file, file.substring(root.length() + 1));
                        }
                    } else {
                        String file = normalise(match.getPath());
                        files.put(file, match.getPath().getName());
                        named.add(file);
                    }
                }
                if (files.size() == before) {
                    throw new MoelabInputException(p + ": no data files in this directory");
                }
            } catch (IOException e) {
                throw new MoelabInputException("dataset path " + p + ": cannot be read (" + e.getMessage() + ")", e);
            }
        }
    }

    /** Derived ids must not collide: two files with the same relative path under two dataset paths. */
    private void checkPrefixes(Map<String, String> files) {
        if (options.idColumn() != null) {
            return;
        }
        Map<String, String> byPrefix = new HashMap<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            String other = byPrefix.put(e.getValue(), e.getKey());
            if (other != null) {
                throw new MoelabInputException("files " + other + " and " + e.getKey() + " would both get document ids '"
                        + e.getValue() + ":<row>'; give an id column or paths whose files have distinct names");
            }
        }
    }

    private static List<FileStatus> listRecursively(FileSystem fs, Path dir) throws IOException {
        List<FileStatus> out = new ArrayList<>();
        for (FileStatus s : fs.listStatus(dir)) {
            String name = s.getPath().getName();
            if (name.startsWith("_") || name.startsWith(".")) {
                continue; // _SUCCESS, .crc, _committed files: as Spark's file index skips them
            }
            if (s.isDirectory()) {
                out.addAll(listRecursively(fs, s.getPath()));
            } else {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * The format: the one given, or AUTO's pick by extension. Under a directory, AUTO reads only files
     * with a data extension (so a CARD.md or build script beside the data is skipped); a file named
     * directly must have one.
     */
    private Format resolveFormat(Set<String> files, Set<String> named) {
        if (options.format() != Format.AUTO) {
            return options.format();
        }
        Set<Format> seen = new LinkedHashSet<>();
        for (String f : files) {
            Format format = formatOf(f);
            if (format != null) {
                seen.add(format);
            } else if (named.contains(f)) {
                throw new MoelabInputException(f + ": cannot tell the format from the file name"
                        + " (expected .parquet, .jsonl, .json, .ndjson, .txt or .text); give the format");
            }
        }
        if (seen.isEmpty()) {
            throw new MoelabInputException(describe() + ": no file with a data extension"
                    + " (.parquet, .jsonl, .json, .ndjson, .txt, .text); give the format");
        }
        if (seen.size() != 1) {
            throw new MoelabInputException(describe() + ": files of several formats ("
                    + seen + "); give one format or separate paths");
        }
        return seen.iterator().next();
    }

    /** The format a file's extension says (compression suffixes aside), or null. */
    static Format formatOf(String file) {
        String name = file.substring(file.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT)
                .replaceAll("\\.(gz|bz2|deflate|lz4|snappy|zst)$", "");
        if (name.endsWith(".parquet")) {
            return Format.PARQUET;
        } else if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
            return Format.JSONL;
        } else if (name.endsWith(".txt") || name.endsWith(".text")) {
            return Format.TEXT;
        }
        return null;
    }

    private static void requireColumn(StructType schema, String column, String role, String describe) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            String available = Arrays.stream(schema.fieldNames()).filter(n -> !n.equals(CORRUPT_COL))
                    .collect(Collectors.joining(", "));
            throw new MoelabInputException(describe + ": no column '" + column + "' (" + role
                    + "); columns: " + (available.isEmpty() ? "none" : available));
        }
    }

    private Dataset<Row> applyFilters(Dataset<Row> table, String describe) {
        Dataset<Row> out = table;
        if (options.split() != null) {
            out = out.where(col(SPLIT_COLUMN).cast(DataTypes.StringType).equalTo(options.split()));
        }
        if (options.filter() != null) {
            try {
                out = out.where(expr(options.filter()));
                out.schema(); // analyses the expression now
            } catch (Exception e) { // ParseException, AnalysisException (checked in Java terms)
                throw new MoelabInputException(describe + ": filter '" + options.filter()
                        + "' is not a valid Spark SQL condition on this dataset (" + firstLine(e.getMessage()) + ")", e);
            }
        }
        return out;
    }

    private static void checkIds(Dataset<Row> selected, String idColumn, String fileColumn, String describe) {
        List<Row> nulls = selected.where(col(idColumn).isNull()).select(fileColumn).limit(1).collectAsList();
        if (!nulls.isEmpty()) {
            throw new MoelabInputException(describe + ": id column has a null value (file "
                    + nulls.get(0).getString(0) + "); every document needs an id");
        }
        List<Row> dups = selected.groupBy(idColumn).count().where(col("count").gt(1)).limit(1).collectAsList();
        if (!dups.isEmpty()) {
            throw new MoelabInputException(describe + ": id column has duplicate value '" + dups.get(0).getString(0)
                    + "' (" + dups.get(0).getLong(1) + " rows); document ids must be unique");
        }
    }

    private void checkEncoding(ScanSummary summary, Map<String, String> files, Configuration conf) {
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
                throw new MoelabInputException(file + ": not valid UTF-8 (" + failure.get().describe()
                        + "); text must be UTF-8, convert it first (e.g. iconv -f latin1 -t utf-8)");
            }
            if (summary.corrupt.contains(file)) {
                throw new MoelabInputException(file + ": a line is not a JSON object (JSONL needs one JSON object per line)");
            }
            // Only literal U+FFFD characters: valid text.
        }
    }

    private static String prefixFor(String file, Map<String, String> files) {
        String prefix = files.get(normalise(new Path(URI.create(file))));
        if (prefix == null) {
            throw new IllegalStateException("Spark read " + file + ", which the listing of " + files.keySet() + " lacks");
        }
        return prefix;
    }

    /** scheme://authority/path, so Hadoop's {@code file:/x} and Spark's {@code file:///x} compare equal. */
    static String normalise(Path path) {
        URI u = path.toUri();
        return (u.getScheme() == null ? "file" : u.getScheme()) + "://"
                + (u.getAuthority() == null ? "" : u.getAuthority()) + u.getPath();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** What pass 1 learns: rows per (file, split start), and files that need a strict UTF-8 look. */
    static final class ScanSummary implements Serializable {
        final Map<String, TreeMap<Long, Long>> rowsPerBlock = new HashMap<>();
        final Set<String> corrupt = new LinkedHashSet<>();
        final Set<String> replacement = new LinkedHashSet<>();

        void count(String file, long block) {
            rowsPerBlock.computeIfAbsent(file, f -> new TreeMap<>()).merge(block, 1L, Long::sum);
        }

        ScanSummary merge(ScanSummary o) {
            o.rowsPerBlock.forEach((file, blocks) -> blocks.forEach((b, n) ->
                    rowsPerBlock.computeIfAbsent(file, f -> new TreeMap<>()).merge(b, n, Long::sum)));
            corrupt.addAll(o.corrupt);
            replacement.addAll(o.replacement);
            return this;
        }

        /** For each file and split start: rows of the file's earlier splits. */
        Map<String, Map<Long, Long>> blockOffsets() {
            Map<String, Map<Long, Long>> out = new HashMap<>();
            rowsPerBlock.forEach((file, blocks) -> {
                Map<Long, Long> offsets = new HashMap<>();
                long sum = 0;
                for (Map.Entry<Long, Long> e : blocks.entrySet()) {
                    offsets.put(e.getKey(), sum);
                    sum += e.getValue();
                }
                out.put(file, offsets);
            });
            return out;
        }
    }

}
