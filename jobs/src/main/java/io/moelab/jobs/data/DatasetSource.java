package io.moelab.jobs.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;

import io.moelab.MoelabInputException;
import io.moelab.data.CalibrationSequence;
import io.moelab.data.Document;
import io.moelab.data.SequencingOptions;
import io.moelab.model.tokenizer.Tokenizer;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * A dataset's text documents and the calibration sequences cut from them (docs/DESIGN.md: "DatasetSource:
 * read, tokenize, cut into sequences"). The files and formats are {@link DatasetFiles}', the ids,
 * checks and filters {@link IdentifiedRows}', the order and sample {@link SeededOrder}'s, the cutting
 * {@link DistributedSequencer}'s; every step depends on ids and the seed only, so 1 or N partitions give
 * the same documents and sequences.
 *
 * <p><b>Validation</b> (each a {@link MoelabInputException}, before anything is written): the input
 * errors of {@link DatasetFiles} and {@link IdentifiedRows}; a missing text or label column; a text
 * column that is not a string; no documents after the filter and split; a tokenizer whose ids do not
 * fit the model ({@link #validateVocabulary}).
 */
public final class DatasetSource {

    private final SparkSession spark;
    private final DatasetOptions options;

    public DatasetSource(SparkSession spark, DatasetOptions options) {
        this.spark = spark;
        this.options = options;
    }

    /**
     * The validated documents (rows with a non-empty text), in the seed's global order and cut to
     * {@code maxDocuments}.
     *
     * @throws MoelabInputException for any of the bad inputs in the class comment
     */
    public JavaRDD<Document> documents() {
        String textColumn = options.textColumn();
        String describe = options.describePaths();
        IdentifiedRows rows = IdentifiedRows.read(spark, options, schema -> {
            IdentifiedRows.requireColumn(schema, textColumn, "text column", describe);
            DataType textType = schema.apply(textColumn).dataType();
            if (!textType.equals(DataTypes.StringType)) {
                throw new MoelabInputException(describe + ": text column '" + textColumn + "' is "
                        + textType.simpleString() + ", expected string");
            }
            if (options.labelColumn() != null) {
                IdentifiedRows.requireColumn(schema, options.labelColumn(), "label column", describe);
            }
            return List.of(textColumn);
        });
        Column label = options.labelColumn() == null
                ? lit(null).cast(DataTypes.StringType)
                : col(options.labelColumn()).cast(DataTypes.StringType);
        JavaRDD<Document> docs = rows.table()
                .select(rows.documentId().as("id"), col(textColumn).as("text"), label.as("label"))
                .where(col("text").isNotNull().and(length(col("text")).gt(0)))
                .javaRDD()
                .map(r -> new Document(r.getString(0), r.getString(1), r.isNullAt(2) ? null : r.getString(2)));
        JavaRDD<Document> ordered = SeededOrder.firstOf(docs, Document::id, options.seed(), options.maxDocuments())
                .persist(StorageLevel.MEMORY_AND_DISK());
        if (ordered.isEmpty()) {
            throw new MoelabInputException(describe + ": no documents"
                    + (options.filter() == null && options.split() == null
                            ? ""
                            : " after"
                                    + (options.filter() == null ? "" : " filter '" + options.filter() + "'")
                                    + (options.filter() != null && options.split() != null ? " and" : "")
                                    + (options.split() == null ? "" : " split '" + options.split() + "'"))
                    + " (documents are rows with a non-empty '" + textColumn + "')");
        }
        return ordered;
    }

    /**
     * Sequences of this dataset: {@link #documents()} tokenized on the executors and cut as
     * {@code sequencing} says, capped at {@code maxTokens} ({@link DistributedSequencer}).
     *
     * @param modelVocabSize the model's {@code vocab_size}, checked against the tokenizer's
     */
    public JavaRDD<CalibrationSequence> sequences(
            SerializableTokenizerFactory tokenizer, int modelVocabSize, SequencingOptions sequencing) {
        try (Tokenizer t = tokenizer.create()) {
            validateVocabulary(t.vocabSize(), modelVocabSize);
        }
        return DistributedSequencer.sequences(documents(), options.seed(), options.maxTokens(), tokenizer, sequencing);
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
}
