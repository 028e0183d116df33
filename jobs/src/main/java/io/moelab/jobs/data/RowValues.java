package io.moelab.jobs.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import scala.collection.Iterable;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark rows as the plain Java values {@link io.moelab.eval.task.TaskDocument} holds: structs become
 * {@code Map<String, Object>} (field order kept), arrays {@code List<Object>}, integral numbers
 * {@code Long}, floating numbers {@code Double}; strings and booleans stay as they are.
 */
final class RowValues {
    private RowValues() {}

    /** Fields {@code from..} of {@code row} by column name. */
    static Map<String, Object> fields(Row row, int from) {
        StructType schema = row.schema();
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = from; i < row.length(); i++) {
            out.put(schema.fields()[i].name(), value(row.get(i)));
        }
        return out;
    }

    static Object value(Object v) {
        if (v instanceof Row struct) {
            return fields(struct, 0);
        }
        if (v instanceof scala.collection.Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            CollectionConverters.asJava(map).forEach((k, x) -> out.put(String.valueOf(k), value(x)));
            return out;
        }
        if (v instanceof Iterable<?> seq) {
            List<Object> out = new ArrayList<>();
            CollectionConverters.asJava(seq).forEach(x -> out.add(value(x)));
            return out;
        }
        if (v instanceof Byte || v instanceof Short || v instanceof Integer) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        return v;
    }
}
