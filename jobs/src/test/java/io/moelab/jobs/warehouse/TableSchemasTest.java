package io.moelab.jobs.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

class TableSchemasTest {

    @Test
    void everyTableStartsWithItsRunIdAndCountsAreLongs() {
        assertEquals(
                List.of(
                        "runs",
                        "routing_stats",
                        "routing_layer_stats",
                        "coactivation",
                        "layer_affinity",
                        "expert_labels",
                        "expert_similarity",
                        "routing_trace",
                        "cache_replay",
                        "benchmark_scores",
                        "eval_examples",
                        "merge_plans",
                        "compression_report"),
                List.copyOf(TableSchemas.names()));
        for (String name : TableSchemas.names()) {
            TableSchema table = TableSchemas.get(name);
            StructField first = table.schema().fields()[0];
            assertEquals(TableSchemas.RUN_ID, first.name(), name);
            assertEquals(DataTypes.StringType, first.dataType(), name);
            for (StructField field : table.schema().fields()) {
                if (List.of("tokens", "top1_tokens", "lookups", "hits", "dead_experts", "tokens_processed")
                        .contains(field.name())) {
                    assertEquals(DataTypes.LongType, field.dataType(), name + "." + field.name());
                }
            }
        }
        assertEquals(
                DataTypes.createArrayType(DataTypes.FloatType),
                TableSchemas.get(TableSchemas.ROUTING_TRACE)
                        .schema()
                        .apply("gates")
                        .dataType());
    }

    @Test
    void typesCompareIgnoringNullability() {
        assertTrue(TableSchemas.sameType(
                DataTypes.createArrayType(DataTypes.IntegerType, false),
                DataTypes.createArrayType(DataTypes.IntegerType, true)));
        assertFalse(TableSchemas.sameType(
                DataTypes.createArrayType(DataTypes.FloatType), DataTypes.createArrayType(DataTypes.DoubleType)));
    }

    @Test
    void versionsParseAndBadOnesNameTheirSource() {
        assertEquals(new SchemaVersion(2, 13), SchemaVersion.parse("2.13", "x"));
        MoelabInputException error =
                assertThrows(MoelabInputException.class, () -> SchemaVersion.parse("v2", "marker.json"));
        assertTrue(
                error.getMessage().contains("marker.json") && error.getMessage().contains("'v2'"), error.getMessage());
        assertThrows(MoelabInputException.class, () -> TableSchemas.get("no_such_table"));
    }
}
