package io.moelab.jobs.testing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.moelab.jobs.warehouse.TableSchemas;
import io.moelab.jobs.warehouse.Warehouse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The tables of one warehouse run in a form two runs can be compared by: for each table with rows
 * for the run ({@code runs} left out, since its times and ids differ by nature), the rows as
 * sorted text without the {@code run_id} column.
 */
public final class RunTables {
    private RunTables() {}

    /** The run's tables under {@code warehouseRoot} (any Hadoop file system the session can reach). */
    public static Map<String, List<String>> read(SparkSession spark, String warehouseRoot, String runId) {
        Warehouse warehouse = Warehouse.open(spark, warehouseRoot);
        Map<String, List<String>> tables = new TreeMap<>();
        for (String table : TableSchemas.names()) {
            if (table.equals(TableSchemas.RUNS)) {
                continue;
            }
            List<String> rows = warehouse
                    .read(table)
                    .where(col(TableSchemas.RUN_ID).equalTo(lit(runId)))
                    .drop(TableSchemas.RUN_ID)
                    .collectAsList()
                    .stream()
                    .map(Row::toString)
                    .sorted()
                    .collect(Collectors.toList());
            if (!rows.isEmpty()) {
                tables.put(table, rows);
            }
        }
        return tables;
    }
}
