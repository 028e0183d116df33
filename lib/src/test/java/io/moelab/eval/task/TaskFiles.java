package io.moelab.eval.task;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The shipped task files and hand-made documents for the task tests. */
final class TaskFiles {
    private TaskFiles() {}

    /** Surefire runs in lib/; tasks/ and datasets/ live one level up. */
    static Path root() {
        return Path.of("").toAbsolutePath().getParent();
    }

    static TaskDefinition bundled(String name) {
        return TaskDefinition.load(root().resolve("tasks/bundled").resolve(name + ".yaml"));
    }

    static TaskDefinition published(String name) {
        return TaskDefinition.load(root().resolve("tasks/public").resolve(name + ".yaml"));
    }

    /** A document from alternating column names and values. */
    static TaskDocument doc(String id, Object... columnsAndValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            fields.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
        }
        return new TaskDocument(id, fields);
    }

    static MultipleChoiceInstance choice(TaskDefinition task, TaskDocument doc) {
        return (MultipleChoiceInstance) task.instance(doc, List.of());
    }

    /** Parses YAML given as lines, with relative data paths resolved against /data. */
    static TaskDefinition yaml(String... lines) {
        return TaskDefinition.parse(String.join("\n", lines), "t.yaml", Path.of("/data"));
    }
}
