package io.moelab.jobs.warehouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moelab.MoelabInputException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Optional;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The {@value #FILE_NAME} file beside a table's partitions: which registry version of the table the
 * partitions were written with. Spark skips files whose names start with {@code _}, so the marker
 * never shows up as data.
 */
final class SchemaMarker {
    static final String FILE_NAME = "_moelab_schema.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileSystem fs;

    SchemaMarker(FileSystem fs) {
        this.fs = fs;
    }

    /**
     * Checks that the table folder (if any) can be read with this build's schema: its marker has
     * the registry's major version. A folder without a marker holds no moelab table yet only if
     * it holds nothing else.
     */
    void checkCompatible(TableSchema table, Path tableDir) throws IOException {
        Optional<SchemaVersion> found = read(table, tableDir);
        if (found.isPresent() && found.get().major() != table.version().major()) {
            throw new MoelabInputException("table " + table.name() + " at " + tableDir + " has schema version "
                    + found.get() + ", this moelab reads and writes major version "
                    + table.version().major()
                    + " (" + table.version() + "); migrate the table or use a matching moelab version");
        }
        if (found.isEmpty() && hasEntries(tableDir)) {
            throw new MoelabInputException("folder " + tableDir + " is not a moelab table " + table.name()
                    + ": it has files but no " + FILE_NAME);
        }
    }

    /**
     * Records the registry version unless the folder already records a version of the same major
     * and at least the same minor (a newer minor written by a newer moelab stays: its extra columns
     * read as null in our rows). Call after {@link #checkCompatible}.
     */
    void record(TableSchema table, Path tableDir) throws IOException {
        Optional<SchemaVersion> found = read(table, tableDir);
        if (found.isPresent() && found.get().minor() >= table.version().minor()) {
            return;
        }
        ObjectNode marker = JSON.createObjectNode();
        marker.put("table", table.name());
        marker.put("version", table.version().toString());
        marker.set("schema", JSON.readTree(table.schema().json()));
        fs.mkdirs(tableDir);
        try (OutputStream out = fs.create(new Path(tableDir, FILE_NAME), true)) {
            out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(marker));
        }
    }

    private Optional<SchemaVersion> read(TableSchema table, Path tableDir) throws IOException {
        Path markerPath = new Path(tableDir, FILE_NAME);
        JsonNode marker;
        try (InputStream in = fs.open(markerPath)) {
            marker = JSON.readTree(in);
        } catch (FileNotFoundException e) {
            return Optional.empty();
        } catch (ChecksumException e) {
            throw new MoelabInputException(
                    markerPath + " does not match its checksum file; if it was edited by hand, " + "delete ."
                            + FILE_NAME + ".crc beside it",
                    e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new MoelabInputException(markerPath + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode version = marker.get("version");
        return Optional.of(SchemaVersion.parse(
                version == null ? null : version.asText(), markerPath + " (table " + table.name() + ")"));
    }

    private boolean hasEntries(Path dir) throws IOException {
        try {
            FileStatus[] entries = fs.listStatus(dir);
            return Arrays.stream(entries)
                    .anyMatch(entry -> !entry.getPath().getName().startsWith("."));
        } catch (FileNotFoundException e) {
            return false;
        }
    }
}
