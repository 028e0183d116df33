package io.moelab.jobs.evaluate;

import io.moelab.MoelabInputException;
import io.moelab.eval.task.TaskDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The task files a run names: files as given, folders as their {@code *.yaml}/{@code *.yml} files in name order. */
final class TaskFiles {
    private TaskFiles() {}

    static List<TaskDefinition> load(List<String> paths, String dataDir) {
        List<TaskDefinition> tasks = new ArrayList<>();
        Map<String, Path> seen = new HashMap<>();
        for (Path file : expand(paths)) {
            TaskDefinition task = TaskDefinition.load(file, Optional.ofNullable(dataDir));
            Path other = seen.put(task.name(), file);
            if (other != null) {
                throw new MoelabInputException(
                        "task '" + task.name() + "' is defined twice: " + other + " and " + file);
            }
            tasks.add(task);
        }
        if (tasks.isEmpty()) {
            throw new MoelabInputException("--tasks " + String.join(",", paths) + ": no task files (*.yaml, *.yml)");
        }
        return tasks;
    }

    private static List<Path> expand(List<String> paths) {
        List<Path> files = new ArrayList<>();
        for (String p : paths) {
            Path path = Path.of(p);
            if (Files.isDirectory(path)) {
                try (Stream<Path> listing = Files.list(path)) {
                    listing.filter(f -> f.toString().endsWith(".yaml")
                                    || f.toString().endsWith(".yml"))
                            .sorted()
                            .forEach(files::add);
                } catch (IOException e) {
                    throw new MoelabInputException(
                            "task folder " + p + ": cannot be listed (" + e.getMessage() + ")", e);
                }
            } else if (Files.isRegularFile(path)) {
                files.add(path);
            } else {
                throw new MoelabInputException("task file not found: " + p);
            }
        }
        return files;
    }
}
