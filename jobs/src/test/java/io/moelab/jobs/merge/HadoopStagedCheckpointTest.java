package io.moelab.jobs.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.model.checkpoint.DType;
import io.moelab.model.checkpoint.SafetensorsWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An output on a Hadoop file system ({@link LocalAsRemoteFileSystem} standing in for s3a): refused
 * when it exists, staged beside it, published by rename, and cleaned up.
 */
class HadoopStagedCheckpointTest {
    private static final Configuration HADOOP = LocalAsRemoteFileSystem.configuration();

    @TempDir
    Path dir;

    @Test
    void anExistingOutputIsRefusedUntouched() throws IOException {
        Path taken = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(taken.resolve("keep.txt"), "mine");
        MoelabInputException e = assertThrows(
                MoelabInputException.class,
                () -> StagedCheckpoint.forOutput(LocalAsRemoteFileSystem.uri(taken), HADOOP));
        assertTrue(e.getMessage().startsWith("--output "), e.getMessage());
        assertTrue(e.getMessage().contains(taken + ": already exists"), e.getMessage());
        assertEquals(List.of("keep.txt"), names(taken));
    }

    @Test
    void stagesBesideTheOutputAndPublishesByRename() throws Exception {
        Path output = dir.resolve("merged");
        StagedCheckpoint checkpoint = StagedCheckpoint.forOutput(LocalAsRemoteFileSystem.uri(output), HADOOP);
        assertTrue(checkpoint instanceof HadoopStagedCheckpoint);
        assertEquals("merged", checkpoint.name());
        checkpoint.begin("run-1");
        StagedCheckpoint.ShardSink sink = roundTrip(checkpoint.shardSink());
        SafetensorsWriter shard = new SafetensorsWriter(Map.of("format", "pt"));
        shard.add("w", DType.F32, new long[] {2}, new float[] {1, 2});
        sink.put("model.safetensors", shard, HADOOP);
        sink.put("model.safetensors", shard, HADOOP); // a retried task uploads its shard again
        checkpoint.writeModelCard("# merged\n");
        Path tokenizer = Files.writeString(dir.resolve("tokenizer.json"), "{}");
        checkpoint.copy(tokenizer, "tokenizer.json");

        assertFalse(Files.exists(output), "nothing at the output before publish");
        List<String> siblings = names(dir);
        assertEquals(2, siblings.size(), siblings.toString());
        assertTrue(siblings.get(0).startsWith("merged.staging-run-1-"), siblings.toString());

        checkpoint.publish();
        assertEquals(List.of("README.md", "model.safetensors", "tokenizer.json"), names(output));
        Path expected = dir.resolve("expected.safetensors");
        shard.write(expected);
        assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(output.resolve("model.safetensors")));
        assertEquals("# merged\n", Files.readString(output.resolve("README.md"), StandardCharsets.UTF_8));
        checkpoint.discard();
        assertEquals(List.of("expected.safetensors", "merged", "tokenizer.json"), names(dir), "no staging folder left");

        checkpoint.unpublish();
        assertFalse(Files.exists(output));
    }

    @Test
    void anOutputThatAppearsMeanwhileIsNeverOverwritten() throws IOException {
        Path output = dir.resolve("merged");
        StagedCheckpoint checkpoint = StagedCheckpoint.forOutput(LocalAsRemoteFileSystem.uri(output), HADOOP);
        checkpoint.begin("run-2");
        checkpoint.writeModelCard("# merged\n");
        Files.createDirectories(output);
        Files.writeString(output.resolve("keep.txt"), "mine");
        MoelabInputException e = assertThrows(MoelabInputException.class, checkpoint::publish);
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        checkpoint.discard();
        assertEquals(List.of("merged"), names(dir));
        assertEquals(List.of("keep.txt"), names(output));
    }

    @Test
    void aUriWithCredentialsIsRefused() {
        MoelabInputException e = assertThrows(
                MoelabInputException.class, () -> StagedCheckpoint.forOutput("s3a://KEY:SECRET@bucket/out", HADOOP));
        assertTrue(e.getMessage().startsWith("--output s3a://***@bucket/out: credentials"), e.getMessage());
    }

    /** What a Spark task gets: the sink after Java serialization. */
    private static StagedCheckpoint.ShardSink roundTrip(StagedCheckpoint.ShardSink sink) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(sink);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (StagedCheckpoint.ShardSink) in.readObject();
        }
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
