package io.moelab.jobs.data;

import static org.apache.spark.sql.functions.col;

import io.moelab.MoelabInputException;
import io.moelab.eval.task.TaskDocument;
import java.util.Arrays;
import java.util.Collection;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

/**
 * The rows of a task's dataset as {@link TaskDocument}s, what the evaluation job turns into task
 * instances: every column as plain Java values ({@link RowValues}), each row with its document id
 * ({@link IdentifiedRows}), in the seed's global order ({@link SeededOrder}). Every string column is
 * checked for UTF-8.
 */
public final class TaskDocuments {
    private static final String DOCUMENT_ID_COL = "__moelab_document_id";

    private TaskDocuments() {}

    /**
     * Every row of the dataset with all its columns, in the seed's global order, the first
     * {@code maxDocuments}.
     *
     * @param requiredColumns columns the task reads; a missing one is an error listing the columns there are
     * @throws MoelabInputException for bad input ({@link IdentifiedRows}) or no rows after the filter
     */
    public static JavaRDD<TaskDocument> read(
            SparkSession spark, DatasetOptions options, Collection<String> requiredColumns) {
        IdentifiedRows rows = IdentifiedRows.read(spark, options, schema -> {
            for (String column : requiredColumns) {
                IdentifiedRows.requireColumn(schema, column, "the task reads it", options.describePaths());
            }
            return Arrays.stream(schema.fields())
                    .filter(f -> f.dataType().equals(DataTypes.StringType))
                    .map(StructField::name)
                    .filter(n -> !n.equals(DatasetFiles.CORRUPT_COL))
                    .toList();
        });
        Dataset<Row> table = rows.table();
        String[] dataColumns = Arrays.stream(table.schema().fieldNames())
                .filter(n -> !n.equals(IdentifiedRows.ID_COL)
                        && !n.equals(IdentifiedRows.FILE_COL)
                        && !n.equals(IdentifiedRows.BLOCK_COL))
                .toArray(String[]::new);
        Column[] selection = new Column[dataColumns.length + 1];
        selection[0] = rows.documentId().as(DOCUMENT_ID_COL);
        for (int i = 0; i < dataColumns.length; i++) {
            selection[i + 1] = col(dataColumns[i]);
        }
        JavaRDD<TaskDocument> docs =
                table.select(selection).javaRDD().map(r -> new TaskDocument(r.getString(0), RowValues.fields(r, 1)));
        JavaRDD<TaskDocument> persisted = SeededOrder.firstOf(
                        docs, TaskDocument::id, options.seed(), options.maxDocuments())
                .persist(StorageLevel.MEMORY_AND_DISK());
        if (persisted.isEmpty()) {
            throw new MoelabInputException(options.describePaths() + ": no rows"
                    + (options.filter() == null ? "" : " after filter '" + options.filter() + "'"));
        }
        return persisted;
    }
}
