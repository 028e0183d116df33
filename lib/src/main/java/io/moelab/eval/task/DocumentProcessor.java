package io.moelab.eval.task;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A built-in {@code process_docs}: rewrites a dataset row before the templates read it, as
 * lm-evaluation-harness's per-task {@code utils.py} functions do. It adds columns and keeps the
 * row's own, so templates can read both.
 */
interface DocumentProcessor extends Serializable {

    /** The name task files give in {@code process_docs}. */
    String name();

    /** Dataset columns it reads. */
    Set<String> inputColumns();

    /** Columns it adds. */
    Set<String> outputColumns();

    /** The row's fields plus {@link #outputColumns()}; a {@link DocumentException} for an unusable row. */
    Map<String, Object> process(Map<String, Object> fields);

    /** The built-in processors by name. */
    static Optional<DocumentProcessor> named(String name) {
        return Optional.ofNullable(Registry.BY_NAME.get(name));
    }

    /** Names of the built-in processors, sorted. */
    static Set<String> names() {
        return new TreeSet<>(Registry.BY_NAME.keySet());
    }

    /** The row's fields with {@code added} on top. */
    static Map<String, Object> extend(Map<String, Object> fields, Map<String, Object> added) {
        Map<String, Object> out = new HashMap<>(fields);
        out.putAll(added);
        return out;
    }

    /** A column that must be a string. */
    static String string(Map<String, Object> fields, String column, String processor) {
        Object value = fields.get(column);
        if (!(value instanceof String s)) {
            throw new DocumentException("process_docs " + processor + ": column '" + column + "' "
                    + (fields.containsKey(column)
                            ? "is " + Template.describe(value) + ", expected a string"
                            : "does not exist (columns: " + String.join(", ", new TreeSet<>(fields.keySet())) + ")"));
        }
        return s;
    }

    /** A column that must be a list of strings. */
    static List<String> strings(Map<String, Object> fields, String column, String processor) {
        Object value = fields.get(column);
        if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new DocumentException("process_docs " + processor + ": column '" + column + "' "
                    + (fields.containsKey(column)
                            ? "is " + Template.describe(value) + ", expected a list of strings"
                            : "does not exist (columns: " + String.join(", ", new TreeSet<>(fields.keySet())) + ")"));
        }
        return list.stream().map(String.class::cast).toList();
    }

    /** Holder so the map is built once. */
    final class Registry {
        private static final Map<String, DocumentProcessor> BY_NAME = Stream.of(
                        new HellaSwagProcessor(), new WinoGrandeProcessor(), new WikitextProcessor())
                .collect(Collectors.toUnmodifiableMap(DocumentProcessor::name, Function.identity()));

        private Registry() {}
    }
}
