package io.moelab.jobs.warehouse;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/** One registered table: its folder name under the warehouse root, its columns and their version. */
public record TableSchema(String name, SchemaVersion version, StructType schema) {

    /** Column names in the registered order. */
    public List<String> columnNames() {
        return Arrays.asList(schema.fieldNames());
    }
}
