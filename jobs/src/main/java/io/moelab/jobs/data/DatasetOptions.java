package io.moelab.jobs.data;

import io.moelab.MoelabInputException;
import io.moelab.data.DocumentSampler;
import io.moelab.data.Sequencer;
import java.io.Serializable;
import java.util.List;

/**
 * What to read and which documents to keep; {@link DatasetSource} and {@link TaskDocuments} apply it.
 * The defaults are the {@code DEFAULT_*} constants, strings where picocli annotations use them.
 *
 * @param paths        files, directories or Hadoop globs, local or {@code s3a://} (anything Hadoop's
 *                     FileSystem reads); at least one
 * @param format       {@link Format#AUTO} picks by file extension ({@code .parquet}; {@code .jsonl},
 *                     {@code .json}, {@code .ndjson}; {@code .txt}, {@code .text}; compressed
 *                     variants such as {@code .jsonl.gz} too)
 * @param textColumn   the string column with the document text (default {@code text}); for plain text
 *                     the name given to the text
 * @param idColumn     optional column with a unique document id (cast to string); without it the id is
 *                     derived from the file and the row's position (see {@code IdentifiedRows})
 * @param labelColumn  optional column with a label such as the domain (cast to string)
 * @param filter       optional Spark SQL boolean expression over the dataset's columns
 * @param split        optional split name: keeps rows whose {@code split} column equals it; the dataset
 *                     must have a {@code split} column (to pick files such as {@code *.validation.jsonl},
 *                     give a glob as the path instead)
 * @param maxDocuments keep at most this many documents, the first of the seed's order
 *                     ({@link DocumentSampler#ALL} for all)
 * @param maxTokens    keep sequences up to this many tokens in all ({@link Sequencer#NO_LIMIT} for all)
 * @param seed         the sampling seed
 * @param textMode     plain text only: {@link TextMode#LINE}, one document per line, or
 *                     {@link TextMode#FILE}, one document per file
 */
public record DatasetOptions(
        List<String> paths,
        Format format,
        String textColumn,
        String idColumn,
        String labelColumn,
        String filter,
        String split,
        long maxDocuments,
        long maxTokens,
        long seed,
        TextMode textMode)
        implements Serializable {

    /** Input formats. */
    public enum Format {
        AUTO,
        PARQUET,
        JSONL,
        TEXT
    }

    /** How plain text is cut into documents. */
    public enum TextMode {
        LINE,
        FILE
    }

    /** The {@link Format} name used when none is given: picked by extension. */
    public static final String DEFAULT_FORMAT = "AUTO";

    public static final String DEFAULT_TEXT_COLUMN = "text";
    public static final long DEFAULT_MAX_DOCUMENTS = DocumentSampler.ALL;
    public static final long DEFAULT_MAX_TOKENS = Sequencer.NO_LIMIT;
    public static final long DEFAULT_SEED = 0L;
    /** The {@link TextMode} name used when none is given: a document per line. */
    public static final String DEFAULT_TEXT_MODE = "LINE";

    public DatasetOptions {
        if (paths == null || paths.isEmpty()) {
            throw new MoelabInputException("dataset: no path given");
        }
        paths = List.copyOf(paths);
        format = format == null ? Format.valueOf(DEFAULT_FORMAT) : format;
        textColumn = textColumn == null || textColumn.isBlank() ? DEFAULT_TEXT_COLUMN : textColumn;
        textMode = textMode == null ? TextMode.valueOf(DEFAULT_TEXT_MODE) : textMode;
        if (maxDocuments < 1) {
            throw new MoelabInputException("dataset maxDocuments: expected at least 1, got " + maxDocuments);
        }
        if (maxTokens < 1) {
            throw new MoelabInputException("dataset maxTokens: expected at least 1, got " + maxTokens);
        }
    }

    /** The paths as error messages name the dataset. */
    String describePaths() {
        return String.join(", ", paths);
    }

    public static Builder builder(String... paths) {
        return new Builder(List.of(paths));
    }

    /** Fluent construction with the defaults above. */
    public static final class Builder {
        private final List<String> paths;
        private Format format = Format.valueOf(DEFAULT_FORMAT);
        private String textColumn = DEFAULT_TEXT_COLUMN;
        private String idColumn;
        private String labelColumn;
        private String filter;
        private String split;
        private long maxDocuments = DEFAULT_MAX_DOCUMENTS;
        private long maxTokens = DEFAULT_MAX_TOKENS;
        private long seed = DEFAULT_SEED;
        private TextMode textMode = TextMode.valueOf(DEFAULT_TEXT_MODE);

        private Builder(List<String> paths) {
            this.paths = paths;
        }

        public Builder format(Format v) {
            format = v;
            return this;
        }

        public Builder textColumn(String v) {
            textColumn = v;
            return this;
        }

        public Builder idColumn(String v) {
            idColumn = v;
            return this;
        }

        public Builder labelColumn(String v) {
            labelColumn = v;
            return this;
        }

        public Builder filter(String v) {
            filter = v;
            return this;
        }

        public Builder split(String v) {
            split = v;
            return this;
        }

        public Builder maxDocuments(long v) {
            maxDocuments = v;
            return this;
        }

        public Builder maxTokens(long v) {
            maxTokens = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder textMode(TextMode v) {
            textMode = v;
            return this;
        }

        public DatasetOptions build() {
            return new DatasetOptions(
                    paths,
                    format,
                    textColumn,
                    idColumn,
                    labelColumn,
                    filter,
                    split,
                    maxDocuments,
                    maxTokens,
                    seed,
                    textMode);
        }
    }
}
