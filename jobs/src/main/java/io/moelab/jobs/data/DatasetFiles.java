package io.moelab.jobs.data;

import io.moelab.MoelabInputException;
import io.moelab.jobs.data.DatasetOptions.Format;
import io.moelab.jobs.data.DatasetOptions.TextMode;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The files of a dataset, their format, and how Spark reads them.
 *
 * <p><b>Listing.</b> Every path (file, directory or Hadoop glob, local or {@code s3a://}) goes through
 * Hadoop's FileSystem; nothing is read from the local disk directly. Directories are listed
 * recursively, skipping {@code _} and {@code .} files as Spark does. Each file gets its document id
 * prefix: its path relative to the dataset path it was found under, or its name when the path names
 * the file itself, so the same data under another directory or bucket gets the same ids.
 *
 * <p><b>Format.</b> The one given, or {@link Format#AUTO}'s pick by extension ({@link #formatOf}).
 * Under a directory only the files with the format's extension are read (so a CARD.md or build
 * script beside the data is skipped), or all files when none has it; a file named directly must have
 * a data extension under AUTO.
 *
 * <p><b>Reading.</b> Parquet ({@code spark.read.parquet}), JSON Lines ({@code spark.read.json}, bad
 * lines kept in {@link #CORRUPT_COL}) and plain text ({@code spark.read.text}, with {@code wholetext}
 * for {@link TextMode#FILE}; the text is named by the text column).
 */
final class DatasetFiles {

    /** The column where Spark's JSON reader keeps a line that is not a JSON object. */
    static final String CORRUPT_COL = "__moelab_corrupt_record";

    private final DatasetOptions options;
    private final Format format;
    private final Map<String, String> idPrefixes; // normalised file URI -> id prefix

    private DatasetFiles(DatasetOptions options, Format format, Map<String, String> idPrefixes) {
        this.options = options;
        this.format = format;
        this.idPrefixes = idPrefixes;
    }

    /**
     * Lists the dataset's files and resolves their format.
     *
     * @throws MoelabInputException for a missing path, a directory without data files, a format AUTO cannot
     *                              tell or files of several formats, or two files that would get the same
     *                              derived ids (when no id column is given)
     */
    static DatasetFiles list(DatasetOptions options, Configuration conf) {
        Map<String, String> listed = new LinkedHashMap<>();
        Set<String> named = new LinkedHashSet<>(); // files named directly (not found in a directory)
        listFiles(options, conf, listed, named);
        Format format = resolveFormat(options, listed.keySet(), named);
        boolean anyWithExtension = listed.keySet().stream().anyMatch(f -> !named.contains(f) && formatOf(f) == format);
        Map<String, String> files = new LinkedHashMap<>();
        listed.forEach((file, prefix) -> {
            if (named.contains(file) || !anyWithExtension || formatOf(file) == format) {
                files.put(file, prefix);
            }
        });
        if (options.idColumn() == null) {
            checkPrefixes(files);
        }
        return new DatasetFiles(options, format, files);
    }

    /** The resolved format, never {@link Format#AUTO}. */
    Format format() {
        return format;
    }

    /**
     * The files as Spark rows, every source column kept.
     *
     * @throws MoelabInputException for plain text with an id, label or split column
     */
    Dataset<Row> read(SparkSession spark) {
        String[] paths = idPrefixes.keySet().toArray(String[]::new);
        switch (format) {
            case PARQUET:
                return spark.read().parquet(paths);
            case JSONL:
                return spark.read()
                        .option("mode", "PERMISSIVE")
                        .option("columnNameOfCorruptRecord", CORRUPT_COL)
                        .json(paths);
            case TEXT:
                if (options.idColumn() != null || options.labelColumn() != null || options.split() != null) {
                    throw new MoelabInputException(options.describePaths()
                            + ": plain text has no columns, so no id, label or split column can be used"
                            + " (use JSONL or Parquet for those)");
                }
                Dataset<Row> text = options.textMode() == TextMode.FILE
                        ? spark.read().option("wholetext", true).text(paths)
                        : spark.read().text(paths);
                return text.withColumnRenamed("value", options.textColumn());
            default:
                throw new IllegalStateException("unresolved format " + format);
        }
    }

    /** The id prefix of a file as Spark names it ({@code _metadata.file_path}). */
    String idPrefix(String sparkFilePath) {
        String prefix = idPrefixes.get(normalise(new Path(URI.create(sparkFilePath))));
        if (prefix == null) {
            throw new IllegalStateException(
                    "Spark read " + sparkFilePath + ", which the listing of " + idPrefixes.keySet() + " lacks");
        }
        return prefix;
    }

    /**
     * Every input file (normalised URI) with its id prefix, the path relative to the dataset path it
     * was found under; files named by the path itself (or a glob) go to {@code named} too.
     */
    private static void listFiles(
            DatasetOptions options, Configuration conf, Map<String, String> files, Set<String> named) {
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

    /** Derived ids must not collide: two files with the same relative path under two dataset paths. */
    private static void checkPrefixes(Map<String, String> files) {
        Map<String, String> byPrefix = new HashMap<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            String other = byPrefix.put(e.getValue(), e.getKey());
            if (other != null) {
                throw new MoelabInputException(
                        "files " + other + " and " + e.getKey() + " would both get document ids '" + e.getValue()
                                + ":<row>'; give an id column or paths whose files have distinct names");
            }
        }
    }

    /** The format given, or AUTO's pick by extension (see the class comment). */
    private static Format resolveFormat(DatasetOptions options, Set<String> files, Set<String> named) {
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
            throw new MoelabInputException(options.describePaths() + ": no file with a data extension"
                    + " (.parquet, .jsonl, .json, .ndjson, .txt, .text); give the format");
        }
        if (seen.size() != 1) {
            throw new MoelabInputException(options.describePaths() + ": files of several formats (" + seen
                    + "); give one format or separate paths");
        }
        return seen.iterator().next();
    }

    /** The format a file's extension says (compression suffixes aside), or null. */
    static Format formatOf(String file) {
        String name = file.substring(file.lastIndexOf('/') + 1)
                .toLowerCase(Locale.ROOT)
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

    /** scheme://authority/path, so Hadoop's {@code file:/x} and Spark's {@code file:///x} compare equal. */
    static String normalise(Path path) {
        URI u = path.toUri();
        return (u.getScheme() == null ? "file" : u.getScheme()) + "://"
                + (u.getAuthority() == null ? "" : u.getAuthority()) + u.getPath();
    }
}
