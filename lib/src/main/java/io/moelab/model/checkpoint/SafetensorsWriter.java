package io.moelab.model.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moelab.MoelabInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Collects tensors, then writes them as one safetensors file or as Hugging Face shards plus an index. Each file is
 * written to a temporary file in the target directory and moved into place atomically, so readers never see a
 * half-written checkpoint file. Tensors added with {@link #addStreamed} are produced chunk by chunk while the file is
 * written, so a checkpoint larger than memory can be written.
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HEADER_ALIGNMENT = 8;

    /** Elements encoded per write of a streamed tensor: 4 MB of float32, enough to keep the disk busy. */
    private static final int STREAM_CHUNK = 1 << 20;

    /** Produces a streamed tensor's values in row-major order, a chunk at a time. */
    @FunctionalInterface
    public interface ValueStream {
        /** Fills {@code chunk[0, count)} with the next {@code count} values. */
        void next(float[] chunk, int count);
    }

    /** Writes a tensor's bytes at the channel's position. */
    @FunctionalInterface
    private interface Content {
        void writeTo(FileChannel out) throws IOException;
    }

    private record Entry(String name, DType dtype, long[] shape, long byteLength, Content content) {}

    private final Map<String, String> metadata;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** @param metadata the {@code __metadata__} strings for every file written (HF writes {"format": "pt"}) */
    public SafetensorsWriter(Map<String, String> metadata) {
        this.metadata = new LinkedHashMap<>(metadata);
    }

    /** Adds float32 values, stored as {@code dtype}; F16/BF16 round to nearest-even as torch's {@code .to()} does. */
    public SafetensorsWriter add(String name, DType dtype, long[] shape, float[] values) {
        checkCount(name, shape, values.length);
        return putBytes(name, dtype, shape, FloatCodec.encode(values, dtype));
    }

    /**
     * Adds the little-endian bytes from the buffer's position to its limit, copied bit-exactly when the file is
     * written. The buffer is not copied now (so a mapped tensor costs no heap): do not change its contents before
     * writing.
     */
    public SafetensorsWriter addRaw(String name, DType dtype, long[] shape, ByteBuffer littleEndianBytes) {
        long expectedBytes = Math.multiplyExact(numel(shape), dtype.byteSize());
        if (littleEndianBytes.remaining() != expectedBytes) {
            throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape) + " and "
                    + dtype + " needs " + expectedBytes + " bytes, got " + littleEndianBytes.remaining());
        }
        return putBytes(name, dtype, shape, littleEndianBytes.slice());
    }

    /**
     * Adds a tensor whose values are produced only while the file is written: {@code values} is called then for a
     * fresh stream, which is asked for the tensor's values in chunks of at most a million, each encoded as
     * {@code dtype} (F16/BF16 round to nearest-even) and written before the next is asked for. Memory stays bounded
     * by the chunk, whatever the tensor's size.
     */
    public SafetensorsWriter addStreamed(String name, DType dtype, long[] shape, Supplier<ValueStream> values) {
        long count = numel(shape);
        return put(new Entry(
                name,
                dtype,
                shape.clone(),
                Math.multiplyExact(count, dtype.byteSize()),
                out -> writeStreamed(out, dtype, count, values.get())));
    }

    private SafetensorsWriter putBytes(String name, DType dtype, long[] shape, ByteBuffer bytes) {
        return put(new Entry(name, dtype, shape.clone(), bytes.remaining(), out -> writeFully(out, bytes.duplicate())));
    }

    private SafetensorsWriter put(Entry entry) {
        if (entry.name().equals(SafetensorsHeader.METADATA_KEY) || entries.containsKey(entry.name())) {
            throw new IllegalArgumentException("tensor name '" + entry.name() + "' is reserved or already added");
        }
        entries.put(entry.name(), entry);
        return this;
    }

    private static void checkCount(String name, long[] shape, int count) {
        if (numel(shape) != count) {
            throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape) + " needs "
                    + numel(shape) + " values, got " + count);
        }
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, dim);
        }
        return n;
    }

    /** Writes all tensors, in the order added, to one file. */
    public void write(Path file) {
        writeFile(file, List.copyOf(entries.values()));
    }

    /**
     * Writes {@code model-00001-of-0000N.safetensors}... into {@code dir}, starting a new shard whenever the next
     * tensor would take the current one past {@code maxShardBytes} (a bigger tensor gets a shard of its own), plus
     * {@code model.safetensors.index.json}. A checkpoint that fits in one shard is written as plain
     * {@code model.safetensors} without an index, as transformers does.
     */
    public void writeSharded(Path dir, long maxShardBytes) {
        List<List<Entry>> shards = splitIntoShards(maxShardBytes);
        if (shards.size() == 1) {
            writeFile(dir.resolve(Checkpoint.SINGLE_FILE), shards.get(0));
            return;
        }
        if (Files.exists(dir.resolve(Checkpoint.SINGLE_FILE))) {
            // Checkpoint.open prefers model.safetensors, so it would hide the new shards.
            throw new MoelabInputException(dir + ": already has " + Checkpoint.SINGLE_FILE
                    + ", which would shadow the shards; write them to another directory");
        }
        Map<String, String> weightMap = new TreeMap<>(); // sorted, as transformers writes it
        long totalSize = 0;
        for (int i = 0; i < shards.size(); i++) {
            String shardName = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            writeFile(dir.resolve(shardName), shards.get(i));
            for (Entry entry : shards.get(i)) {
                weightMap.put(entry.name(), shardName);
                totalSize += entry.byteLength();
            }
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("metadata", Map.of("total_size", totalSize));
        index.put("weight_map", weightMap);
        try {
            ByteBuffer json =
                    ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(index));
            writeAtomically(dir.resolve(Checkpoint.INDEX_FILE), out -> writeFully(out, json));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<List<Entry>> splitIntoShards(long maxShardBytes) {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
        }
        List<List<Entry>> shards = new ArrayList<>();
        List<Entry> current = new ArrayList<>();
        long currentBytes = 0;
        for (Entry entry : entries.values()) {
            long size = entry.byteLength();
            if (!current.isEmpty() && currentBytes + size > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(entry);
            currentBytes += size;
        }
        shards.add(current);
        return shards;
    }

    private void writeFile(Path file, List<Entry> tensors) {
        ByteBuffer header = header(tensors);
        writeAtomically(file, out -> {
            writeFully(out, header);
            for (Entry entry : tensors) {
                entry.content().writeTo(out);
            }
        });
    }

    private static void writeStreamed(FileChannel out, DType dtype, long count, ValueStream values) throws IOException {
        float[] chunk = new float[(int) Math.min(count, STREAM_CHUNK)];
        ByteBuffer bytes = ByteBuffer.allocate(chunk.length * dtype.byteSize());
        for (long done = 0; done < count; ) {
            int n = (int) Math.min(chunk.length, count - done);
            values.next(chunk, n);
            bytes.clear();
            FloatCodec.encodeInto(chunk, n, dtype, bytes);
            writeFully(out, bytes.flip());
            done += n;
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
    }

    /** The 8-byte length plus the JSON header, padded with spaces so the data starts 8-byte aligned. */
    private ByteBuffer header(List<Entry> tensors) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put(SafetensorsHeader.METADATA_KEY, metadata);
        }
        long offset = 0;
        for (Entry entry : tensors) {
            long end = offset + entry.byteLength();
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("dtype", entry.dtype().name());
            fields.put("shape", entry.shape());
            fields.put("data_offsets", new long[] {offset, end});
            header.put(entry.name(), fields);
            offset = end;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        int padding = (HEADER_ALIGNMENT - json.length % HEADER_ALIGNMENT) % HEADER_ALIGNMENT;
        ByteBuffer buffer = ByteBuffer.allocate(8 + json.length + padding).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(json.length + padding).put(json);
        while (buffer.hasRemaining()) {
            buffer.put((byte) ' ');
        }
        return buffer.flip();
    }

    private static void writeAtomically(Path file, Content content) {
        Path dir = file.toAbsolutePath().getParent();
        createDirectories(dir);
        // Not Files.createTempFile: its owner-only permissions would carry over to the finished file.
        Path temp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(out);
                out.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(temp, e);
            throw new MoelabInputException(file + ": cannot write: " + e, e);
        } catch (RuntimeException e) { // a streamed tensor's values failed: leave no temporary file behind
            deleteQuietly(temp, e);
            throw e;
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new MoelabInputException(dir + ": cannot create directory: " + e, e);
        }
    }

    private static void deleteQuietly(Path temp, Exception primary) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }
}
