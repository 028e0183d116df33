package io.moelab.jobs.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An application's Spark event log ({@code spark.eventLog.enabled=true}, uncompressed): one JSON
 * event per line, as the history server reads it. Structured, unlike log text: which executors the
 * application had, and which executor ran each task of a stage.
 */
public final class SparkEventLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> events;

    private SparkEventLog(List<JsonNode> events) {
        this.events = events;
    }

    /** The one event log in {@code dir} (the folder given as {@code spark.eventLog.dir}). */
    public static SparkEventLog readOnly(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(Files::isRegularFile).collect(Collectors.toList());
        }
        if (files.size() != 1) {
            throw new IllegalStateException("expected one event log in " + dir + ", found " + files);
        }
        try (Stream<String> lines = Files.lines(files.get(0))) {
            return new SparkEventLog(lines.map(SparkEventLog::parse).collect(Collectors.toList()));
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String applicationId() {
        return events("SparkListenerApplicationStart")
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no application start event"))
                .path("App ID")
                .asText();
    }

    /** Every executor the application was given. */
    public Set<String> executorIds() {
        return events("SparkListenerExecutorAdded")
                .map(event -> event.path("Executor ID").asText())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The stage ids whose RDDs include one created at a call site starting with {@code callSite},
     * e.g. {@code "mapPartitions at CalibrationJob.java"}.
     */
    public Set<Integer> stagesWithCallSite(String callSite) {
        return events("SparkListenerStageSubmitted")
                .map(event -> event.path("Stage Info"))
                .filter(stage -> Stream.of(JSON.convertValue(stage.path("RDD Info"), JsonNode[].class))
                        .anyMatch(rdd -> rdd.path("Callsite").asText().startsWith(callSite)))
                .map(stage -> stage.path("Stage ID").asInt())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** How many tasks of the given stages finished successfully on each executor. */
    public Map<String, Long> successfulTasksPerExecutor(Set<Integer> stages) {
        return events("SparkListenerTaskEnd")
                .filter(event -> stages.contains(event.path("Stage ID").asInt()))
                .filter(event -> "Success"
                        .equals(event.path("Task End Reason").path("Reason").asText()))
                .collect(Collectors.groupingBy(
                        event -> event.path("Task Info").path("Executor ID").asText(),
                        TreeMap::new,
                        Collectors.counting()));
    }

    private Stream<JsonNode> events(String type) {
        return events.stream().filter(event -> type.equals(event.path("Event").asText()));
    }
}
